"""Published-series layouts (ONS ELS, DESNZ fuel poverty, ONS life expectancy, DfE EES) in a
build: small files in the real files' shapes, mapped by the sources file; every bad input gives
one clear line naming the file, row and column, and leaves the previous dataset untouched."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from marmot_dash.cli import cli
from marmot_dash.data import load_dataset

from .conftest import (
    Previous,
    assert_build_refused,
    bad_input_cases,
    build_previous,
    write_mini_sources_plus,
)
from .test_bad_inputs import (
    Mutation,
    append_line,
    cell,
    drop_column,
    sources_edit,
)

ELS, FUEL, LE, DFE = "els.csv", "fuel.csv", "le.csv", "dfe.csv"
FILES = {
    ELS: "areacd,areanm,geography,indicator,period,observation,measure,unit,lci_95,uci_95,"
         "status,notes\n"
         "E06000032,Luton,County or Unitary Authority,Employment rate,2021-01-01/P1Y,70.1,"
         "Percentage,%,66.0,74.2,,\n"
         "E06000032,Luton,County or Unitary Authority,Employment rate,2022-01-01/P1Y,71.3,"
         "Percentage,%,67.0,75.6,,\n"
         "E92000001,England,Nation,Employment rate,2021-01-01/P1Y,75.1,Percentage,%,75.0,"
         "75.2,,\n"
         "E06000032,Luton,County or Unitary Authority,Male healthy life expectancy,"
         "2019-01-01/P3Y,60.1,Years,yrs,58.0,62.2,,\n"
         "E06000032,Luton,County or Unitary Authority,Female healthy life expectancy,"
         "2019-01-01/P3Y,59.0,Years,yrs,57.0,61.0,,\n"
         "E06000032,Luton,County or Unitary Authority,Persistent absences for pupils looked "
         "after by local authorities,2019-04-01/P1Y,,Percentage,%,,,x,\n"
         "E06000032,Luton,County or Unitary Authority,Gross median weekly pay,2021-04-21,"
         "486.5,Pounds,£,439.8,533.2,,\n"
         "E06000001,Hartlepool,County or Unitary Authority,Employment rate,2021-01-01/P1Y,"
         "68.0,Percentage,%,64.0,72.0,,\n",
    FUEL: "data_year,metric,source_table,area_code,area_name,region,households,"
          "fuel_poor_households,proportion_fuel_poor_pct\n"
          "2011,LIHC,Fuel Poverty in Local Authorities,00KA,Luton,East of England,75137,9639,"
          "12.8\n"
          "2012,LIHC,2. Fuel Poverty by Local Authority,E06000032,Luton,East of England,73410,"
          "9842,13.4\n"
          '2019,LILEE,"Table 2: Fuel Poverty by Administrative Area, 2019",E06000032,Luton,,'
          "80287,12886,16.04992091\n"
          '2019,LILEE,"Table 2: Fuel Poverty by Administrative Area, 2019",E92000001,England,,'
          "23661826,3175979,13.42241747\n",
    LE: "Area Codes,Area Names,2015-2017,2016-2018\n"
        "E92000001,ENGLAND,79.5510532686262,79.6266610774588\n"
        "E06000032,Luton,78.2956308601514,78.0762417327917*\n",
    DFE: "time_period,time_identifier,geographic_level,country_code,country_name,region_code,"
         "region_name,old_la_code,new_la_code,la_name,entitlement_type,age,number_children,"
         "number_eligible_children,percentage_eligible_children\n"
         "2023,Reporting year,National,E92000001,England,,,,,,15-hour entitlement,2-year-olds,"
         "124211,167976,73.9\n"
         "2023,Reporting year,Local authority,E92000001,England,E12000006,East of England,821,"
         "E06000032,Luton,15-hour entitlement,2-year-olds,766,1103,69.4\n"
         "2022,Reporting year,Local authority,E92000001,England,E12000006,East of England,821,"
         "E06000032,Luton,15-hour entitlement,2-year-olds,777,1193,65.1\n",
}
CATALOGUE = (
    "indicator_id,name,principle,unit,value_type,multiplier,polarity,baseline_period,"
    "source_url,publisher\n"
    "P3-employment,Employment rate,3,%,proportion,100,higher_is_better,2021,,ONS (via ELS)\n"
    "P3-pay,Median weekly pay,3,£,mean,1,higher_is_better,2021,,ONS (via ELS)\n"
    "P6-hle,Healthy life expectancy,6,years,life_expectancy,1,higher_is_better,2019-2021,,\n"
    "P7-pa-lac,Persistent absence (looked after),7,%,proportion,100,lower_is_better,,,\n"
    "P4-fuel-lihc,Fuel poverty (LIHC),4,%,proportion,100,lower_is_better,2012,,DESNZ\n"
    "P4-fuel-lilee,Fuel poverty (LILEE),4,%,proportion,100,lower_is_better,2019,,DESNZ\n"
    "P6-le,Life expectancy,6,years,life_expectancy,1,higher_is_better,2016-2018,,ONS\n"
    "P1-ey2,Funded early education for 2-year-olds,1,%,proportion,100,higher_is_better,2022,,"
    "DfE\n"
)
INDICATORS = [
    {"kind": "ons_els", "path": ELS, "indicators": {
        "Employment rate": "P3-employment", "Gross median weekly pay": "P3-pay",
        "Male healthy life expectancy": {"id": "P6-hle", "breakdown": "sex", "category": "Male"},
        "Female healthy life expectancy": {"id": "P6-hle", "breakdown": "sex",
                                           "category": "Female"},
        "Persistent absences for pupils looked after by local authorities": [
            "P7-pa-lac", {"id": "P7-pa-lac", "breakdown": "pupil_group",
                          "category": "Looked after", "category_sort": 3}]}},
    {"kind": "fuel_poverty", "path": FUEL,
     "indicators": {"LIHC": "P4-fuel-lihc", "LILEE": "P4-fuel-lilee"}},
    {"kind": "life_expectancy", "path": LE,
     "indicator": {"id": "P6-le", "breakdown": "sex", "category": "Male"}},
    {"kind": "dfe_ees", "path": DFE, "indicators": {"15-hour entitlement: 2-year-olds": "P1-ey2"}},
]


def replace_all(file: str, old: str, new: str) -> Mutation:
    def mutate(folder: Path) -> None:
        path = folder / file
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return mutate


def write_series_sources(folder: Path) -> Path:
    """The mini sources plus one small file of each published-series layout."""
    return write_mini_sources_plus(
        folder, {**FILES, "catalogue_series.csv": CATALOGUE}, "catalogue_series.csv", INDICATORS,
        principle_notes={7: "Only persistent absence of looked-after pupils is published."})


@pytest.fixture
def series_sources(tmp_path: Path) -> Path:
    return write_series_sources(tmp_path / "sources")


@pytest.fixture(scope="module")
def previous(tmp_path_factory: pytest.TempPathFactory) -> Previous:
    return build_previous(tmp_path_factory, write_series_sources)


def test_series_rows_arrive_as_published(previous) -> None:
    dataset = load_dataset(previous[0])
    values = dataset.values.set_index(["indicator_id", "area_code", "period", "breakdown",
                                       "category"])
    employment = values.loc[("P3-employment", "E06000032", "2021", "total", "Total")]
    assert (employment["value"], employment["lower_ci"], employment["upper_ci"]) == (
        70.1, 66.0, 74.2)
    assert employment["period_sort"] == 20210000
    assert values.loc[("P3-pay", "E06000032", "2021", "total", "Total"), "value"] == 486.5
    male = values.loc[("P6-hle", "E06000032", "2019-2021", "sex", "Male")]
    assert (male["value"], male["category_sort"]) == (60.1, 1)
    lac = values.loc[("P7-pa-lac", "E06000032", "2019/20", "pupil_group", "Looked after")]
    assert lac["value"] != lac["value"] and lac["note"] == "status x: not available"
    fuel = values.loc[("P4-fuel-lihc", "E06000032", "2011", "total", "Total")]
    assert (fuel["value"], fuel["count"], fuel["denominator"]) == (12.8, 9639, 75137)
    assert ("P4-fuel-lilee", "E06000032", "2011", "total", "Total") not in values.index
    le = values.loc[("P6-le", "E06000032", "2016-2018", "sex", "Male")]
    assert le["value"] == 78.0762417327917 and "marked *" in le["note"]
    ey = values.loc[("P1-ey2", "E06000032", "2023", "total", "Total")]
    assert (ey["value"], ey["count"], ey["denominator"]) == (69.4, 766, 1103)
    assert "E06000001" not in set(dataset.values["area_code"])  # not a known area
    assert dataset.indicators.set_index("indicator_id").loc["P3-pay", "publisher"] == (
        "ONS (via ELS)")
    assert dataset.meta["principle_notes"] == {
        7: "Only persistent absence of looked-after pupils is published."}


CASES = [
    # ONS Explore Local Statistics
    ("els-renamed-header", drop_column(ELS, "observation", rename="obs"), ELS, 1, "observation"),
    ("els-dotdot-value", cell(ELS, 3, "observation", ".."), ELS, 3, "observation"),
    ("els-footer-row", append_line(ELS, "Source: ONS Explore Local Statistics,,,,,,,,,,,"),
     ELS, 10, "areacd"),
    ("els-unknown-area-name", cell(ELS, 3, "areanm", "Lutton"), ELS, 3, "areanm"),
    ("els-authority-absent", replace_all(ELS, "E06000032", "E06000099"), ELS, None,
     "areacd"),
    ("els-bad-period", cell(ELS, 2, "period", "2021-13-01/P1Y"), ELS, 2, "period"),
    ("els-percent-over-100", cell(ELS, 2, "observation", "104"), ELS, 2, "observation"),
    ("els-unknown-status", cell(ELS, 7, "status", "q"), ELS, 7, "status"),
    ("els-empty-without-status", cell(ELS, 7, "status", ""), ELS, 7, "observation"),
    ("els-duplicate", append_line(ELS, "E06000032,Luton,County or Unitary Authority,"
                                       "Employment rate,2021-01-01/P1Y,70.1,Percentage,%,66,"
                                       "74.2,,"), ELS, 10, "period"),
    ("els-unmapped-indicator-named",
     sources_edit(lambda d: d["indicators"][2]["indicators"].update({"Nope": "P3-pay"})),
     ELS, None, "indicator"),
    # DESNZ fuel poverty
    ("fuel-renamed-header", drop_column(FUEL, "households", rename="hh"), FUEL, 1,
     "households"),
    ("fuel-dotdot-value", cell(FUEL, 3, "proportion_fuel_poor_pct", ".."), FUEL, 3,
     "proportion_fuel_poor_pct"),
    ("fuel-footer-row", append_line(FUEL, "Source: DESNZ,,,,,,,,"), FUEL, 6, "metric"),
    ("fuel-unknown-area-code", cell(FUEL, 3, "area_code", "LUTON"), FUEL, 3, "area_code"),
    ("fuel-bad-period", cell(FUEL, 3, "data_year", "20x2"), FUEL, 3, "data_year"),
    ("fuel-percent-over-100", cell(FUEL, 3, "proportion_fuel_poor_pct", "113.4"), FUEL, 3,
     "proportion_fuel_poor_pct"),
    ("fuel-count-above-denominator", cell(FUEL, 3, "fuel_poor_households", "98420"), FUEL, 3,
     "fuel_poor_households"),
    # ONS life expectancy (wide)
    ("le-renamed-header", drop_column(LE, "Area Codes", rename="Codes"), LE, 1,
     "Area Codes or Area Code"),
    ("le-dotdot-value", cell(LE, 3, "2015-2017", ".."), LE, 3, "2015-2017"),
    ("le-footer-row", append_line(LE, "Source: Office for National Statistics,,,"), LE, 4,
     "Area Codes"),
    ("le-authority-absent", cell(LE, 3, "Area Codes", "E06000099"), LE, None, "Area Codes"),
    ("le-bad-period", drop_column(LE, "2016-2018", rename="2016-18 (provisional)"), LE, 1,
     "2016-18 (provisional)"),
    ("le-over-130-years", cell(LE, 2, "2015-2017", "795.5"), LE, 2, "2015-2017"),
    # DfE Explore Education Statistics
    ("dfe-renamed-header", drop_column(DFE, "age", rename="age_group"), DFE, 1, "age"),
    ("dfe-dotdot-value", cell(DFE, 3, "percentage_eligible_children", ".."), DFE, 3,
     "percentage_eligible_children"),
    ("dfe-footer-row", append_line(DFE, "Source: DfE,,,,,,,,,,,,,,"), DFE, 5,
     "geographic_level"),
    ("dfe-unknown-level", cell(DFE, 3, "geographic_level", "Ward"), DFE, 3,
     "geographic_level"),
    ("dfe-bad-period", cell(DFE, 3, "time_period", "2023/2024"), DFE, 3, "time_period"),
    ("dfe-percent-over-100", cell(DFE, 3, "percentage_eligible_children", "104"), DFE, 3,
     "percentage_eligible_children"),
    ("dfe-count-above-denominator", cell(DFE, 3, "number_children", "1766"), DFE, 3,
     "number_children"),
    # the sources file
    ("sources-unknown-catalogue-id",
     sources_edit(lambda d: d["indicators"][4].update(indicator="P6-nope")), "sources.yaml",
     None, "indicators (le.csv).*"),
    ("sources-bad-breakdown",
     sources_edit(lambda d: d["indicators"][4].update(
         indicator={"id": "P6-le", "breakdown": "gender", "category": "Male"})),
     "sources.yaml", None, "indicators[4].indicators.*.breakdown"),
]


@bad_input_cases(CASES)
def test_bad_series_input_is_refused_clearly(
    series_sources: Path, previous: Previous, mutate: Mutation, file: str, row, column
) -> None:
    mutate(series_sources.parent)
    assert_build_refused(series_sources, previous, file, row, column)


@pytest.mark.parametrize(("kind", "file"), [("ons_els", ELS), ("fuel_poverty", FUEL),
                                            ("life_expectancy", LE), ("dfe_ees", DFE)])
def test_validate_each_layout(series_sources: Path, kind: str, file: str) -> None:
    path = str(series_sources.parent / file)
    for arguments in (["validate", path, "--kind", kind], ["validate", path]):
        result = CliRunner().invoke(cli, arguments)
        assert result.exit_code == 0, result.output
    cell(file, 2, {ELS: "period", FUEL: "data_year", DFE: "time_period"}.get(file, "Area Codes"),
         "??")(series_sources.parent)
    result = CliRunner().invoke(cli, ["validate", path, "--kind", kind])
    assert result.exit_code == 1 and "row 2" in result.stderr, result.output

"""The illustrative indicator catalogue and the parameters that drive its simulated values.

``catalogue.csv`` (beside this module) holds one row per indicator: the catalogue columns of
``schema.INDICATOR_COLUMNS``, modelled on real Marmot indicators (Fingertips ids where they
exist), followed by the simulation parameters below. Parameters are on the indicator's link
scale: logit for proportions, log for rates, the value itself for means, scores and life
expectancy.

- ``england_2015``: England's value in 2015, in the indicator's unit.
- ``annual_change``: change per year on the link scale (positive: the value rises).
- ``gradient``: change per standard deviation of national deprivation (positive: higher in
  more deprived areas).
- ``gap_change``: relative change of the gradient per year (positive: the gap widens).
- ``covid_shock``: change in 2020 (and 60% of it in 2021) on the link scale; empty for none.
- ``noise``: standard deviation of the persistent area effect.
- ``share``: the denominator as a fraction of an area's population.
- ``sd``: the person-level standard deviation of a mean (means, scores, life expectancy).
- ``sex_effect``: male minus female; empty for no sex breakdown.
- ``age_bands`` ("; "-separated), ``age_shares`` (each band's share of the denominator,
  "; "-separated) and ``age_effect`` (change per band); empty for no age breakdown.
- ``ethnicity_effect``: scale of the differences between ethnic groups; empty for none.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

from marmot_dash.data import schema
from marmot_dash.data.simulate.values import VALUE_KINDS

CATALOGUE_FILE = "catalogue.csv"

PARAMETER_COLUMNS = (
    "england_2015",
    "annual_change",
    "gradient",
    "gap_change",
    "covid_shock",
    "noise",
    "share",
    "sd",
    "sex_effect",
    "age_bands",
    "age_shares",
    "age_effect",
    "ethnicity_effect",
)

SIMULATED_PUBLISHER = "Simulated (illustrative)"
_TEXT_COLUMNS = (
    "indicator_id", "name", "short_name", "sources", "unit", "value_type", "polarity",
    "baseline_period", "target_period", "definition", "source_url", "age_bands", "age_shares",
)


def read_catalogue_table() -> pd.DataFrame:
    """The packaged ``catalogue.csv``: catalogue and parameter columns, one row per indicator."""
    source = resources.files(__package__).joinpath(CATALOGUE_FILE)
    with source.open("r", encoding="utf-8") as handle:
        table = pd.read_csv(handle, dtype=dict.fromkeys(_TEXT_COLUMNS, "str"),
                            keep_default_na=False, na_values=[""])
    unsupported = set(table["value_type"]) - set(VALUE_KINDS)
    if unsupported:
        raise ValueError(f"{CATALOGUE_FILE}: the simulator cannot make {sorted(unsupported)}")
    return table


def indicator_catalogue(table: pd.DataFrame) -> pd.DataFrame:
    """The ``indicators.csv`` rows: the catalogue columns with their schema types."""
    catalogue = table.assign(publisher=SIMULATED_PUBLISHER).loc[
        :, list(schema.INDICATOR_COLUMNS)].copy()
    catalogue["principle"] = catalogue["principle"].astype("int64")
    catalogue["multiplier"] = catalogue["multiplier"].astype("float64")
    catalogue["target"] = catalogue["target"].astype("float64")
    catalogue["fingertips_id"] = catalogue["fingertips_id"].astype("Int64")
    return catalogue.reset_index(drop=True)


def simulation_parameters(table: pd.DataFrame) -> pd.DataFrame:
    """The parameter columns with ``indicator_id``, ``value_type``, ``multiplier`` and
    ``polarity``, one row per indicator."""
    columns = ["indicator_id", "value_type", "multiplier", "polarity", *PARAMETER_COLUMNS]
    return table.loc[:, columns].reset_index(drop=True)


def first_per_principle(table: pd.DataFrame, per_principle: int) -> pd.DataFrame:
    """The first ``per_principle`` indicators of each principle, in catalogue order."""
    return table.groupby("principle", sort=False).head(per_principle).reset_index(drop=True)

"""Simulated indicator values over a geography (``values.parquet`` rows).

The model, per indicator, on its link scale (logit for proportions, log for rates, identity
for means, scores and life expectancy)::

    eta(area, year) = link(England 2015) + annual_change * t + year effect + covid shock
                      + gradient * (1 + gap_change * t) * z(area) + area effect

where ``t`` is years since 2015 and ``z`` is the area's national deprivation z-score (0 is
England's median). Counts are drawn from the denominators (binomial for proportions, Poisson
for rates; means get normal sampling error), so values, counts and denominators agree; the
intervals come from ``marmot_dash.stats.intervals``. Small areas are drawn first and summed
into their wards, the authority and the authority's local deprivation deciles and quintiles;
comparators and other levels are drawn from their own deprivation; sex, age and ethnicity
breakdowns are drawn for the authority around its level.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit, logit

from marmot_dash.data import schema
from marmot_dash.data.geography import Geography
from marmot_dash.data.places import area_places
from marmot_dash.data.simulate.town import IMD_LOG_MEAN, deprivation_z
from marmot_dash.stats.intervals import FINGERTIPS_LEVELS, byars, mean_ci, wilson

FIRST_YEAR = 2015
CENSUS_YEAR = 2021
POPULATION_GROWTH = 1.006  # a year, roughly England's since 2011
COMPARATOR_POPULATION = {"england": 56_490_000, "region": 6_335_000, "comparator": 250_000}
COMPARATOR_Z = {"england": 0.0, "region": -0.25, "comparator": 0.1}
# ONS five groups in schema.ETHNIC_GROUPS order: a diverse town (Census 2021, Luton-like).
ETHNIC_SHARES = np.array([0.45, 0.043, 0.37, 0.099, 0.038])
COVID_PROFILE = {2020: 1.0, 2021: 0.6}  # share of an indicator's covid_shock in each year

# How each value type is simulated: binomial proportions, Poisson rates, or sample means.
VALUE_KINDS = {"proportion": "proportion", "rate": "rate", "dsr": "rate", "mean": "mean",
               "score": "mean", "life_expectancy": "mean"}

FLOAT_COLUMNS = ("value", "lower_ci", "upper_ci", "lower_ci_998", "upper_ci_998", "count",
                 "denominator")


def decile_label(k: int, n: int) -> str:
    """Deprivation quantile labels: "1 - most deprived", "2", ..., "n - least deprived"."""
    if k == 1:
        return "1 - most deprived"
    return f"{n} - least deprived" if k == n else str(k)


@dataclass(frozen=True)
class Layout:
    """Which areas are drawn, which are summed from them, and their labels.

    ``labels`` has one row per area id (``area_code``, ``area_name``, ``area_type``). The base
    units (the finest level) are drawn; ``sums`` lists (area ids, group of each base unit) to
    sum them into; ``direct`` areas are drawn from their own deprivation.
    """

    labels: pd.DataFrame
    authorities: np.ndarray  # area ids of the authorities (places), the primary first
    base_place: np.ndarray  # which authority (index into authorities) each base unit is in
    base: np.ndarray
    base_population: np.ndarray
    base_z: np.ndarray
    base_parent: np.ndarray
    sums: tuple[tuple[np.ndarray, np.ndarray], ...]
    local_groups: dict[str, np.ndarray]  # deprivation breakdown -> quantile (1..n) per base unit
    direct: np.ndarray
    direct_population: np.ndarray
    direct_z: np.ndarray


def plan_layout(geography: Geography) -> Layout:
    """The simulation layout of a geography: lsoa (else ward) areas are the base units."""
    areas = geography.areas.reset_index(drop=True)
    comparators = pd.DataFrame(
        {"area_code": [c.code for c in geography.comparators],
         "area_name": [c.name for c in geography.comparators],
         "area_type": [c.area_type for c in geography.comparators]})
    places = list(geography.places) or [(geography.area_code, geography.area_name)]
    la = pd.DataFrame({"area_code": [code for code, _ in places],
                       "area_name": [name for _, name in places], "area_type": "la"})
    small = areas[areas["level"].isin(schema.SMALL_AREA_LEVELS)]
    labels = pd.concat([
        comparators, la,
        small[["area_code", "area_name", "level"]].rename(columns={"level": "area_type"}),
    ], ignore_index=True)
    area_id = pd.Series(np.arange(len(labels)), index=labels["area_code"])
    authorities = np.arange(len(comparators), len(comparators) + len(la))

    base_level = "lsoa" if (small["level"] == "lsoa").any() else "ward"
    base = small[small["level"] == base_level]
    base_ids = area_id[base["area_code"]].to_numpy()
    population = _filled(base["population"], 1500.0)
    z = deprivation_z(_filled(base["imd_score"], np.exp(IMD_LOG_MEAN)))

    if len(la) == 1:
        base_place = np.zeros(len(base), dtype=int)
    else:
        place_of = area_places(areas, la["area_code"].tolist())[base.index]
        base_place = pd.Index(la["area_code"]).get_indexer(place_of.fillna(""))
        if (base_place < 0).any():
            raise ValueError("every small area must belong to one of the geography's places")
    sums = [(authorities, base_place)]
    parent_codes = base["parent_code"].fillna("").to_numpy(dtype=object)
    wards = small[small["level"] == "ward"]
    parent_is_ward = pd.Series(parent_codes).isin(set(wards["area_code"])).to_numpy()
    base_parent = np.zeros(len(base), dtype=int)
    if base_level == "lsoa" and parent_is_ward.all():
        ward_ids, ward_group = np.unique(area_id[parent_codes].to_numpy(), return_inverse=True)
        sums.append((ward_ids, ward_group))
        base_parent = ward_group
    summed = {int(i) for ids, _ in sums for i in ids}
    direct_rows = small[~small["area_code"].isin(labels["area_code"][list(summed)])
                        & (small["level"] != base_level)]
    direct_type = comparators["area_type"]
    direct = np.concatenate([np.arange(len(comparators)),
                             area_id[direct_rows["area_code"]].to_numpy()])
    direct_population = np.concatenate([
        direct_type.map(COMPARATOR_POPULATION).to_numpy(float),
        _filled(direct_rows["population"], 1500.0)])
    direct_z = np.concatenate([
        direct_type.map(COMPARATOR_Z).to_numpy(float),
        deprivation_z(_filled(direct_rows["imd_score"], np.exp(IMD_LOG_MEAN)))])
    local_groups = {
        "deprivation_decile": _filled(base["local_decile"], 0).astype(int),
        "deprivation_quintile": _filled(base["local_quintile"], 0).astype(int),
    }
    return Layout(labels, authorities, base_place, base_ids, population, z, base_parent,
                  tuple(sums), local_groups, direct, direct_population, direct_z)


def _filled(series: pd.Series, default: float) -> np.ndarray:
    return pd.to_numeric(series, errors="coerce").fillna(default).to_numpy(dtype=float)


def _link(kind: str, value: float, multiplier: float) -> float:
    if kind == "proportion":
        return float(logit(value / multiplier))
    return float(np.log(value / multiplier)) if kind == "rate" else float(value)


@dataclass
class Draws:
    """Simulated counts (or sample means) and denominators, one row per area or group, one
    column per year."""

    count: np.ndarray
    denominator: np.ndarray
    mean: np.ndarray


class IndicatorModel:
    """One indicator's parameters and random stream; draws areas and groups."""

    def __init__(self, parameters: pd.Series, years: np.ndarray, seed: int) -> None:
        self.p = parameters
        self.kind = VALUE_KINDS[parameters["value_type"]]
        self.multiplier = float(parameters["multiplier"])
        key = zlib.crc32(str(parameters["indicator_id"]).encode())
        self.rng = np.random.default_rng([seed, key])
        t = (years - FIRST_YEAR).astype(float)
        self.growth = POPULATION_GROWTH ** (years - CENSUS_YEAR)
        start = _link(self.kind, float(parameters["england_2015"]), self.multiplier)
        year_effect = self.rng.normal(0, 0.25 * float(parameters["noise"]), len(years))
        shock = np.array([COVID_PROFILE.get(int(year), 0.0) for year in years])
        shock = shock * np.nan_to_num(float(parameters["covid_shock"]))
        self.level = start + float(parameters["annual_change"]) * t + year_effect + shock
        self.gradient = float(parameters["gradient"]) * (1 + float(parameters["gap_change"]) * t)

    def eta(self, z: np.ndarray, effect: np.ndarray | float = 0.0) -> np.ndarray:
        """Link-scale expected values, one row per area, one column per year."""
        z = np.asarray(z, dtype=float)[:, None]
        return self.level[None, :] + self.gradient[None, :] * z + np.asarray(effect)[..., None]

    def area_effects(self, n: int, parent: np.ndarray | None = None) -> np.ndarray:
        """Persistent area effects, shared in part with the parent area."""
        noise = float(self.p["noise"])
        own = self.rng.normal(0, noise, n)
        if parent is None:
            return own
        return 0.8 * own + 0.6 * self.rng.normal(0, noise, int(parent.max()) + 1)[parent]

    def denominators(self, population: np.ndarray) -> np.ndarray:
        """Yearly denominators: the indicator's share of each population, grown by year."""
        expected = np.asarray(population, float)[:, None] * float(self.p["share"]) * self.growth
        return self.whole(expected)

    def whole(self, expected: np.ndarray) -> np.ndarray:
        """Denominators rounded to whole numbers, at least 1 (2 for a mean's sample size)."""
        return np.maximum(np.round(expected), 2 if self.kind == "mean" else 1)

    def draw(self, eta: np.ndarray, denominator: np.ndarray) -> Draws:
        """Counts (proportion: binomial; rate: Poisson) or sample means (normal error)."""
        if self.kind == "proportion":
            count = self.rng.binomial(denominator.astype(np.int64), expit(eta)).astype(float)
            return Draws(count, denominator, np.full(eta.shape, np.nan))
        if self.kind == "rate":
            count = self.rng.poisson(denominator * np.exp(eta)).astype(float)
            return Draws(count, denominator, np.full(eta.shape, np.nan))
        error = self.rng.normal(0, 1, eta.shape) * float(self.p["sd"]) / np.sqrt(denominator)
        return Draws(np.full(eta.shape, np.nan), denominator, eta + error)

    def _mean_limits(self, mean: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, ...]:
        """``mean_ci`` limits, computed once per distinct sample size: the limits are the mean
        plus offsets that depend only on n (and the indicator's sd)."""
        sizes, where = np.unique(n, return_inverse=True)
        _, lower, upper = mean_ci(np.zeros(len(sizes)), float(self.p["sd"]), sizes,
                                  FINGERTIPS_LEVELS)[:3]
        return mean, mean[:, None] + lower[where], mean[:, None] + upper[where]

    def intervals(self, draws: Draws) -> dict[str, np.ndarray]:
        """Value and 95% and 99.8% limits with ``stats.intervals`` (Wilson for proportions,
        exact Poisson/Byars for rates, Student t for means)."""
        count, denominator = draws.count.ravel(), draws.denominator.ravel()
        if self.kind == "proportion":
            value, lower, upper = wilson(count, denominator, FINGERTIPS_LEVELS,
                                         self.multiplier)[:3]
        elif self.kind == "rate":
            value, lower, upper = byars(count, denominator, FINGERTIPS_LEVELS,
                                        self.multiplier)[:3]
        else:
            value, lower, upper = self._mean_limits(draws.mean.ravel(), denominator)
        return {"value": value, "lower_ci": lower[:, 0], "upper_ci": upper[:, 0],
                "lower_ci_998": lower[:, 1], "upper_ci_998": upper[:, 1],
                "count": count, "denominator": denominator}


def _group_sum(group: np.ndarray, values: np.ndarray, n_groups: int) -> np.ndarray:
    """Rows of ``values`` summed by ``group`` (one column per year)."""
    return np.stack([np.bincount(group, column, n_groups) for column in values.T], axis=1)


def sum_groups(draws: Draws, group: np.ndarray, n_groups: int) -> Draws:
    """Counts and denominators summed by group; means weighted by their denominators."""
    denominator = _group_sum(group, draws.denominator, n_groups)
    weighted = _group_sum(group, draws.denominator * draws.mean, n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        return Draws(_group_sum(group, draws.count, n_groups), denominator,
                     weighted / denominator)


def cohort_groups(parameters: pd.Series, rng: np.random.Generator) -> list[tuple]:
    """(breakdown, categories, population shares, link-scale effects) for the authority's
    cohort breakdowns this indicator has."""
    groups = []
    sex_effect = parameters["sex_effect"]
    if pd.notna(sex_effect):
        groups.append(("sex", list(schema.SEXES), np.array([0.49, 0.51]),
                       np.array([0.5, -0.5]) * float(sex_effect)))
    bands = parameters["age_bands"]
    if isinstance(bands, str) and bands.strip():
        names = [band.strip() for band in bands.split(";")]
        shares = np.array([float(share) for share in str(parameters["age_shares"]).split(";")])
        if len(shares) != len(names):
            raise ValueError(f"{parameters['indicator_id']}: age_shares needs one share for "
                             f"each of the {len(names)} age bands")
        steps = np.arange(len(names)) - (len(names) - 1) / 2
        groups.append(("age", names, shares / shares.sum(),
                       steps * float(parameters["age_effect"])))
    ethnicity_effect = parameters["ethnicity_effect"]
    if pd.notna(ethnicity_effect):
        spread = np.concatenate([[0.0], rng.normal(1.0, 0.5, len(schema.ETHNIC_GROUPS) - 1)])
        groups.append(("ethnicity", list(schema.ETHNIC_GROUPS), ETHNIC_SHARES,
                       spread * float(ethnicity_effect)))
    return groups


class Rows:
    """Collects simulated rows as integer codes and float columns, one block at a time."""

    def __init__(self, n_years: int) -> None:
        self.n_years = n_years
        self.categories: dict[tuple[str, str, int], int] = {}
        self.codes: list[np.ndarray] = []  # (4, n): indicator, area, category, year
        self.floats: list[np.ndarray] = []  # (len(FLOAT_COLUMNS), n)

    def category(self, breakdown: str, category: str, sort: int) -> int:
        return self.categories.setdefault((breakdown, category, sort), len(self.categories))

    def add(self, indicator: int, areas: np.ndarray, categories: np.ndarray,
            columns: dict[str, np.ndarray]) -> None:
        """Rows for ``areas`` x years (row-major), with ``categories`` per area."""
        self.codes.append(np.stack([
            np.full(len(areas) * self.n_years, indicator, dtype=np.int32),
            np.repeat(areas, self.n_years).astype(np.int32),
            np.repeat(categories, self.n_years).astype(np.int32),
            np.tile(np.arange(self.n_years, dtype=np.int32), len(areas)),
        ]))
        self.floats.append(np.stack([columns[column] for column in FLOAT_COLUMNS]))

    def frame(self, indicator_ids: list[str], labels: pd.DataFrame,
              years: np.ndarray) -> pd.DataFrame:
        """The ``values.parquet`` frame (text columns categorical).

        The float columns are built as one block and the others inserted around them, so the
        frame is assembled without copying its largest part again.
        """
        indicator, area, category, year = np.concatenate(self.codes, axis=1)
        self.codes.clear()
        floats = np.concatenate(self.floats, axis=1)
        self.floats.clear()
        frame = pd.DataFrame(floats.T, columns=list(FLOAT_COLUMNS), copy=False)
        keys = list(self.categories)
        area_type = pd.Categorical(labels["area_type"])
        front = {
            "indicator_id": pd.Categorical.from_codes(indicator, indicator_ids),
            "area_code": pd.Categorical.from_codes(area, labels["area_code"]),
            "area_name": _categorical(area, labels["area_name"]),
            "area_type": pd.Categorical.from_codes(area_type.codes[area], area_type.categories),
            "period": pd.Categorical.from_codes(year, [str(y) for y in years]),
            "period_sort": (years * 10000).astype("int64")[year],
            "breakdown": _categorical(category, [k[0] for k in keys]),
            "category": _categorical(category, [k[1] for k in keys]),
            "category_sort": np.array([k[2] for k in keys], dtype="int64")[category],
        }
        for position, (column, values) in enumerate(front.items()):
            frame.insert(position, column, values)
        frame["note"] = pd.Categorical.from_codes(np.full(len(year), -1), [])
        return frame


def _categorical(codes: np.ndarray, names) -> pd.Categorical:
    """Categorical of ``names[codes]`` where ``names`` may repeat."""
    unique, position = np.unique(np.asarray(names, dtype=object).astype(str), return_inverse=True)
    return pd.Categorical.from_codes(position[codes], unique)


def simulate_values(geography: Geography, parameters: pd.DataFrame, years: np.ndarray,
                    seed: int) -> pd.DataFrame:
    """``values.parquet`` rows for every indicator of ``parameters`` over ``geography``."""
    layout = plan_layout(geography)
    rows = Rows(len(years))
    total = rows.category("total", schema.TOTAL_CATEGORY, 0)
    for index, (_, p) in enumerate(parameters.iterrows()):
        _simulate_indicator(index, p, layout, years, seed, rows, total)
    return rows.frame(parameters["indicator_id"].tolist(), layout.labels, years)


def _simulate_indicator(index: int, p: pd.Series, layout: Layout, years: np.ndarray,
                        seed: int, rows: Rows, total: int) -> None:
    model = IndicatorModel(p, years, seed)

    def emit(areas: np.ndarray, categories: np.ndarray, draws: Draws) -> None:
        rows.add(index, areas, categories, model.intervals(draws))

    effect = model.area_effects(len(layout.base), layout.base_parent)
    base_eta = model.eta(layout.base_z, effect)
    base = model.draw(base_eta, model.denominators(layout.base_population))
    emit(layout.base, np.full(len(layout.base), total), base)
    for ids, group in layout.sums:
        emit(ids, np.full(len(ids), total), sum_groups(base, group, len(ids)))

    direct_effect = np.where(layout.direct >= layout.authorities[0],
                             model.area_effects(len(layout.direct)), 0.0)
    emit(layout.direct, np.full(len(layout.direct), total),
         model.draw(model.eta(layout.direct_z, direct_effect),
                    model.denominators(layout.direct_population)))

    places = layout.authorities
    for breakdown, quantile in layout.local_groups.items():
        n = 10 if breakdown == "deprivation_decile" else 5
        inside = (quantile >= 1) & (quantile <= n)
        key = np.where(inside, layout.base_place * n + quantile - 1, len(places) * n)
        grouped = sum_groups(base, key, len(places) * n + 1)
        present = np.flatnonzero(np.bincount(key, minlength=len(places) * n + 1)[:-1])
        if present.size == 0:
            continue
        place, k = np.divmod(present, n)
        categories = np.array([rows.category(breakdown, decile_label(int(q) + 1, n), int(q) + 1)
                               for q in k])
        emit(places[place], categories, Draws(grouped.count[present],
                                              grouped.denominator[present],
                                              grouped.mean[present]))

    # Each authority's level, then its cohorts around it.
    denominators = _group_sum(layout.base_place, base.denominator, len(places))
    authority_eta = _group_sum(layout.base_place, base.denominator * base_eta,
                               len(places)) / denominators
    for breakdown, names, shares, effects in cohort_groups(p, model.rng):
        centred = effects - (shares * effects).sum()
        eta = (authority_eta[:, None, :] + centred[None, :, None]).reshape(-1, len(years))
        denominator = model.whole((shares[None, :, None] * denominators[:, None, :])
                                  .reshape(-1, len(years)))
        categories = np.array([rows.category(breakdown, name, k + 1)
                               for k, name in enumerate(names)])
        emit(np.repeat(places, len(names)), np.tile(categories, len(places)),
             model.draw(eta, denominator))

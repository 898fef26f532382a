"""The dataset format: file names, columns and allowed values (see ../shared/DESIGN.md).

A dataset is a directory holding the files named here. This module is the single source of the
column names and vocabularies; validation (``marmot_dash.data.dataset``), the simulator, the
builder and the store all import them from here.
"""

from __future__ import annotations

DATASET_FILE = "dataset.yaml"
PRINCIPLES_FILE = "principles.yaml"
INDICATORS_FILE = "indicators.csv"
VALUES_FILE = "values.parquet"
AREAS_FILE = "areas.parquet"
THEMES_FILE = "themes.yaml"
GEO_DIR = "geo"  # geo/<level>.geojson, features keyed by properties.area_code
# values.parquet's rows once validated, as one uncompressed Arrow IPC record batch (text as
# dictionary codes, missing numbers as NaN) that a server maps into memory without decoding or
# copying; written and recorded with the validation (``checksums``), never edited by hand.
VALUES_ARROW_FILE = "values.arrow"

REQUIRED_FILES = (DATASET_FILE, PRINCIPLES_FILE, INDICATORS_FILE, VALUES_FILE, AREAS_FILE)

PRINCIPLE_IDS = tuple(range(1, 9))

VALUE_TYPES = ("proportion", "rate", "dsr", "mean", "count", "score", "life_expectancy")
POLARITIES = ("higher_is_better", "lower_is_better", "no_judgement")

# Area types in values.parquet; the first four are "whole-area" types, the rest small areas.
AREA_TYPES = ("england", "region", "la", "comparator", "ward", "lsoa", "msoa")
SMALL_AREA_LEVELS = ("ward", "lsoa", "msoa")

# Breakdowns: "total" is the whole population; the others are cohort or deprivation splits.
# deprivation_decile/quintile are NATIONAL IMD groups of the small areas; the local_ ones rank
# the authority's small areas within the authority (areas.parquet local_decile/local_quintile).
# pupil_group: pupils by eligibility for free school meals or being looked after (DfE's
# published groups, e.g. persistent absence), with "All pupils" as the reference category.
BREAKDOWNS = ("total", "sex", "age", "ethnicity", "pupil_group", "deprivation_decile",
              "deprivation_quintile", "local_deprivation_decile", "local_deprivation_quintile")
COHORT_BREAKDOWNS = ("sex", "age", "ethnicity", "pupil_group")
DEPRIVATION_BREAKDOWNS = ("deprivation_decile", "deprivation_quintile",
                          "local_deprivation_decile", "local_deprivation_quintile")
# Number of groups of each deprivation breakdown (category_sort 1 = most deprived .. n).
DEPRIVATION_GROUPS = {"deprivation_decile": 10, "deprivation_quintile": 5,
                      "local_deprivation_decile": 10, "local_deprivation_quintile": 5}
TOTAL_CATEGORY = "Total"

# ONS five-group ethnicity categories (the simulator's and the cohort view's order).
ETHNIC_GROUPS = (
    "White",
    "Mixed / Multiple ethnic groups",
    "Asian / Asian British",
    "Black / African / Caribbean / Black British",
    "Other ethnic group",
)
SEXES = ("Male", "Female")

INDICATOR_COLUMNS = (
    "indicator_id",  # str, unique
    "name",
    "short_name",
    "principle",  # int 1-8
    "sources",  # "; "-separated: JSNA; Luton 2040; Fingertips profile ...
    "unit",
    "value_type",  # one of VALUE_TYPES
    "multiplier",  # float: 100 for %, 100000 for per 100,000, 1 for means/scores
    "polarity",  # one of POLARITIES
    "baseline_period",  # period label as in values.period
    "target",  # float or empty
    "target_period",  # period label or empty
    "definition",
    "source_url",
    "publisher",  # who published the figures and through which service (may be empty)
    "fingertips_id",  # Int64 or empty
)

# values.parquet: a superset of the Fingertips export layout in snake case.
# category_sort orders categories within a breakdown: for deprivation 1 = most deprived.
VALUE_COLUMNS = (
    "indicator_id",
    "area_code",
    "area_name",
    "area_type",
    "period",
    "period_sort",
    "breakdown",
    "category",
    "category_sort",
    "value",
    "lower_ci",
    "upper_ci",
    "lower_ci_998",
    "upper_ci_998",
    "count",
    "denominator",
    "note",
)
VALUE_KEY = ("indicator_id", "area_code", "period", "breakdown", "category")
# The order values.parquet is written in (text by code point) and the Store queries in: one
# contiguous run per (indicator, breakdown, area type), so the Store loads it without a sort.
VALUE_ORDER = ("indicator_id", "breakdown", "area_type", "area_code", "period_sort",
               "category_sort")

# areas.parquet: one row per area (la, ward, lsoa, msoa); deprivation is national
# (IMD score, rank 1 = most deprived, decile 1 = most deprived) plus local quantiles.
AREA_COLUMNS = (
    "area_code",
    "area_name",
    "level",  # la, ward, lsoa, msoa
    "parent_code",  # lsoa -> ward (best fit), ward -> la, msoa -> la, la -> ""
    "population",
    "imd_score",
    "imd_rank",
    "imd_decile",
    "local_quintile",  # 1 = most deprived fifth within the authority
    "local_decile",
)
AREA_LEVELS = ("la", "ward", "lsoa", "msoa")

"""Nearest neighbours: the areas most like one area on a few measures (a similar-authority group).

Each measure is standardised over the areas given (z-scores, so a population in hundreds of
thousands and a deprivation score in tens weigh alike) and the areas are ranked by Euclidean
distance from the chosen one; ties go by area code, so the group is stable.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def nearest(measures: pd.DataFrame, code: str, size: int) -> list[str]:
    """The codes of the ``size`` rows of ``measures`` nearest row ``code``, nearest first.

    ``measures`` is indexed by area code with one numeric column per measure and no missing
    values; the row ``code`` itself is left out (``KeyError`` when it is absent). A measure
    that is equal for every area is left out of the distance.
    """
    if code not in measures.index:
        raise KeyError(f"no measures for {code!r}")
    spread = measures.std(ddof=0)
    kept = spread[spread > 0].index
    z = (measures[kept] - measures[kept].mean()) / spread[kept]
    distance = np.sqrt(((z - z.loc[code]) ** 2).sum(axis=1)).drop(code)
    order = pd.DataFrame({"code": distance.index, "distance": distance.to_numpy()})
    return order.sort_values(["distance", "code"])["code"].head(size).tolist()

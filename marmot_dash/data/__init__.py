"""The data layer: the dataset format, its validation, the Store and indicator summaries."""

from __future__ import annotations

from marmot_dash.data.dataset import Dataset, is_dataset, load_dataset, write_dataset
from marmot_dash.data.errors import DatasetError
from marmot_dash.data.store import Store

__all__ = ["Dataset", "DatasetError", "Store", "is_dataset", "load_dataset", "write_dataset"]

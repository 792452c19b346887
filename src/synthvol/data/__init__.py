"""Loading, validating and preparing the study's daily price series."""

from synthvol.data.loaders import load_price_series, source_files
from synthvol.data.prepare import (
    MinMaxScaler,
    PreparedData,
    load_windows,
    log_returns,
    prepare_series,
    read_split,
)

__all__ = [
    "MinMaxScaler",
    "PreparedData",
    "load_price_series",
    "load_windows",
    "log_returns",
    "prepare_series",
    "read_split",
    "source_files",
]

"""Read a daily price series: the embedded S&P 500, a user CSV, or an investing.com export.

Every loader returns a frame with columns ``date`` (datetime64, sorted ascending) and
``price`` (float64 > 0), or raises :class:`~synthvol.errors.DataError` with one line that
names the file, the row (1-based, as in a spreadsheet, header = row 1) and the column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from synthvol.errors import DataError

EMBEDDED_SP500 = "arch:sp500"

#: Column names of investing.com's Chinese "历史数据" (historical data) export.
INVESTING_CN_COLUMNS = ("日期", "收盘", "开盘", "高", "低", "交易量", "涨跌幅")
#: Date and price columns tried, in order, when the user names none.
DATE_CANDIDATES = ("date", "Date", "DATE", "日期", "time", "timestamp")
PRICE_CANDIDATES = ("adj_close", "Adj Close", "Adj_Close", "close", "Close", "CLOSE", "收盘",
                    "Price", "price", "Last", "last")

_SUFFIX = {"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}
_CN_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")


@dataclass(frozen=True)
class CsvSpec:
    """How to read a user CSV; ``None`` fields are detected."""

    date_column: str | None = None
    price_column: str | None = None
    date_format: str | None = None


def parse_number(text: object) -> float:
    """Parse '6,635.28', '2.1M', '850K', '-0.53%' or a plain number; NaN when it is not one."""
    if isinstance(text, (int, float, np.number)):
        return float(text)
    s = str(text).strip().replace(",", "").replace("\u00a0", "")
    if not s or s in {"-", "—"}:
        return float("nan")
    scale = 1.0
    if s.endswith("%"):
        s, scale = s[:-1], 0.01
    elif s[-1].upper() in _SUFFIX:
        s, scale = s[:-1], _SUFFIX[s[-1].upper()]
    try:
        return float(s) * scale
    except ValueError:
        return float("nan")


def _parse_dates(values: pd.Series, date_format: str | None) -> pd.Series:
    text = values.astype(str).str.strip()
    cn = text.str.match(_CN_DATE)
    if cn.any():
        text = text.where(~cn, text.str.replace(_CN_DATE, r"\1-\2-\3", regex=True))
    if date_format:
        return pd.to_datetime(text, format=date_format, errors="coerce")
    parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
    if parsed.isna().any():
        fallback = pd.to_datetime(text, format="mixed", errors="coerce")
        parsed = parsed.fillna(fallback)
    return parsed


def _pick(columns: list[str], wanted: str | None, candidates: tuple[str, ...], what: str,
          path: Path) -> str:
    if wanted is not None:
        if wanted not in columns:
            raise DataError(f"{path}: missing {what} column '{wanted}' "
                            f"(columns: {', '.join(columns)})")
        return wanted
    for name in candidates:
        if name in columns:
            return name
    raise DataError(f"{path}: missing {what} column: none of {', '.join(candidates)} "
                    f"(columns: {', '.join(columns)})")


def validate_series(frame: pd.DataFrame, dates: pd.Series, path: str | Path, date_col: str,
                    price_col: str, min_rows: int) -> pd.DataFrame:
    """Check parsed dates and raw price text row by row; return the clean sorted series.

    Row numbers in messages count the header as row 1, as a spreadsheet shows them.
    """
    prices = frame[price_col].map(parse_number).astype(np.float64)
    for label, bad, col in (("unparseable date", dates.isna(), date_col),
                            ("unparseable price", prices.isna(), price_col)):
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(f"{path}: row {i + 2}, column '{col}': {label} "
                            f"{frame[col].iloc[i]!r}")
    nonpositive = (prices <= 0).to_numpy()
    if nonpositive.any():
        i = int(np.flatnonzero(nonpositive)[0])
        raise DataError(f"{path}: row {i + 2}, column '{price_col}': non-positive price "
                        f"{frame[price_col].iloc[i]!r}")
    duplicated = dates.duplicated(keep="first").to_numpy()
    if duplicated.any():
        i = int(np.flatnonzero(duplicated)[0])
        raise DataError(f"{path}: row {i + 2}, column '{date_col}': duplicate date "
                        f"{dates.iloc[i].date()}")
    if len(frame) < min_rows:
        raise DataError(f"{path}: {len(frame)} rows, the study needs at least {min_rows}")
    clean = pd.DataFrame({"date": dates.to_numpy(dtype="datetime64[ns]"),
                          "price": prices.to_numpy()})
    return clean.sort_values("date", kind="stable").reset_index(drop=True)


def load_embedded_sp500(column: str = "Adj Close") -> pd.DataFrame:
    """The S&P 500 daily series shipped with ``arch`` (1999-2018), no network needed."""
    from arch.data import sp500

    raw = sp500.load()
    return pd.DataFrame({"date": raw.index.to_numpy(dtype="datetime64[ns]"),
                         "price": raw[column].to_numpy(dtype=np.float64)})


def load_csv(path: str | Path, spec: CsvSpec = CsvSpec(), min_rows: int = 2) -> pd.DataFrame:
    """Read a daily price CSV (investing.com's Chinese export recognised without options)."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    try:
        raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False,
                          skipinitialspace=True)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{path}: not a readable CSV: {str(exc).splitlines()[0]}") from exc
    raw.columns = [str(c).strip().strip('"') for c in raw.columns]
    columns = list(raw.columns)
    date_col = _pick(columns, spec.date_column, DATE_CANDIDATES, "date", path)
    price_col = _pick(columns, spec.price_column, PRICE_CANDIDATES, "price", path)
    dates = _parse_dates(raw[date_col], spec.date_format)
    return validate_series(raw, dates, path, date_col, price_col, min_rows)


def load_price_series(source: str, spec: CsvSpec = CsvSpec(), min_rows: int = 2) -> pd.DataFrame:
    """Load the series named by ``data.source``: ``arch:sp500`` or a CSV path."""
    if source == EMBEDDED_SP500:
        frame = load_embedded_sp500()
        if len(frame) < min_rows:
            raise DataError(f"{source}: {len(frame)} rows, the study needs at least {min_rows}")
        return frame
    return load_csv(source, spec, min_rows)

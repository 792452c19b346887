"""Read a daily price series: the embedded S&P 500, a user CSV, or an investing.com export.

Every loader returns a frame with columns ``date`` (datetime64, sorted ascending) and
``price`` (float64 > 0), or raises :class:`~synthvol.errors.DataError` with one line that
names the file, the row (1-based, as in a spreadsheet, header = row 1) and the column.

Nothing is guessed: the text encoding, the column separator, the date format and the
decimal / thousands separators are each read off the whole file, and a file that admits two
readings (``03/04/2020``: 3 April or 4 March?) is refused with the parameter that settles it.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from synthvol.errors import DataError
from synthvol.progress import get_logger

EMBEDDED_SP500 = "arch:sp500"

#: Column names of investing.com's Chinese "历史数据" (historical data) export.
INVESTING_CN_COLUMNS = ("日期", "收盘", "开盘", "高", "低", "交易量", "涨跌幅")
#: Date and price columns tried, in order, when the user names none.
DATE_CANDIDATES = ("date", "Date", "DATE", "日期", "time", "timestamp")
PRICE_CANDIDATES = ("adj_close", "Adj Close", "Adj_Close", "close", "Close", "CLOSE", "收盘",
                    "Price", "price", "Last", "last")
#: Column separators recognised, in order of preference when several fit.
SEPARATORS = (",", ";", "\t", "|")

_SUFFIX = {"K": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}
_CN_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
# investing.com's summary line under the table: "Highest: 6,635.28","Lowest: …", or 最高: ….
_FOOTER = re.compile(r"^\s*(?:Highest|Lowest|最高|最低)\s*[:：]")
_SNIFF_LINES = 200

# Date layouts recognised without data.date_format: a pattern for the whole cell and the
# strptime formats tried in turn (the numeric day/month layout is resolved separately).
_DATE_LAYOUTS = (
    ("yyyy-mm-dd", re.compile(r"\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?"
                              r"(Z|[+-]\d{2}:?\d{2})?)?"), ("ISO8601",)),
    ("yyyy/mm/dd", re.compile(r"\d{4}/\d{1,2}/\d{1,2}"), ("%Y/%m/%d",)),
    ("yyyy.mm.dd", re.compile(r"\d{4}\.\d{1,2}\.\d{1,2}"), ("%Y.%m.%d",)),
    ("yyyymmdd", re.compile(r"(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])"), ("%Y%m%d",)),
    ("Mon dd, yyyy", re.compile(r"[A-Za-z]{3,9}\.? \d{1,2}, \d{4}"),
     ("%b %d, %Y", "%B %d, %Y")),
    ("dd-Mon-yyyy", re.compile(r"\d{1,2}-[A-Za-z]{3}-\d{4}"), ("%d-%b-%Y",)),
    ("dd Mon yyyy", re.compile(r"\d{1,2} [A-Za-z]{3,9} \d{4}"), ("%d %b %Y", "%d %B %Y")),
)
_DAY_MONTH = re.compile(r"(\d{1,2})([./-])(\d{1,2})([./-])(\d{4}|\d{2})")


@dataclass(frozen=True)
class CsvSpec:
    """How to read a user CSV; ``None`` fields are detected."""

    date_column: str | None = None
    price_column: str | None = None
    date_format: str | None = None


def parse_number(text: object) -> float:
    """Parse '6,635.28', '2.1M', '850K', '-0.53%' or a plain number; NaN when it is not one.

    One cell on its own, with ``,`` as the thousands separator (investing.com's volume and
    change columns); a price column's separators are detected by :func:`parse_prices`.
    """
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


# --- text ---------------------------------------------------------------------------------

def _utf16_without_bom(raw: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when every other byte of an ASCII-heavy start is NUL."""
    head = raw[:4000]
    if len(head) < 8:
        return None
    odd, even = head[1::2], head[0::2]
    if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _is_cjk(text: str) -> bool:
    """Every non-ASCII character is a CJK ideograph or CJK / full-width punctuation."""
    return all(ord(c) < 128 or "\u4e00" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f"
               or "\uff00" <= c <= "\uffef" for c in text)


def decode_text(raw: bytes, path: Path) -> tuple[str, str]:
    """The file's text and the encoding read off it: UTF-8 (BOM or not), UTF-16, or GBK.

    GBK is accepted only when it is certain: the bytes decode strictly, every non-ASCII
    character is Chinese, and the header names a known Chinese column (日期, 收盘). Anything
    else that is not UTF-8 is refused with the likely encoding named.
    """
    # The loop variable outlives the loop on purpose: the BOM found decides the encoding.
    for bom, encoding in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),  # noqa: B007
                          (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            break
    else:
        encoding = _utf16_without_bom(raw) or "utf-8"
    try:
        return raw.decode(encoding), encoding
    except UnicodeDecodeError as exc:
        if encoding != "utf-8":
            raise DataError(f"{path}: starts like {encoding} but is not valid {encoding} at "
                            f"byte {exc.start}; re-save it as UTF-8") from None
        bad_line = raw.count(b"\n", 0, exc.start) + 1
    try:
        text = raw.decode("gbk")
    except UnicodeDecodeError:
        text = None
    # GBK's common characters are byte pairs; Latin-1 / Windows-1252 accents are single bytes.
    paired = all(len(run) % 2 == 0 for run in re.findall(rb"[\x80-\xff]+", raw))
    chinese = text is not None and paired and _is_cjk(text)
    header = text.splitlines()[0] if chinese else ""
    if chinese and any(name in header for name in INVESTING_CN_COLUMNS[:2]):
        return text, "gbk"
    likely = "GBK (Chinese)" if chinese else "Windows-1252 / Latin-1"
    raise DataError(f"{path}: row {bad_line}: not UTF-8 (likely {likely}); "
                    f"re-save the file as UTF-8")


def sniff_separator(text: str, path: Path) -> str:
    """The column separator that splits the header and the first rows alike.

    A separator fits when the header has at least two columns and every sniffed row the same
    number of fields; of those that fit, the one giving the most columns wins.
    """
    lines = [line for line in text.splitlines()[:_SNIFF_LINES]
             if line.strip() and not _FOOTER.match(line.lstrip('"'))]
    if not lines:
        raise DataError(f"{path}: empty file")
    fits = []
    for sep in SEPARATORS:
        widths = [len(row) for row in csv.reader(lines, delimiter=sep)]
        if widths[0] >= 2 and all(w == widths[0] for w in widths[1:]):
            fits.append((widths[0], -SEPARATORS.index(sep), sep))
    if fits:
        return max(fits)[2]
    header = next(csv.reader(lines[:1], delimiter=","))
    if len(header) >= 2:
        widths = [len(row) for row in csv.reader(lines, delimiter=",")]
        i = next(i for i, w in enumerate(widths) if w != widths[0])
        raise DataError(f"{path}: row {i + 1} has {widths[i]} fields, the header "
                        f"{widths[0]} (an unquoted thousands or decimal comma?)")
    raise DataError(f"{path}: cannot tell the column separator (tried , ; tab |)")


# --- prices -------------------------------------------------------------------------------

# Cells readable one way only: European (``.`` groups, ``,`` decimals) or US (the reverse);
# ``1,001`` / ``1.001`` read either way.
_EU_ONLY = re.compile(r"\d{1,3}(\.\d{3})+,\d+|\d{1,3}(\.\d{3}){2,}|\d+,(\d{1,2}|\d{4,})"
                      r"|(0|\d{4,}),\d+")
_US_ONLY = re.compile(r"\d{1,3}(,\d{3})+\.\d+|\d{1,3}(,\d{3}){2,}|\d+\.(\d{1,2}|\d{4,})"
                      r"|(0|\d{4,})\.\d+")
_EITHER = re.compile(r"[1-9]\d{0,2}[.,]\d{3}")


def _first(mask: pd.Series) -> int:
    return int(np.flatnonzero(mask.to_numpy())[0])


def parse_prices(cells: pd.Series, rows: np.ndarray, column: str, path: Path) -> np.ndarray:
    """Prices from text with the decimal and thousands separators read off the column.

    European ``1.001,26`` and US ``1,001.26`` are told apart by the column's cells that can
    be read only one way (both separators, or a decimal part of other than three digits);
    a column with only ``1,001``-like cells, or with both conventions, is refused.
    """
    text = (cells.str.strip().str.replace("\u00a0", "", regex=False)
            .str.replace(" ", "", regex=False).str.replace("'", "", regex=False))
    unsigned = text.str.replace(r"^[+-]", "", regex=True)
    eu = unsigned.str.fullmatch(_EU_ONLY.pattern)
    us = unsigned.str.fullmatch(_US_ONLY.pattern)
    if eu.any() and us.any():
        i, j = _first(eu), _first(us)
        raise DataError(f"{path}: column '{column}': mixed number formats, "
                        f"{cells.iloc[i]!r} (row {rows[i]}) and {cells.iloc[j]!r} "
                        f"(row {rows[j]})")
    if not eu.any() and not us.any():
        ambiguous = unsigned.str.fullmatch(_EITHER.pattern)
        if ambiguous.any():
            i = _first(ambiguous)
            raise DataError(f"{path}: row {rows[i]}, column '{column}': {cells.iloc[i]!r} "
                            f"could be a thousands or a decimal separator, and no other "
                            f"price in the column tells which")
    grouped, decimal = (r"\.", ",") if eu.any() else (",", r"\.")
    well_formed = text.str.fullmatch(rf"[+-]?(\d{{1,3}}({grouped}\d{{3}})+|\d+)({decimal}\d+)?"
                                     r"|[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
    if not well_formed.all():
        i = _first(~well_formed)
        what = "missing price" if not cells.iloc[i].strip() else "unparseable price"
        raise DataError(f"{path}: row {rows[i]}, column '{column}': {what} "
                        f"{cells.iloc[i]!r}")
    if eu.any():
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        text = text.str.replace(",", "", regex=False)
    prices = text.astype(np.float64).to_numpy()
    nonpositive = ~(prices > 0)
    if nonpositive.any():
        i = int(np.flatnonzero(nonpositive)[0])
        raise DataError(f"{path}: row {rows[i]}, column '{column}': non-positive price "
                        f"{cells.iloc[i]!r}")
    return prices


# --- dates --------------------------------------------------------------------------------

def _day_month_format(text: pd.Series, rows: np.ndarray, column: str, path: Path) -> str:
    """``%d/%m/%Y`` or ``%m/%d/%Y`` (any of ``/ . -``, 2- or 4-digit years), or refuse.

    Day first is certain when some first number is above 12, month first when some second
    number is; neither is a guess the loader will make.
    """
    parts = text.str.extract(_DAY_MONTH.pattern)
    shape = parts[1] + parts[3] + parts[4].str.len().astype(str)
    if shape.nunique() > 1:
        j = _first(shape != shape.iloc[0])
        raise DataError(f"{path}: column '{column}': mixed date formats, {text.iloc[0]!r} "
                        f"(row {rows[0]}) and {text.iloc[j]!r} (row {rows[j]}); make the "
                        f"column one format")
    first, second = parts[0].astype(int), parts[2].astype(int)
    day_first, month_first = first > 12, second > 12
    if parts[1].iloc[0] != parts[3].iloc[0]:
        raise DataError(f"{path}: row {rows[0]}, column '{column}': unparseable date "
                        f"{text.iloc[0]!r}")
    sep, year = parts[1].iloc[0], "%Y" if len(parts[4].iloc[0]) == 4 else "%y"
    if day_first.any() and month_first.any():
        i, j = _first(day_first), _first(month_first)
        raise DataError(f"{path}: column '{column}': mixed date formats, day first "
                        f"{text.iloc[i]!r} (row {rows[i]}) and month first {text.iloc[j]!r} "
                        f"(row {rows[j]}); make the column one format")
    if day_first.any():
        return f"%d{sep}%m{sep}{year}"
    if month_first.any():
        return f"%m{sep}%d{sep}{year}"
    raise DataError(f"{path}: column '{column}': ambiguous dates, day and month are both "
                    f"12 or less in every row (e.g. {text.iloc[0]!r}, row {rows[0]}); set "
                    f"data.date_format to \"%d{sep}%m{sep}{year}\" or "
                    f"\"%m{sep}%d{sep}{year}\"")


def _layout(cell: str) -> tuple[str, re.Pattern[str], tuple[str, ...] | None] | None:
    """The recognised date layout of one cell (formats ``None``: day/month order open)."""
    for name, pattern, formats in _DATE_LAYOUTS:
        if pattern.fullmatch(cell):
            return name, pattern, formats
    if _DAY_MONTH.fullmatch(cell):
        return "dd/mm/yyyy or mm/dd/yyyy", _DAY_MONTH, None
    return None


def parse_dates(cells: pd.Series, rows: np.ndarray, column: str, path: Path,
                date_format: str | None = None) -> pd.Series:
    """Dates in one format for the whole column.

    The format is ``date_format`` or the one layout that matches every cell (ISO,
    2024年7月1日, ``Jul 01, 2024``, ``31/12/2020`` when some day is above 12, …); cells in
    two layouts are refused as mixed formats, naming a cell of each.
    """
    text = cells.str.strip()
    if text.str.contains("年", regex=False).any():
        text = text.str.replace(_CN_DATE.pattern, r"\1-\2-\3", regex=True)
    if date_format is not None:
        formats: tuple[str, ...] = (date_format,)
    else:
        layout = _layout(text.iloc[0])
        if layout is None:
            raise DataError(f"{path}: row {rows[0]}, column '{column}': unparseable date "
                            f"{cells.iloc[0]!r} (set data.date_format if it is a date)")
        name, pattern, layout_formats = layout
        other = ~text.str.fullmatch(pattern.pattern)
        if other.any():
            j = _first(other)
            second = _layout(text.iloc[j])
            if second is None:
                raise DataError(f"{path}: row {rows[j]}, column '{column}': unparseable date "
                                f"{cells.iloc[j]!r}")
            raise DataError(f"{path}: column '{column}': mixed date formats, {name} "
                            f"{cells.iloc[0]!r} (row {rows[0]}) and {second[0]} "
                            f"{cells.iloc[j]!r} (row {rows[j]}); make the column one format")
        formats = layout_formats or (_day_month_format(text, rows, column, path),)
    parsed = pd.to_datetime(text, format=formats[0], errors="coerce")
    for fmt in formats[1:]:
        parsed = parsed.fillna(pd.to_datetime(text, format=fmt, errors="coerce"))
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_localize(None)
    if parsed.isna().any():
        i = _first(parsed.isna())
        raise DataError(f"{path}: row {rows[i]}, column '{column}': unparseable date "
                        f"{cells.iloc[i]!r} (format {' or '.join(formats)})")
    return parsed


# --- files --------------------------------------------------------------------------------

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


def _read_table(path: Path) -> tuple[pd.DataFrame, np.ndarray]:
    """All cells as text, and each row's number in the file (header = row 1)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror}") from None
    text, encoding = decode_text(raw, path)
    sep = sniff_separator(text, path)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                            skip_blank_lines=False, skipinitialspace=True)
    except pd.errors.ParserError as exc:
        match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if match:
            want, line, saw = match.groups()
            raise DataError(f"{path}: row {line} has {saw} fields, the header {want}") from None
        raise DataError(f"{path}: not a readable CSV: {str(exc).splitlines()[0]}") from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: empty file") from None
    frame = frame.fillna("")                       # rows shorter than the header
    frame.columns = [str(c).strip().strip('"') for c in frame.columns]
    rows = np.arange(2, len(frame) + 2)
    blank = (frame == "").all(axis=1).to_numpy()
    frame, rows = frame[~blank].reset_index(drop=True), rows[~blank]
    logger = get_logger("data")
    logger.info("%s: %s, separator %r, %d rows", path, encoding, sep, len(frame))
    if len(frame):
        footer = frame.iloc[:, 0].str.contains(_FOOTER.pattern).to_numpy()
        if footer.any():
            first = int(np.flatnonzero(footer)[0])
            if not footer[first:].all():
                raise DataError(f"{path}: row {rows[first]}: summary line "
                                f"{frame.iloc[first, 0]!r} inside the table")
            logger.info("%s: dropped investing.com's summary line (row %d)", path, rows[first])
            frame, rows = frame.iloc[:first], rows[:first]
    return frame, rows


def load_csv(path: str | Path, spec: CsvSpec = CsvSpec(), min_rows: int = 2) -> pd.DataFrame:
    """Read a daily price CSV: encoding, separator, dates and number format detected."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: file not found")
    frame, rows = _read_table(path)
    columns = list(frame.columns)
    date_col = _pick(columns, spec.date_column, DATE_CANDIDATES, "date", path)
    price_col = _pick(columns, spec.price_column, PRICE_CANDIDATES, "price", path)
    if len(frame) < min_rows:
        raise DataError(f"{path}: {len(frame)} rows, the study needs at least {min_rows}")
    dates = parse_dates(frame[date_col], rows, date_col, path, spec.date_format)
    prices = parse_prices(frame[price_col], rows, price_col, path)
    duplicated = dates.duplicated(keep="first").to_numpy()
    if duplicated.any():
        i = int(np.flatnonzero(duplicated)[0])
        raise DataError(f"{path}: row {rows[i]}, column '{date_col}': duplicate date "
                        f"{dates.iloc[i].date()}")
    clean = pd.DataFrame({"date": dates.to_numpy(dtype="datetime64[ns]"), "price": prices})
    return clean.sort_values("date", kind="stable").reset_index(drop=True)


def load_embedded_sp500(column: str = "Adj Close") -> pd.DataFrame:
    """The S&P 500 daily series shipped with ``arch`` (1999-2018), no network needed."""
    from arch.data import sp500

    raw = sp500.load()
    return pd.DataFrame({"date": raw.index.to_numpy(dtype="datetime64[ns]"),
                         "price": raw[column].to_numpy(dtype=np.float64)})


def load_price_series(source: str, spec: CsvSpec = CsvSpec(), min_rows: int = 2) -> pd.DataFrame:
    """Load the series named by ``data.source``: ``arch:sp500`` or a CSV path."""
    if source == EMBEDDED_SP500:
        frame = load_embedded_sp500()
        if len(frame) < min_rows:
            raise DataError(f"{source}: {len(frame)} rows, the study needs at least {min_rows}")
        return frame
    return load_csv(source, spec, min_rows)

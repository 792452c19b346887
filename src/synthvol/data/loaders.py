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
import errno
import io
import re
import stat
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
    numbered = [(n, line) for n, line in enumerate(text.splitlines()[:_SNIFF_LINES], 1)
                if line.strip() and not _FOOTER.match(line.lstrip('"'))]
    if not numbered:
        raise DataError(f"{path}: empty file")
    numbers, lines = zip(*numbered)
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
        after_blank = numbers[i] - numbers[i - 1] > 1
        hint = (f"a second table after the blank row {numbers[i] - 1}?" if after_blank
                else "an unquoted thousands or decimal comma?")
        raise DataError(f"{path}: row {numbers[i]} has {widths[i]} fields, the header "
                        f"{widths[0]} ({hint})")
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


# A space, no-break space, narrow no-break space or apostrophe groups digits by three only.
_SPACE_CHARS = " \u00a0\u202f'"
_SPACE_GROUPED = re.compile(rf"[+-]?\d{{1,3}}([{_SPACE_CHARS}]\d{{3}})+([.,]\d+)?")


def _well_formed(eu: bool) -> str:
    """A number in the column's one convention: grouped digits, or plain digits with the
    column's decimal separator and an optional exponent (``1,2645E+03`` in a European one)."""
    grouped, decimal = (r"\.", ",") if eu else (",", r"\.")
    return (rf"[+-]?(\d{{1,3}}({grouped}\d{{3}})+({decimal}\d+)?"
            rf"|(\d+({decimal}\d*)?|{decimal}\d+)([eE][+-]?\d+)?)")


def parse_prices(cells: pd.Series, rows: np.ndarray, column: str, path: Path) -> np.ndarray:
    """Prices from text with the decimal and thousands separators read off the column.

    European ``1.001,26`` and US ``1,001.26`` are told apart by the column's cells that can
    be read only one way (both separators, or a decimal part of other than three digits);
    a column with only ``1,001``-like cells, or with both conventions, is refused. Every cell
    must be written in the column's convention (no ``.46`` or ``1.2645E+03`` among European
    numbers), spaces only group digits by three, and every price is finite and positive.
    """
    text = cells.str.strip()
    spaced = text.str.contains(f"[{_SPACE_CHARS}]")
    bad_spaces = spaced & ~text.str.fullmatch(_SPACE_GROUPED.pattern)
    if bad_spaces.any():
        i = _first(bad_spaces)
        raise DataError(f"{path}: row {rows[i]}, column '{column}': unparseable price "
                        f"{cells.iloc[i]!r} (a space inside a number that does not group "
                        f"its digits by three)")
    text = text.str.replace(f"[{_SPACE_CHARS}]", "", regex=True)
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
    well_formed = text.str.fullmatch(_well_formed(bool(eu.any())))
    if not well_formed.all():
        i = _first(~well_formed)
        what = "missing price" if not cells.iloc[i].strip() else "unparseable price"
        convention = ""
        if eu.any() or us.any():
            k = _first(eu if eu.any() else us)
            kind = "European" if eu.any() else "US"
            convention = (f" (the column's numbers are {kind}, like {cells.iloc[k]!r} "
                          f"in row {rows[k]})")
        raise DataError(f"{path}: row {rows[i]}, column '{column}': {what} "
                        f"{cells.iloc[i]!r}{convention}")
    if eu.any():
        text = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    else:
        text = text.str.replace(",", "", regex=False)
    prices = text.astype(np.float64).to_numpy()
    infinite = np.isinf(prices)
    if infinite.any():
        i = int(np.flatnonzero(infinite)[0])
        raise DataError(f"{path}: row {rows[i]}, column '{column}': price {cells.iloc[i]!r} "
                        f"overflows a 64-bit float")
    nonpositive = ~(prices > 0)
    if nonpositive.any():
        i = int(np.flatnonzero(nonpositive)[0])
        raise DataError(f"{path}: row {rows[i]}, column '{column}': non-positive price "
                        f"{cells.iloc[i]!r}")
    return prices


# --- dates --------------------------------------------------------------------------------

def _day_month_format(text: pd.Series, rows: np.ndarray, column: str, path: Path) -> str:
    """``%d/%m/%Y`` or ``%m/%d/%Y`` (any of ``/ . -``), or refuse.

    Day first is certain when some first number is above 12, month first when some second
    number is; neither is a guess the loader will make. Nor is the century of a two-digit
    year: those need ``data.date_format``.
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
    if day_first.any() or month_first.any():
        order = f"%d{sep}%m" if day_first.any() else f"%m{sep}%d"
        if year == "%y":
            raise DataError(f"{path}: row {rows[0]}, column '{column}': two-digit year in "
                            f"{text.iloc[0]!r}; set data.date_format to \"{order}{sep}%y\" "
                            f"(years 00-68 read as 2000-2068, 69-99 as 1969-1999) or write "
                            f"four-digit years")
        return f"{order}{sep}{year}"
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
    offsets = _utc_offsets(text, rows, column, path)
    try:
        parsed = pd.to_datetime(text, format=formats[0], errors="coerce",
                                utc=offsets is not None)
    except ValueError as exc:              # only a given format can be malformed
        raise DataError(f"{path}: column '{column}': data.date_format {formats[0]!r} is not "
                        f"a date format: {str(exc).splitlines()[0]}") from None
    for fmt in formats[1:]:
        parsed = parsed.fillna(pd.to_datetime(text, format=fmt, errors="coerce",
                                              utc=offsets is not None))
    if parsed.isna().any():
        i = _first(parsed.isna())
        raise DataError(f"{path}: row {rows[i]}, column '{column}': unparseable date "
                        f"{cells.iloc[i]!r} (format {' or '.join(formats)})")
    if offsets is not None:
        parsed = _one_zone(parsed, offsets, cells, rows, column, path)
    outside = (parsed < pd.Timestamp.min) | (parsed > pd.Timestamp.max)
    if outside.any():
        i = _first(outside)
        raise DataError(f"{path}: row {rows[i]}, column '{column}': date {cells.iloc[i]!r} "
                        f"outside the range pandas holds ({pd.Timestamp.min.date() + _DAY} "
                        f"to {pd.Timestamp.max.date()})")
    return parsed


_DAY = pd.Timedelta(days=1)
# A UTC offset after a time of day: 10:00Z, 10:00:00+01:00, 10:00 -0500 (no \s: it would
# send pandas from pyarrow's regex engine to Python's, a row at a time).
_OFFSET = re.compile(r"\d:\d\d(?::\d\d(?:\.\d+)?)? ?(?:Z|[+-]\d\d:?\d\d)$")


def _utc_offsets(text: pd.Series, rows: np.ndarray, column: str,
                 path: Path) -> pd.Series | None:
    """Each cell's UTC offset as ``+hh:mm``, or None when no cell has one.

    A column where some cells carry an offset and others none is refused: their instants
    cannot be put in one zone.
    """
    has = text.str.contains(_OFFSET.pattern)
    if not has.any():
        return None
    if not has.all():
        i, j = _first(has), _first(~has)
        raise DataError(f"{path}: column '{column}': {text.iloc[i]!r} (row {rows[i]}) has a "
                        f"UTC offset and {text.iloc[j]!r} (row {rows[j]}) none; give every "
                        f"date an offset or none")
    found = text.str.extract(r"(Z|[+-]\d\d:?\d\d)$")[0]
    return found.replace("Z", "+00:00").str.replace(r"^([+-]\d\d)(\d\d)$", r"\1:\2",
                                                     regex=True)


def _one_zone(parsed: pd.Series, offsets: pd.Series, cells: pd.Series, rows: np.ndarray,
              column: str, path: Path) -> pd.Series:
    """Dates with UTC offsets in one zone, without the zone.

    One offset throughout: the times as written. Several (daylight saving): converted to
    UTC, as the log says, unless that moves a date to another day, which is refused.
    """
    utc = parsed.dt.tz_localize(None)
    sign = np.where(offsets.str[0] == "-", -1, 1)
    minutes = offsets.str[1:3].astype(int) * 60 + offsets.str[4:6].astype(int)
    local = utc + pd.to_timedelta(sign * minutes.to_numpy(), unit="min")
    names = sorted(offsets.unique())
    if len(names) == 1:
        get_logger("data").info("%s: column '%s': dates in UTC offset %s, kept as written",
                                path, column, names[0])
        return local
    moved = (utc.dt.normalize() != local.dt.normalize()).to_numpy()
    if moved.any():
        i = int(np.flatnonzero(moved)[0])
        raise DataError(f"{path}: row {rows[i]}, column '{column}': mixed UTC offsets "
                        f"({', '.join(names)}), and in UTC {cells.iloc[i]!r} falls on "
                        f"{utc.iloc[i].date()}, another day; write the dates in one offset "
                        f"or without offsets")
    get_logger("data").info("%s: column '%s': mixed UTC offsets (%s), dates converted to UTC",
                            path, column, ", ".join(names))
    return utc


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


#: Files that are not text, told by their first bytes: (magic, what the file is).
_MAGIC = (
    (b"PK\x03\x04", "a zip archive"),
    (b"\x1f\x8b", "gzip-compressed"),
    (b"PAR1", "a Parquet file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97-2003 workbook (.xls)"),
    (b"BZh", "bzip2-compressed"),
    (b"\xfd7zXZ\x00", "xz-compressed"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed"),
    (b"%PDF-", "a PDF document"),
    (b"SQLite format 3\x00", "an SQLite database"),
)


def check_not_binary(raw: bytes, path: Path) -> None:
    """Refuse a workbook, an archive, a compressed or a columnar file, naming what it is."""
    for magic, what in _MAGIC:
        if raw.startswith(magic):
            if magic == b"PK\x03\x04" and (b"xl/" in raw[:65536] or b"xl/" in raw[-65536:]):
                what = "an Excel workbook (.xlsx)"
            raise DataError(f"{path}: {what}, not a CSV text file; export or extract the "
                            f"prices as CSV and name that file in data.source")


def check_regular_file(path: Path) -> None:
    """Refuse a path that is not a readable regular file, saying what it is instead."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise DataError(f"{path}: symbolic link loop") from None
        if exc.errno == errno.ENOENT and path.is_symlink():
            raise DataError(f"{path}: symbolic link to a missing file "
                            f"({path.readlink()})") from None
        if exc.errno == errno.ENOENT:
            raise DataError(f"{path}: file not found") from None
        raise DataError(f"{path}: cannot read: {exc.strerror}") from None
    kinds = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
             (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"))
    for test, what in kinds:
        if test(mode):
            raise DataError(f"{path}: {what}, not a regular file; save the prices to a file")


def _column_name(cell: object) -> str:
    """A header cell without byte-order marks, surrounding space and quotes."""
    return str(cell).replace("\ufeff", "").strip().strip('"').strip()


def _same_name(name: str) -> str:
    """What two column names that mean the same column share: case, spacing and pandas'
    ``.1`` suffix of a repeated name ignored."""
    return re.sub(r"\.\d+$", "", re.sub(r"[\s_]+", " ", name).strip().casefold())


def check_unique_columns(columns: list[str], path: Path) -> None:
    """Refuse two columns with the same name: which one holds the prices is not certain."""
    seen: dict[str, int] = {}
    for j, name in enumerate(columns):
        key = _same_name(name)
        if not key:
            continue
        if key in seen:
            i = seen[key]
            raise DataError(f"{path}: row 1: duplicate column names {columns[i]!r} (column "
                            f"{i + 1}) and {name!r} (column {j + 1}); rename one")
        seen[key] = j


def _read_table(path: Path) -> tuple[pd.DataFrame, np.ndarray]:
    """All cells as text, and each row's number in the file (header = row 1)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read: {exc.strerror}") from None
    check_not_binary(raw, path)
    text, encoding = decode_text(raw, path)
    sep = sniff_separator(text, path)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                            header=None, skip_blank_lines=False, skipinitialspace=True)
    except pd.errors.ParserError as exc:
        match = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if match:
            want, line, saw = match.groups()
            raise DataError(f"{path}: row {line} has {saw} fields, the header {want}") from None
        raise DataError(f"{path}: not a readable CSV: {str(exc).splitlines()[0]}") from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{path}: empty file") from None
    frame = frame.fillna("")                       # rows shorter than the header
    rows = np.arange(1, len(frame) + 1)
    blank = (frame == "").all(axis=1).to_numpy()
    frame, rows = frame[~blank].reset_index(drop=True), rows[~blank]
    if not len(frame):
        raise DataError(f"{path}: empty file")
    columns = [_column_name(c) for c in frame.iloc[0]]
    check_unique_columns(columns, path)
    frame, rows = frame.iloc[1:].reset_index(drop=True), rows[1:]
    frame.columns = columns
    names = {_same_name(c) for c in columns} - {""}
    for i in np.flatnonzero(np.diff(rows, prepend=rows[:1]) > 1):     # rows after a blank
        if names & {_same_name(c) for c in frame.iloc[i]}:
            raise DataError(f"{path}: row {rows[i]}: a second table starts after the blank "
                            f"row {rows[i] - 1}; keep one table in the file")
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
    check_regular_file(path)
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


def source_files(source: str) -> list[str]:
    """The files ``data.source`` names, for the rule that reads it to declare as input (so
    an edited price reruns the study from there): none for the embedded series, else the
    CSV, checked now to be a regular file."""
    if source == EMBEDDED_SP500:
        return []
    check_regular_file(Path(source))
    return [source]


def load_price_series(source: str, spec: CsvSpec = CsvSpec(), min_rows: int = 2) -> pd.DataFrame:
    """Load the series named by ``data.source``: ``arch:sp500`` or a CSV path."""
    if source == EMBEDDED_SP500:
        frame = load_embedded_sp500()
        if len(frame) < min_rows:
            raise DataError(f"{source}: {len(frame)} rows, the study needs at least {min_rows}")
        return frame
    return load_csv(source, spec, min_rows)

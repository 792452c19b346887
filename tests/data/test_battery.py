"""The input battery: generated CSVs in the formats users bring, each with its one outcome.

Either the exact dates and prices (compared with ``==``, not approximately), or one
``DataError`` line naming the file and the row or column at fault. Nothing is ever read a
second, plausible way: an ambiguous file is refused with the parameter that settles it.
"""

from __future__ import annotations

import codecs
import gzip
import io
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synthvol.data.loaders import CsvSpec, load_csv
from synthvol.errors import DataError

N = 80
DATES = pd.bdate_range("2021-01-04", periods=N)            # 4 Jan - 23 Apr 2021: days > 12
AUTUMN = pd.bdate_range("2021-08-02", periods=N)          # 2021年11月19日 … 2021年8月2日
PRICES = np.array([round(950 + 3.17 * i + (i % 7) * 1.01, 2) for i in range(N)])
assert PRICES.min() < 1000 < PRICES.max()                  # thousands separators appear


def us(p: float) -> str:
    return f"{p:,.2f}"


def eu(p: float) -> str:
    return us(p).translate(str.maketrans(",.", ".,"))


def q(cell: str) -> str:
    return f'"{cell}"'


def csv_bytes(header: list[str], rows: list[list[str]], sep: str = ",",
              encoding: str = "utf-8", newline: str = "\n", tail: tuple[str, ...] = ()) -> bytes:
    lines = [sep.join(header), *(sep.join(r) for r in rows), *tail]
    return (newline.join(lines) + newline).encode(encoding)


def rows_of(date_fmt: str, price: Callable[[float], str] = lambda p: f"{p:.2f}",
            newest_first: bool = False) -> list[list[str]]:
    rows = [[d.strftime(date_fmt), price(p)] for d, p in zip(DATES, PRICES)]
    return rows[::-1] if newest_first else rows


def investing_cn(date_fmt: str = "%Y-%m-%d") -> list[list[str]]:
    """investing.com 历史数据: newest first, every cell quoted, 1,001.26, 2.1M, -0.53%."""
    return [[q(d.strftime(date_fmt)), q(us(p)), q(us(p * 0.99)), q(us(p * 1.01)),
             q(us(p * 0.98)), q("2.10M" if i % 2 else "850.00K"), q(f"{(i % 5) - 2:.2f}%")]
            for i, (d, p) in enumerate(zip(DATES, PRICES))][::-1]


CN_HEADER = [q(c) for c in ("日期", "收盘", "开盘", "高", "低", "交易量", "涨跌幅")]
EN_HEADER = [q(c) for c in ("Date", "Price", "Open", "High", "Low", "Vol.", "Change %")]
CN_FOOTER = ('"最高: 1,207.49","最低: 950.00","差异: 257.49","平均: 1,078.21","涨跌幅: 27.1"',)
EN_FOOTER = ('"Highest: 1,207.49","Lowest: 950.00","Difference: 257.49","Average: 1,078.21",'
             '"Change %: 27.1"',)


def cn_date(d: pd.Timestamp) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def en_rows(date_fmt: str) -> list[list[str]]:
    """investing.com's English export: the Chinese one's cells under English names."""
    return investing_cn(date_fmt)


def yahoo(null_row: int | None = None) -> bytes:
    """Yahoo Finance: Adj Close beside Close; a day without trading is a row of 'null'."""
    rows = [[d.strftime("%Y-%m-%d"), *(f"{p * k:.6f}" for k in (0.99, 1.01, 0.98, 1.02)),
             f"{p:.2f}", str(1000 + i)] for i, (d, p) in enumerate(zip(DATES, PRICES))]
    if null_row is not None:
        rows[null_row][1:] = ["null"] * 6
    return csv_bytes(["Date", "Open", "High", "Low", "Close", "Adj Close", "Volume"], rows)


def stooq(date_fmt: str = "%Y-%m-%d") -> bytes:
    rows = [[d.strftime(date_fmt), *(f"{p * k:.2f}" for k in (0.99, 1.01, 0.98)), f"{p:.2f}",
             "123456"] for d, p in zip(DATES, PRICES)]
    return csv_bytes(["Date", "Open", "High", "Low", "Close", "Volume"], rows)


def ambiguous_dates() -> list[list[str]]:
    """Only days 1-12 of each month: 03/04/2021 reads as 3 April or 4 March."""
    days = [d for d in pd.date_range("2021-01-01", "2021-12-31") if d.day <= 12][:N]
    return [[d.strftime("%d/%m/%Y"), f"{p:.2f}"] for d, p in zip(days, PRICES)]


def with_row(rows: list[list[str]], i: int, cells: list[str]) -> list[list[str]]:
    return [*rows[:i], cells, *rows[i + 1:]]


def replace_cell(rows: list[list[str]], i: int, j: int, cell: str) -> list[list[str]]:
    row = list(rows[i])
    row[j] = cell
    return with_row(rows, i, row)


@dataclass(frozen=True)
class Case:
    """One file of the battery and its outcome: loaded exactly, or this error."""

    name: str
    content: Callable[[], bytes]
    error: str | None = None             # regex of the one-line message; None = loads exactly
    spec: CsvSpec = CsvSpec()
    dates: tuple[pd.Timestamp, ...] = tuple(DATES)


ISO = "%Y-%m-%d"
PLAIN = ["Date", "Close"]
CASES = [
    # --- loads, with every date and price exact -------------------------------------------
    Case("iso_plain", lambda: csv_bytes(PLAIN, rows_of(ISO))),
    Case("yahoo", yahoo),
    Case("stooq", stooq),
    Case("stooq_yyyymmdd", lambda: stooq("%Y%m%d")),
    Case("investing_cn", lambda: csv_bytes(CN_HEADER, investing_cn(), encoding="utf-8-sig")),
    Case("investing_cn_chinese_dates",
         lambda: csv_bytes(CN_HEADER, [[q(cn_date(DATES[N - 1 - i])), *r[1:]]
                                       for i, r in enumerate(investing_cn())],
                           encoding="utf-8-sig")),
    Case("investing_cn_chinese_dates_two_digit_months",
         lambda: csv_bytes(CN_HEADER, [[q(cn_date(AUTUMN[N - 1 - i])), *r[1:]]
                                       for i, r in enumerate(investing_cn())],
                           encoding="utf-8-sig"), dates=tuple(AUTUMN)),
    Case("investing_cn_footer", lambda: csv_bytes(CN_HEADER, investing_cn(),
                                                  encoding="utf-8-sig", tail=CN_FOOTER)),
    Case("investing_en_mm_dd_yyyy", lambda: csv_bytes(EN_HEADER, en_rows("%m/%d/%Y"))),
    Case("investing_en_mon_dd_yyyy", lambda: csv_bytes(EN_HEADER, en_rows("%b %d, %Y"))),
    Case("investing_en_footer", lambda: csv_bytes(EN_HEADER, en_rows("%b %d, %Y"),
                                                  tail=EN_FOOTER)),
    Case("investing_cn_gbk", lambda: csv_bytes(CN_HEADER, investing_cn(), encoding="gbk")),
    Case("investing_utf16_bom_tab",
         lambda: csv_bytes(CN_HEADER, investing_cn(), sep="\t", encoding="utf-16",
                           newline="\r\n")),
    Case("utf16le_without_bom", lambda: csv_bytes(PLAIN, rows_of(ISO), encoding="utf-16-le")),
    Case("bom_crlf", lambda: csv_bytes(PLAIN, rows_of(ISO), encoding="utf-8-sig",
                                       newline="\r\n")),
    Case("semicolon_eu_unquoted", lambda: csv_bytes(PLAIN, rows_of("%d.%m.%Y", eu), sep=";")),
    Case("semicolon_us_unquoted", lambda: csv_bytes(PLAIN, rows_of(ISO, us), sep=";")),
    Case("tab_separated", lambda: csv_bytes(PLAIN, rows_of(ISO), sep="\t")),
    Case("comma_eu_quoted", lambda: csv_bytes(PLAIN, rows_of(ISO, lambda p: q(eu(p))))),
    Case("comma_us_quoted", lambda: csv_bytes(PLAIN, rows_of(ISO, lambda p: q(us(p))))),
    Case("day_first_slash", lambda: csv_bytes(PLAIN, rows_of("%d/%m/%Y", newest_first=True))),
    Case("month_first_slash", lambda: csv_bytes(PLAIN, rows_of("%m/%d/%Y"))),
    Case("two_digit_year_with_date_format", lambda: csv_bytes(PLAIN, rows_of("%d-%m-%y")),
         spec=CsvSpec(date_format="%d-%m-%y")),
    Case("bom_inside_quoted_header",
         lambda: b'"\xef\xbb\xbfDate","Close"\n' + csv_bytes(PLAIN, rows_of(ISO))[11:]),
    Case("double_bom_before_quoted_header",
         lambda: codecs.BOM_UTF8 + csv_bytes([q("\ufeffDate"), q("Close")], rows_of(ISO),
                                             encoding="utf-8-sig")),
    Case("space_grouped_european",
         lambda: csv_bytes(PLAIN, rows_of("%d.%m.%Y", lambda p: eu(p).replace(".", "\u00a0")),
                           sep=";")),
    Case("apostrophe_grouped_us", lambda: csv_bytes(PLAIN, rows_of(ISO, lambda p: us(p).replace(
        ",", "'")))),
    Case("scientific_cell_among_us_numbers",
         lambda: csv_bytes(PLAIN, replace_cell(rows_of(ISO, lambda p: q(us(p))), 70, 1,
                                               f"{PRICES[70]:.6E}"))),
    Case("scientific_cell_among_european_numbers",
         lambda: csv_bytes(PLAIN, replace_cell(rows_of(ISO, eu), 70, 1,
                                               f"{PRICES[70]:.6E}".replace(".", ",")),
                           sep=";")),
    Case("one_utc_offset_kept_as_written",
         lambda: csv_bytes(PLAIN, rows_of("%Y-%m-%dT%H:%M:%S+08:00"))),
    Case("daylight_saving_offsets_converted_to_utc",
         lambda: csv_bytes(PLAIN, [[d.isoformat(), f"{p:.2f}"] for d, p in
                                   zip(DATES.tz_localize("America/New_York"), PRICES)]),
         dates=tuple(DATES.tz_localize("America/New_York").tz_convert("UTC")
                     .tz_localize(None))),
    Case("date_format_settles_ambiguity", lambda: csv_bytes(PLAIN, ambiguous_dates()),
         spec=CsvSpec(date_format="%d/%m/%Y"),
         dates=tuple(d for d in pd.date_range("2021-01-01", "2021-12-31") if d.day <= 12)[:N]),
    Case("iso_with_time", lambda: csv_bytes(PLAIN, rows_of("%Y-%m-%d 00:00:00"))),
    Case("blank_lines_and_spaces",
         lambda: csv_bytes(["Date", " Close"], [[d, f" {p}"] for d, p in rows_of(ISO)],
                           tail=("", ""))),
    # --- refused, with one line naming the file and the row or column ----------------------
    Case("ambiguous_day_month", lambda: csv_bytes(PLAIN, ambiguous_dates()),
         r"column 'Date': ambiguous dates.*set data\.date_format"),
    Case("mixed_day_first_and_month_first",
         lambda: csv_bytes(PLAIN, replace_cell(rows_of("%d/%m/%Y"), 40, 0, "02/13/2021")),
         r"column 'Date': mixed date formats, day first .*row \d+.* month first "
         r"'02/13/2021' \(row 42\)"),
    Case("mixed_iso_and_slash",
         lambda: csv_bytes(PLAIN, replace_cell(rows_of(ISO), 30, 0, "15/02/2021")),
         r"column 'Date': mixed date formats, yyyy-mm-dd '2021-01-04' \(row 2\) and "
         r"dd/mm/yyyy or mm/dd/yyyy '15/02/2021' \(row 32\)"),
    Case("mixed_number_formats",
         lambda: csv_bytes(PLAIN, replace_cell(rows_of(ISO, lambda p: q(eu(p))), 60, 1,
                                               q(us(PRICES[60]))), sep=","),
         r"column 'Close': mixed number formats"),
    Case("ambiguous_thousands",
         lambda: csv_bytes(PLAIN, [[d.strftime(ISO), q(f"{1000 + i:,}")]
                                   for i, d in enumerate(DATES)]),
         r"row 2, column 'Close': '1,000' could be a thousands or a decimal separator"),
    Case("unquoted_thousands_in_comma_file", lambda: csv_bytes(PLAIN, rows_of(ISO, us)),
         r"row \d+ has 3 fields, the header 2 \(an unquoted thousands or decimal comma\?\)"),
    Case("latin1", lambda: csv_bytes(["Date", "Clôture"], rows_of(ISO), encoding="cp1252"),
         r"row 1: not UTF-8 \(likely Windows-1252 / Latin-1\); re-save the file as UTF-8"),
    Case("gbk_unknown_columns",
         lambda: csv_bytes(["时间", "价格"], rows_of(ISO), encoding="gbk"),
         r"row 1: not UTF-8 \(likely GBK \(Chinese\)\)"),
    Case("malformed_grouping",
         lambda: csv_bytes(PLAIN, replace_cell(rows_of(ISO, eu), 30, 1, "1.05,26"), sep=";"),
         r"row 32, column 'Close': unparseable price '1.05,26'"),
    Case("yahoo_null_row", lambda: yahoo(null_row=20),
         r"row 22, column 'Adj Close': unparseable price 'null'"),
    Case("missing_price", lambda: csv_bytes(PLAIN, replace_cell(rows_of(ISO), 9, 1, "")),
         r"row 11, column 'Close': missing price ''"),
    Case("duplicate_date",
         lambda: csv_bytes(PLAIN, replace_cell(rows_of(ISO), 5, 0, DATES[4].strftime(ISO))),
         r"row 7, column 'Date': duplicate date 2021-01-08"),
    Case("non_positive_price", lambda: csv_bytes(PLAIN, replace_cell(rows_of(ISO), 3, 1, "0")),
         r"row 5, column 'Close': non-positive price '0'"),
    Case("impossible_date", lambda: csv_bytes(PLAIN, replace_cell(rows_of(ISO), 20, 0,
                                                                  "2021-02-30")),
         r"row 22, column 'Date': unparseable date '2021-02-30'"),
    Case("footer_inside_table",
         lambda: csv_bytes(EN_HEADER, [*en_rows("%b %d, %Y")[:10], [EN_FOOTER[0]],
                                       *en_rows("%b %d, %Y")[10:]]),
         r"row 12: summary line 'Highest: 1,207.49' inside the table"),
    Case("no_separator", lambda: "\n".join(["Date Close", *(f"{d} {p}" for d, p in
                                                            rows_of(ISO))]).encode(),
         r"cannot tell the column separator"),
    Case("empty_file", lambda: b"", r"empty file"),
    Case("missing_price_column", lambda: csv_bytes(["Date", "Open"], rows_of(ISO)),
         r"missing price column: none of"),
    Case("overflow_exponent", lambda: csv_bytes(PLAIN, replace_cell(rows_of(ISO), 10, 1,
                                                                     "1e999")),
         r"^\S+: row 12, column 'Close': price '1e999' overflows a 64-bit float$"),
    Case("overflow_digits", lambda: csv_bytes(PLAIN, replace_cell(rows_of(ISO), 10, 1,
                                                                   "9" * 400)),
         r"row 12, column 'Close': price '9{400}' overflows a 64-bit float$"),
    *(Case(f"infinity_spelled_{name}",
           lambda cell=cell: csv_bytes(PLAIN, replace_cell(rows_of(ISO), 10, 1, cell)),
           rf"row 12, column 'Close': unparseable price '{re.escape(cell)}' \(the column's "
           r"numbers are US, like '950.00' in row 2\)$")
      for name, cell in (("inf", "inf"), ("Infinity", "Infinity"), ("minus_inf", "-inf"),
                         ("excel", "1.#INF"), ("symbol", "\u221e"))),
    Case("european_scientific_with_dot",
         lambda: csv_bytes(PLAIN, replace_cell(rows_of(ISO, eu), 70, 1, "1.264510E+03"),
                           sep=";"),
         r"row 72, column 'Close': unparseable price '1.264510E\+03' \(the column's numbers "
         r"are European, like '950,00' in row 2\)$"),
    Case("european_leading_dot",
         lambda: csv_bytes(PLAIN, replace_cell(rows_of(ISO, eu), 70, 1, ".46"), sep=";"),
         r"row 72, column 'Close': unparseable price '.46' \(the column's numbers are "
         r"European"),
    Case("space_inside_number",
         lambda: csv_bytes(PLAIN, replace_cell(rows_of(ISO), 70, 1, "10 92.30")),
         r"row 72, column 'Close': unparseable price '10 92.30' \(a space inside a number "
         r"that does not group its digits by three\)$"),
    *(Case(f"duplicate_column_{name}", lambda header=header: csv_bytes(
        header, [[*r, r[1]] for r in rows_of(ISO)]),
        rf"^\S+: row 1: duplicate column names '{re.escape(header[1].strip())}' \(column 2\) "
        rf"and '{re.escape(header[2].strip())}' \(column 3\); rename one$")
      for name, header in (("exact", ["Date", "Close", "Close"]),
                           ("case", ["Date", "Close", "CLOSE"]),
                           ("whitespace", ["Date", "Adj Close", " Adj  Close "]),
                           ("underscore", ["Date", "Adj Close", "Adj_Close"]),
                           ("pandas_suffix", ["Date", "Close", "Close.1"]))),
    Case("two_digit_year_day_first", lambda: csv_bytes(PLAIN, rows_of("%d/%m/%y")),
         r"row 2, column 'Date': two-digit year in '04/01/21'; set data.date_format to "
         r"\"%d/%m/%y\" \(years 00-68 read as 2000-2068, 69-99 as 1969-1999\)"),
    Case("two_digit_year_across_a_century",
         lambda: csv_bytes(PLAIN, [["31/12/99", "950.00"], ["03/01/00", "951.00"]]),
         r"row 2, column 'Date': two-digit year in '31/12/99'; set data.date_format to "
         r"\"%d/%m/%y\""),
    Case("two_digit_year_month_first", lambda: csv_bytes(PLAIN, rows_of("%m-%d-%y")),
         r"row 2, column 'Date': two-digit year in '01-04-21'; set data.date_format to "
         r"\"%m-%d-%y\""),
    Case("two_digit_year_first", lambda: csv_bytes(PLAIN, rows_of("%y-%m-%d")),
         r"row 2, column 'Date': two-digit year in '21-01-04'"),
    Case("date_before_1677",
         lambda: csv_bytes(PLAIN, replace_cell(rows_of(ISO), 0, 0, "1600-01-03")),
         r"row 2, column 'Date': date '1600-01-03' outside the range pandas holds "
         r"\(1677-09-22 to 2262-04-11\)$"),
    Case("date_after_2262",
         lambda: csv_bytes(PLAIN, replace_cell(rows_of("%d/%m/%Y"), 79, 0, "01/01/2300")),
         r"row 81, column 'Date': date '01/01/2300' outside the range pandas holds"),
    Case("offsets_that_change_the_day_in_utc",
         lambda: csv_bytes(PLAIN, [[d.isoformat(), f"{p:.2f}"] for d, p in
                                   zip(DATES.tz_localize("Europe/Berlin"), PRICES)]),
         r"row 2, column 'Date': mixed UTC offsets \(\+01:00, \+02:00\), and in UTC "
         r"'2021-01-04T00:00:00\+01:00' falls on 2021-01-03, another day"),
    Case("offset_in_some_rows_only",
         lambda: csv_bytes(PLAIN, replace_cell(rows_of("%Y-%m-%dT%H:%M:%S"), 5, 0,
                                               "2021-01-11T00:00:00Z")),
         r"column 'Date': '2021-01-11T00:00:00Z' \(row 7\) has a UTC offset and "
         r"'2021-01-04T00:00:00' \(row 2\) none"),
    Case("second_table_after_a_blank_line",
         lambda: csv_bytes(PLAIN, rows_of(ISO), tail=("", "Date,Volume", "2021-01-04,100")),
         r"^\S+: row 83: a second table starts after the blank row 82; keep one table"),
    Case("wider_second_table_after_a_blank_line",
         lambda: csv_bytes(PLAIN, rows_of(ISO)[:50], tail=("", "Date,Open,Close",
                                                          "2021-01-04,1,2")),
         r"^\S+: row 53 has 3 fields, the header 2 \(a second table after the blank row "
         r"52\?\)$"),
    Case("xlsx_workbook", lambda: zipped("xl/workbook.xml"),
         r"^\S+: an Excel workbook \(\.xlsx\), not a CSV text file"),
    Case("zip_archive", lambda: zipped("prices.csv"), r"^\S+: a zip archive, not a CSV"),
    Case("gzip_csv", lambda: gzip.compress(csv_bytes(PLAIN, rows_of(ISO)), mtime=0),
         r"^\S+: gzip-compressed, not a CSV text file"),
    Case("parquet_file", lambda: parquet_bytes(), r"^\S+: a Parquet file, not a CSV"),
    Case("xls_workbook", lambda: bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504),
         r"^\S+: an Excel 97-2003 workbook \(\.xls\), not a CSV"),
    Case("given_format_is_not_a_format", lambda: csv_bytes(PLAIN, rows_of(ISO)),
         r"column 'Date': data.date_format '%Y-%Q' is not a date format: 'Q' is a bad "
         r"directive", spec=CsvSpec(date_format="%Y-%Q")),
    Case("given_format_does_not_fit", lambda: csv_bytes(PLAIN, rows_of(ISO)),
         r"row 2, column 'Date': unparseable date '2021-01-04' \(format %d/%m/%Y\)",
         spec=CsvSpec(date_format="%d/%m/%Y")),
]


def zipped(member: str) -> bytes:
    """A zip archive holding one CSV (an .xlsx workbook is a zip with xl/ members)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(member, csv_bytes(PLAIN, rows_of(ISO)))
    return buffer.getvalue()


def parquet_bytes() -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame({"Date": DATES, "Close": PRICES}).to_parquet(buffer)
    return buffer.getvalue()


def test_battery_size() -> None:
    assert len(CASES) >= 80
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_battery(case: Case, tmp_path: Path) -> None:
    path = tmp_path / f"{case.name}.csv"
    path.write_bytes(case.content())
    if case.error is None:
        frame = load_csv(path, case.spec)
        assert frame["date"].tolist() == list(case.dates)
        np.testing.assert_array_equal(frame["price"].to_numpy(), PRICES)
    else:
        with pytest.raises(DataError) as info:
            load_csv(path, case.spec)
        message = str(info.value)
        assert "\n" not in message
        assert message.startswith(f"{path}: ")
        assert re.search(case.error, message), message


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _loop(path: Path) -> None:
    path.symlink_to(path.with_name("loop_b"))
    path.with_name("loop_b").symlink_to(path)


@pytest.mark.parametrize("make,message", [
    (_fifo, "a named pipe (FIFO), not a regular file; save the prices to a file"),
    (_loop, "symbolic link loop"),
    (lambda path: path.symlink_to(path.with_name("gone.csv")),
     "symbolic link to a missing file ({dir}/gone.csv)"),
    (lambda path: path.mkdir(), "a directory, not a regular file; save the prices to a file"),
    (lambda path: None, "file not found"),
], ids=["fifo", "symlink_loop", "dangling_symlink", "directory", "missing"])
def test_a_path_that_is_not_a_file_is_named_for_what_it_is(make, message: str,
                                                           tmp_path: Path) -> None:
    path = tmp_path / "prices.csv"
    make(path)
    with pytest.raises(DataError) as info:
        load_csv(path)
    assert str(info.value) == f"{path}: {message.format(dir=tmp_path)}"


def test_utf16_bom_is_recognised() -> None:
    assert csv_bytes(PLAIN, rows_of(ISO), encoding="utf-16").startswith(codecs.BOM_UTF16_LE)


def test_one_million_rows(tmp_path: Path) -> None:
    """A million minute bars load exactly (seconds, not minutes: all column-wise)."""
    n = 1_000_000
    stamps = pd.date_range("2000-01-03", periods=n, freq="min")
    cents = 10_000 + np.arange(n) % 5_000
    path = tmp_path / "million.csv"
    pd.DataFrame({"Date": stamps.to_numpy().astype("datetime64[m]").astype(str),
                  "Close": cents / 100}).to_csv(path, index=False, float_format="%.2f")
    frame = load_csv(path)
    assert len(frame) == n
    assert frame["date"].iloc[-1] == stamps[-1]
    np.testing.assert_array_equal(frame["price"].to_numpy(), cents / 100)

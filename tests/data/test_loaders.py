"""Loaders on real formats, and each validation error with its message."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synthvol.data.loaders import CsvSpec, load_csv, load_price_series, parse_number
from synthvol.errors import DataError


def test_investing_export_read_without_options(investing_csv: Path) -> None:
    frame = load_csv(investing_csv)
    assert list(frame.columns) == ["date", "price"]
    assert len(frame) == 120
    assert frame["date"].is_monotonic_increasing          # newest-first file sorted ascending
    raw = investing_csv.read_text(encoding="utf-8-sig").splitlines()
    newest_price = float(raw[1].split('","')[1].replace(",", ""))
    assert frame["price"].iloc[-1] == pytest.approx(newest_price)
    assert frame["price"].iloc[-1] > 1000                  # "6,635.28" parsed with separators


def test_plain_csv_detects_columns(plain_csv: Path) -> None:
    frame = load_csv(plain_csv)
    source = pd.read_csv(plain_csv)
    np.testing.assert_allclose(frame["price"], source["Close"])


def test_named_columns_and_date_format(tmp_path: Path) -> None:
    path = tmp_path / "eu.csv"
    path.write_text("when;px\n31/12/2020;10\n04/01/2021;11\n05/01/2021;12\n".replace(";", ","))
    frame = load_csv(path, CsvSpec("when", "px", "%d/%m/%Y"))
    assert frame["date"].dt.strftime("%Y-%m-%d").tolist() == ["2020-12-31", "2021-01-04",
                                                              "2021-01-05"]


@pytest.mark.parametrize("text,value", [("6,635.28", 6635.28), ("2.1M", 2.1e6),
                                        ("850K", 850e3), ("-0.53%", -0.0053), ("12", 12.0)])
def test_parse_number_formats(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


def test_chinese_date_format(tmp_path: Path) -> None:
    path = tmp_path / "cn.csv"
    path.write_text("日期,收盘\n2024年7月2日,\"1,001.5\"\n2024年7月1日,\"1,000.0\"\n",
                    encoding="utf-8-sig")
    frame = load_csv(path)
    assert frame["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-07-01", "2024-07-02"]


def _write(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(["Date,Close", *rows]) + "\n")
    return path


@pytest.mark.parametrize("rows,pattern", [
    (["2020-01-01,1", "2020-01-02,x", "2020-01-03,3"],
     r"bad\.csv: row 3, column 'Close': unparseable price 'x'"),
    (["2020-01-01,1", "not-a-date,2"], r"row 3, column 'Date': unparseable date 'not-a-date'"),
    (["2020-01-01,1", "2020-01-01,2"], r"row 3, column 'Date': duplicate date 2020-01-01"),
    (["2020-01-01,1", "2020-01-02,0"], r"row 3, column 'Close': non-positive price '0'"),
    (["2020-01-01,1", "2020-01-02,-5"], r"row 3, column 'Close': non-positive price '-5'"),
])
def test_validation_errors_name_file_row_and_column(tmp_path: Path, rows, pattern) -> None:
    with pytest.raises(DataError, match=pattern) as info:
        load_csv(_write(tmp_path, rows))
    assert "\n" not in str(info.value)


def test_missing_column_is_named(tmp_path: Path) -> None:
    path = tmp_path / "nocol.csv"
    path.write_text("Date,Open\n2020-01-01,1\n")
    with pytest.raises(DataError, match=r"nocol\.csv: missing price column"):
        load_csv(path)
    with pytest.raises(DataError, match=r"missing date column 'Day'"):
        load_csv(path, CsvSpec(date_column="Day"))


def test_too_few_rows(tmp_path: Path) -> None:
    path = _write(tmp_path, ["2020-01-01,1", "2020-01-02,2"])
    with pytest.raises(DataError, match=r"bad\.csv: 2 rows, the study needs at least 50"):
        load_csv(path, min_rows=50)


def test_missing_file() -> None:
    with pytest.raises(DataError, match=r"nowhere\.csv: file not found"):
        load_price_series("nowhere.csv")


def test_embedded_sp500() -> None:
    frame = load_price_series("arch:sp500")
    assert len(frame) == 5031
    assert frame["date"].iloc[0] == pd.Timestamp("1999-01-04")
    assert frame["price"].iloc[-1] == pytest.approx(2506.850098)

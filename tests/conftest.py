"""Shared fixtures: small files in the real formats the study reads."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]


def investing_rows(n: int, seed: int = 0) -> list[str]:
    """Rows of an investing.com 历史数据 export, newest first, with its number formats."""
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2023-01-02", periods=n)
    prices = 6000 * np.exp(np.cumsum(rng.normal(0, 0.01, n)))
    rows = []
    for d, p in zip(dates[::-1], prices[::-1]):
        vol = f"{rng.uniform(0.5, 3):.2f}M" if rng.random() < 0.7 else f"{rng.integers(100, 999)}K"
        rows.append(f'"{d:%Y-%m-%d}","{p:,.2f}","{p * 0.99:,.2f}","{p * 1.01:,.2f}",'
                    f'"{p * 0.98:,.2f}","{vol}","{rng.normal(0, 1):.2f}%"')
    return rows


@pytest.fixture
def investing_csv(tmp_path: Path) -> Path:
    """A small investing.com-style export: UTF-8 with BOM, thousands separators."""
    header = '"日期","收盘","开盘","高","低","交易量","涨跌幅"'
    path = tmp_path / "AAPL历史数据.csv"
    path.write_text("\n".join([header, *investing_rows(120)]) + "\n", encoding="utf-8-sig")
    return path


@pytest.fixture
def plain_csv(tmp_path: Path) -> Path:
    """A plain yahoo-style CSV, oldest first."""
    rng = np.random.default_rng(1)
    dates = pd.bdate_range("2020-01-01", periods=150)
    close = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, 150)))
    frame = pd.DataFrame({"Date": dates.strftime("%Y-%m-%d"), "Open": close, "Close": close,
                          "Volume": 1000})
    path = tmp_path / "prices.csv"
    frame.to_csv(path, index=False)
    return path

"""The Stocks benchmark's protocol on the shipped data, and its code path with stand-in
generators (defined here only: the workflow always uses the registered generators)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synthvol.errors import ConfigError, DataError
from synthvol.evaluation.scores import ScoreSettings
from synthvol.evaluation.stocks import (
    REAL_ROW,
    RESULT_COLUMNS,
    generator_hyper,
    load_stocks,
    run_stocks_benchmark,
    stocks_windows,
    write_stocks_benchmark,
)
from synthvol.generators.base import Generator

DATA = Path(__file__).resolve().parents[2] / "data/benchmarks/timegan-stocks/stock_data.csv"


class StandIn(Generator):
    """Copies training windows (``mode="copy"``) or draws uniform noise (``"noise"``)."""

    name = "standin"

    def _fit(self, windows: np.ndarray) -> list[dict[str, float]]:
        self.windows = windows
        return [{"loss": 0.0}]

    def _sample(self, n: int, length: int) -> np.ndarray:
        g = np.random.default_rng(self.seed)
        if self.hyper["mode"] == "copy":
            return self.windows[g.integers(0, len(self.windows), n)]
        return g.uniform(0.0, 1.0, (n, length, self.windows.shape[2]))

    def state_dict(self) -> dict:
        return {}

    def load_state_dict(self, state: dict) -> None:
        """Nothing to restore."""


def test_shipped_data_and_published_windowing():
    data = load_stocks(DATA)
    assert data.shape == (3685, 6)
    windows = stocks_windows(data, 24, seed=1)
    assert windows.shape == (3685 - 24, 24, 6)
    assert windows.min() == 0.0 and windows.max() < 1.0
    np.testing.assert_array_equal(windows, stocks_windows(data, 24, seed=1))
    scaled = (data - data.min(0)) / (data.max(0) - data.min(0) + 1e-7)
    first_rows = windows[:, 0, :]
    order = np.lexsort(first_rows.T[::-1])
    np.testing.assert_allclose(first_rows[order],
                               scaled[:3661][np.lexsort(scaled[:3661].T[::-1])])


def test_bad_csv_names_the_missing_column(tmp_path):
    path = tmp_path / "s.csv"
    pd.DataFrame({"Open": [1.0, 2.0], "High": [1.0, 2.0]}).to_csv(path, index=False)
    with pytest.raises(DataError, match="Low"):
        load_stocks(path)


def test_hyper_parameters_merge_benchmark_overrides():
    models = {"timegan": {"hidden": 24, "epochs": {"embedding": 10, "joint": 5}}}
    merged = generator_hyper("timegan", models, {"timegan": {"epochs": {"joint": 50}}})
    assert merged == {"hidden": 24, "epochs": {"embedding": 10, "joint": 50}}
    with pytest.raises(ConfigError, match="cvae"):
        generator_hyper("cvae", models, {})


def test_benchmark_code_path_with_stand_ins():
    windows = stocks_windows(load_stocks(DATA)[:620, :3], 8, seed=2)
    settings = ScoreSettings(n_runs=2, hidden_dim=4, discriminative_iterations=150,
                             predictive_iterations=60, batch_size=64, learning_rate=0.01)

    def factory(name, seed, device, **hyper):
        return StandIn(seed=seed, device=device, **hyper)

    table = run_stocks_benchmark(windows, ["copy", "noise"],
                                 {"copy": {"mode": "copy"}, "noise": {"mode": "copy"}},
                                 {"noise": {"mode": "noise"}}, "cpu", settings, 3, factory)
    assert list(table.columns) == list(RESULT_COLUMNS)
    assert list(table["generator"]) == ["copy", "noise", REAL_ROW]
    rows = table.set_index("generator")
    assert rows.loc["noise", "discriminative_mean"] > 0.35
    assert rows.loc["copy", "discriminative_mean"] < 0.15
    assert rows.loc["copy", "predictive_mean"] < rows.loc["noise", "predictive_mean"]
    assert np.isnan(rows.loc[REAL_ROW, "discriminative_mean"])
    assert (rows.loc[["copy", "noise"], "train_seconds"] >= 0).all()


def test_benchmark_needs_generators(tmp_path):
    with pytest.raises(ConfigError, match="empty"):
        write_stocks_benchmark(DATA, {"generators": None, "window_length": 24, "scores": {}},
                               {"enabled": []}, 1, tmp_path / "out.csv")

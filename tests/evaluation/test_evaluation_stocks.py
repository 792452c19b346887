"""The Stocks benchmark's protocol on the shipped data (the reference's row reversal, the
block hold-out), and its code path with stand-in generators (defined here only: the
workflow always uses the registered generators)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pytest
import torch

from synthvol.config import study_defaults
from synthvol.data.prepare import BlockHoldout
from synthvol.declare import param
from synthvol.errors import ConfigError, DataError
from synthvol.evaluation.scores import ScoreSettings
from synthvol.evaluation.stocks import (
    RESULT_COLUMNS,
    chronological_windows,
    generator_hyper,
    goal_table,
    load_stocks,
    run_stocks_benchmark,
    stocks_windows,
    stylized_settings,
    write_stocks_benchmark,
)
from synthvol.evaluation.stylized import StylizedSettings
from synthvol.evaluation.twosample import HeadlineSettings
from synthvol.generators.base import Generator

torch.set_num_threads(1)
DATA = Path(__file__).resolve().parents[2] / "data/benchmarks/timegan-stocks/stock_data.csv"


@dataclass(frozen=True)
class StandInSettings:
    mode: Literal["copy", "noise"] = param("copy training windows or draw uniform noise")


class StandIn(Generator):
    """Copies training windows (``mode="copy"``) or draws uniform noise (``"noise"``)."""

    name = "standin"
    Settings = StandInSettings

    def _fit(self, windows: np.ndarray) -> list[dict[str, float]]:
        self.windows = windows
        return [{"loss": 0.0}]

    def _sample(self, n: int, length: int) -> np.ndarray:
        g = np.random.default_rng(self.seed)
        if self.settings.mode == "copy":
            return self.windows[g.integers(0, len(self.windows), n)]
        return g.uniform(0.0, 1.0, (n, length, self.windows.shape[2]))

    def state_dict(self) -> dict:
        return {}

    def load_state_dict(self, state: dict) -> None:
        """Nothing to restore."""


def test_shipped_data_and_published_windowing():
    data = load_stocks(DATA)
    assert data.shape == (3685, 6)
    windows = chronological_windows(data, 24)
    assert windows.shape == (3685 - 24, 24, 6)
    assert windows.min() == 0.0 and windows.max() < 1.0
    # the reference's ori_data[::-1]: the file is newest first, the windows run forward
    scaled = (data - data.min(0)) / (data.max(0) - data.min(0) + 1e-7)
    np.testing.assert_allclose(windows[0], scaled[::-1][:24])
    np.testing.assert_allclose(windows[-1, -1], scaled[1])
    np.testing.assert_allclose(windows[1, :-1], windows[0, 1:])


def test_block_holdout_splits_the_windows_without_straddling():
    data = load_stocks(DATA)
    split = stocks_windows(data, 24, BlockHoldout(250, 0.2), seed=1)
    again = stocks_windows(data, 24, BlockHoldout(250, 0.2), seed=1)
    np.testing.assert_array_equal(split.train, again.train)
    every = chronological_windows(data, 24)
    np.testing.assert_array_equal(every[split.train_starts], split.train)     # the starts
    np.testing.assert_array_equal(every[split.heldout_starts], split.heldout)
    key = {w.tobytes(): i for i, w in enumerate(every)}
    train = sorted(key[w.tobytes()] for w in split.train)
    held = sorted(key[w.tobytes()] for w in split.heldout)
    assert train == [key[w.tobytes()] for w in split.train]          # in time order
    # no two windows on different sides share a row
    train_rows = {r for i in train for r in range(i, i + 24)}
    held_rows = {r for i in held for r in range(i, i + 24)}
    assert not train_rows & held_rows
    assert 0.15 < len(held) / len(every) < 0.25 and len(train) + len(held) < len(every)


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
    windows = stocks_windows(load_stocks(DATA)[:900, :3], 12, BlockHoldout(100, 0.3), seed=2)
    settings = ScoreSettings(**study_defaults("evaluation.stocks.scores") | dict(
        n_runs=2, hidden_dim=4, discriminative_iterations=150, predictive_iterations=60,
        batch_size=64, learning_rate=0.01))

    def factory(name, seed, device, **hyper):
        return StandIn.configured(seed, device, **hyper)

    table = run_stocks_benchmark(windows, ["copy", "noise"],
                                 {"copy": {"mode": "copy"}, "noise": {"mode": "copy"}},
                                 {"noise": {"mode": "noise"}}, "cpu", settings,
                                 StylizedSettings(column=2, acf_lags=3, tail_fraction=0.05,
                                                  n_bootstrap=20),
                                 HeadlineSettings(n_features=84, tail_statistics=True,
                                                  normalise=True, n_folds=3,
                                                  max_windows=150, bootstrap_block=12,
                                                  n_bootstrap=20),
                                 3, factory, n_samples=150)
    assert list(table.columns) == list(RESULT_COLUMNS)
    assert list(table["source"]) == ["copy", "copy_train[copy]", "noise", "copy_train[noise]",
                                     "real_train"]
    rows = table.set_index("source")
    assert (rows["n_windows"] == [150, 150, 150, 150, len(windows.train)]).all()
    assert rows.loc["noise", "discriminative"] > 0.35
    assert rows.loc["copy", "discriminative"] < 0.15
    assert rows.loc["copy", "predictive"] < rows.loc["noise", "predictive"]
    # copies are flagged, and their copy floor is copies too; noise is far from everything
    assert rows.loc["copy", "nn_ratio"] < 1e-5 and rows.loc["copy", "share_closer_q05"] == 1.0
    assert rows.loc["copy", "share_nndr_q05"] == 1.0 and rows.loc["copy", "memorises"]
    assert rows.loc["noise", "share_nndr_q05"] < 0.1 and not rows.loc["noise", "memorises"]
    assert rows.loc["real_train", "nn_ratio"] == 0.0
    assert rows.loc["noise", "nn_ratio"] > 2 and rows.loc["noise", "share_closer_q05"] == 0.0
    assert rows.loc["copy_train[noise]", "median_nn"] == pytest.approx(
        rows.loc["noise", "median_nn"], rel=2e-3)
    assert (rows[["train_seconds", "sample_seconds"]] >= 0).all().all()
    # uniform noise has none of the prices' stylized facts; copies of training windows do
    assert rows.loc["noise", "stylized_distance"] > 3 * rows.loc["copy", "stylized_distance"]
    assert (rows["stylized_distance_se"] > 0).all()
    goal = goal_table(table).set_index("generator")
    assert list(goal.index) == ["copy", "noise"]
    assert not goal["goal_met"].any()
    assert not goal.loc["copy", "nn_ratio_ok"] and not goal.loc["copy", "beats_copy_floor"]
    assert goal.loc["noise", "nn_ratio_ok"] and not goal.loc["noise", "discriminative_ok"]
    assert not goal.loc["noise", "beats_copy_floor_stylized"]
    # the headline verdicts: copies memorise, uniform noise is told apart from real windows
    assert rows.loc["copy", "verdict"] == "memorises"
    assert rows.loc["noise", "verdict"] == "worse"
    assert rows.loc["noise", "headline_score"] > 0.9
    assert not rows.loc["noise", "beats_copy_floor"]
    assert rows.loc[["real_train", "copy_train[copy]"], "beats_copy_floor"].isna().all()


def goal_rows(stylized: float, stylized_se: float) -> pd.DataFrame:
    """A generator passing every line but the copy-floor clause, which it ties on the
    discriminative scores; its stylized distance as given, its copy floor's 0.50 ± 0.02."""
    common = {"discriminative": 0.03, "discriminative_std": 0.02, "predictive": 0.036,
              "heldout_discriminative": 0.25, "heldout_discriminative_std": 0.03,
              "n_runs": 5, "nn_ratio": 1.0, "share_closer_q05": 0.0}
    return pd.DataFrame([
        {"source": "gen", **common, "stylized_distance": stylized,
         "stylized_distance_se": stylized_se},
        {"source": "copy_train[gen]", **common, "nn_ratio": 1.0,
         "stylized_distance": 0.50, "stylized_distance_se": 0.02}])


def test_goal_counts_the_stylized_facts_clause():
    clear = goal_table(goal_rows(0.30, 0.02)).iloc[0]        # 0.20 below, 2 SE = 0.057
    assert not clear["beats_copy_floor_discriminative"]
    assert clear["beats_copy_floor_stylized"] and clear["beats_copy_floor"]
    assert clear["goal_met"]
    tie = goal_table(goal_rows(0.45, 0.02)).iloc[0]          # 0.05 below, 2 SE = 0.057
    assert not tie["beats_copy_floor_stylized"] and not tie["goal_met"]
    worse = goal_table(goal_rows(0.80, 0.02)).iloc[0]
    assert not worse["beats_copy_floor"] and not worse["goal_met"]


def test_stylized_settings_use_the_close():
    settings = stylized_settings({"acf_lags": 5, "tail_fraction": 0.05, "n_bootstrap": 200})
    assert settings == StylizedSettings(column=3, acf_lags=5, tail_fraction=0.05,
                                        n_bootstrap=200)


def test_benchmark_needs_generators(tmp_path):
    with pytest.raises(ConfigError, match="empty"):
        write_stocks_benchmark(DATA, {"generators": None, "window_length": 24, "scores": {},
                                      "headline": {},
                                      "holdout": {"block_length": 250, "share": 0.2}},
                               {"enabled": []}, 1, tmp_path / "out.csv", tmp_path / "goal.csv")

"""Discriminative and predictive scores (the published protocol) on series with known
answers."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from synthvol.config import study_defaults
from synthvol.errors import ConfigError, DataError
from synthvol.evaluation.scores import (
    ScoreSettings,
    ScoreSummary,
    discriminative_score,
    discriminative_scores,
    next_step_pairs,
    predictive_score,
    predictive_scores,
    predictive_summary,
)

torch.set_num_threads(1)

#: The reference protocol's score settings (TimeGAN's), from params.yaml.
REFERENCE = study_defaults("evaluation.stocks.scores")
SMALL = ScoreSettings(**REFERENCE | dict(n_runs=1, hidden_dim=4, num_layers=1,
                                         discriminative_iterations=200,
                                         predictive_iterations=200, batch_size=64,
                                         learning_rate=0.01, head="linear"))


def ar1_windows(n: int, length: int, seed: int, phi: float = 0.8,
                sigma: float = 0.3) -> np.ndarray:
    g = np.random.default_rng(seed)
    e = g.standard_normal((n, length)) * sigma
    x = np.empty_like(e)
    x[:, 0] = e[:, 0] / np.sqrt(1 - phi ** 2)
    for t in range(1, length):
        x[:, t] = phi * x[:, t - 1] + e[:, t]
    return x


def test_discriminative_score_near_zero_for_held_out_real():
    real = ar1_windows(2000, 12, seed=1)
    assert discriminative_score(real[:1000], real[1000:], SMALL, seed=11) < 0.1


def test_discriminative_score_near_half_for_an_obviously_different_series():
    real = ar1_windows(1000, 12, seed=2)
    other = np.random.default_rng(3).normal(0.0, 1.5, size=(1000, 12))
    assert discriminative_score(real, other, SMALL, seed=12) > 0.35


def test_predictive_score_of_real_on_itself_beats_noise():
    real = ar1_windows(2000, 12, seed=4)
    noise = np.random.default_rng(5).uniform(-1.0, 1.0, size=(1000, 12))
    own = predictive_score(real[:1000], real[1000:], SMALL, seed=13)
    assert own < 0.8 * predictive_score(real[:1000], noise, SMALL, seed=13)


def test_scores_are_reproducible_from_the_seed():
    real, other = ar1_windows(300, 10, seed=6), ar1_windows(300, 10, seed=7, phi=0.2)
    fast = ScoreSettings(**REFERENCE | dict(n_runs=2, hidden_dim=3, discriminative_iterations=20,
                                            predictive_iterations=20, batch_size=32,
                                            head="linear"))
    assert discriminative_score(real, other, fast, 5) == discriminative_score(real, other, fast, 5)
    a = predictive_summary(real, other, fast, 99, "test")
    assert a == predictive_summary(real, other, fast, 99, "test")
    assert a.runs[0] != a.runs[1]          # the runs draw different seeds


@pytest.mark.parametrize("hidden_dim", [None, 3])
def test_networks_trained_side_by_side_score_as_each_alone(hidden_dim):
    # the block-diagonal GRU must not let one run's data or gradients reach another's
    real = ar1_windows(300, 10, seed=6)
    others = [ar1_windows(300, 10, seed=7, phi=0.2), ar1_windows(260, 10, seed=8, phi=0.9)]
    fast = ScoreSettings(**REFERENCE | dict(n_runs=1, hidden_dim=hidden_dim,
                                            discriminative_iterations=60,
                                            predictive_iterations=60, batch_size=32,
                                            learning_rate=0.01, head="linear"))
    tasks = [(real, other, seed) for other in others for seed in (1, 2)]
    together = discriminative_scores(tasks, fast)
    assert together == [discriminative_score(r, o, fast, s) for r, o, s in tasks]
    assert len(set(together)) > 1
    together = predictive_scores(tasks, fast)
    assert together == pytest.approx([predictive_score(r, o, fast, s) for r, o, s in tasks],
                                     rel=1e-5)


def test_predictive_pairs_follow_the_timegan_protocol():
    w = np.arange(2 * 4 * 3, dtype=float).reshape(2, 4, 3)
    x, y = next_step_pairs(w)
    np.testing.assert_array_equal(x, w[:, :-1, :2])     # first d-1 features, steps 1..L-1
    np.testing.assert_array_equal(y, w[:, 1:, 2:])      # last feature, steps 2..L
    x1, y1 = next_step_pairs(w[:, :, 0])                 # one feature: its own past
    np.testing.assert_array_equal(x1[..., 0], w[:, :-1, 0])
    np.testing.assert_array_equal(y1[..., 0], w[:, 1:, 0])


def test_summary_mean_and_sample_std():
    s = ScoreSummary((0.1, 0.2, 0.6))
    assert s.mean == pytest.approx(0.3)
    assert s.std == pytest.approx(np.std([0.1, 0.2, 0.6], ddof=1))
    assert ScoreSummary((0.4,)).std == 0.0
    assert s.se == pytest.approx(np.std([0.1, 0.2, 0.6], ddof=1) / np.sqrt(3))
    assert np.isnan(ScoreSummary((0.4,)).se) and ScoreSummary((0.5, 0.5)).se == 0.0


def test_settings_reject_unknown_keys_and_bad_values():
    with pytest.raises(ConfigError, match=r"'evaluation\.stocks\.scores\.iterations_d'"):
        ScoreSettings.from_mapping({**REFERENCE, "iterations_d": 3})
    with pytest.raises(ConfigError, match=r"'evaluation\.stocks\.scores\.head'.*required"):
        ScoreSettings.from_mapping({k: v for k, v in REFERENCE.items() if k != "head"})
    with pytest.raises(ConfigError, match=r"'evaluation\.stocks\.scores\.head'"):
        ScoreSettings.from_mapping(REFERENCE | {"head": "tanh"})
    with pytest.raises(ConfigError, match=r"'evaluation\.stocks\.scores\.test_fraction'"):
        ScoreSettings.from_mapping(REFERENCE | {"test_fraction": 1.0})
    with pytest.raises(DataError, match="differ"):
        discriminative_score(np.zeros((10, 5)), np.zeros((10, 6)), SMALL, 0)

"""Memorisation checks and copy floors on series with known answers: copies of the training
windows are flagged, also with noise at the distance of new data (NNDR), unseen windows of the
same process are not, and copying the training set buys no better held-out score than the
training windows themselves."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from synthvol.config import study_defaults
from synthvol.data.prepare import BlockHoldout, holdout_mask, side_window_starts
from synthvol.errors import DataError
from synthvol.evaluation.markets import simulate_market
from synthvol.evaluation.memorisation import (
    MemorisationReference,
    matched_copies,
    memorises,
    nearest_neighbour_rmse,
    nearest_two_rmse,
    nndr,
)
from synthvol.evaluation.scores import (
    ScoreSettings,
    clearly_lower,
    discriminative_summary,
)

torch.set_num_threads(1)
L = 12


def regime_series(n: int, seed: int, block: int = 100) -> np.ndarray:
    """AR(1) returns whose volatility changes from block to block (a stand-in for markets)."""
    g = np.random.default_rng(seed)
    vol = np.repeat(np.exp(g.normal(0.0, 0.4, -(-n // block))), block)[:n]
    x = np.zeros(n)
    eps = g.standard_normal(n) * vol
    for t in range(1, n):
        x[t] = 0.3 * x[t - 1] + eps[t]
    return 0.1 * x


def split(series: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Training windows, held-out windows and the training windows' starts."""
    held = holdout_mask(len(series), BlockHoldout(100, 0.25), seed)
    train_starts, held_starts = side_window_starts(held, L)
    windows = np.lib.stride_tricks.sliding_window_view(series, L)
    return windows[train_starts], windows[held_starts], train_starts


@pytest.fixture(scope="module")
def data() -> dict[str, np.ndarray]:
    train, heldout, starts = split(regime_series(4000, 1), 2)
    fresh = np.lib.stride_tricks.sliding_window_view(regime_series(1500, 9), L)[::L]
    return {"train": train, "heldout": heldout, "starts": starts, "fresh": fresh}


def reference_of(data: dict[str, np.ndarray]) -> MemorisationReference:
    return MemorisationReference(data["train"], data["heldout"], data["starts"])


def test_nearest_neighbour_rmse_equals_brute_force():
    g = np.random.default_rng(0)
    q, r = g.normal(size=(23, 5, 2)), g.normal(size=(31, 5, 2))
    brute = np.sqrt(((q.reshape(23, 1, 10) - r.reshape(1, 31, 10)) ** 2).mean(axis=2)).min(1)
    np.testing.assert_allclose(nearest_neighbour_rmse(q, r, chunk=7), brute, rtol=1e-12)
    assert nearest_neighbour_rmse(r[:4], r).max() == 0.0


def test_second_neighbour_skips_windows_overlapping_the_nearest():
    g = np.random.default_rng(1)
    q, r = g.normal(size=(19, 4, 2)), g.normal(size=(40, 4, 2))
    starts = np.arange(40)                              # stride-1 windows of length 4
    two = nearest_two_rmse(q, r, starts, 4, chunk=6)
    rmse = np.sqrt(((q.reshape(19, 1, 8) - r.reshape(1, 40, 8)) ** 2).mean(axis=2))
    first = rmse.argmin(1)
    np.testing.assert_allclose(two[:, 0], rmse.min(1), rtol=1e-12)
    apart = np.where(np.abs(starts[None, :] - first[:, None]) < 4, np.inf, rmse)
    np.testing.assert_allclose(two[:, 1], apart.min(1), rtol=1e-12)
    assert (two[:, 1] > two[:, 0]).all()
    np.testing.assert_array_equal(nndr(nearest_two_rmse(r[5:9], r, starts, 4)), 0.0)
    with pytest.raises(DataError, match="second neighbour"):
        nearest_two_rmse(q, r[:5], starts[:5], 4)


def test_copies_are_flagged_and_unseen_windows_are_not(data):
    reference = reference_of(data)
    g = np.random.default_rng(3)
    copies = data["train"][g.integers(0, len(data["train"]), 400)]
    exact = reference.score(copies)
    assert exact.nn_ratio == 0.0 and exact.share_closer_q05 == 1.0
    assert exact.share_nndr_q05 == 1.0 and memorises(exact.to_dict())
    noisy = reference.score(copies + g.normal(0, 0.002, copies.shape))
    assert noisy.nn_ratio < 0.2 and noisy.share_closer_q05 > 0.9
    # held-out windows against themselves: ratio 1, 5% closer than their own 5% quantile
    held = reference.score(data["heldout"])
    assert held.nn_ratio == 1.0 and held.share_closer_q05 == pytest.approx(0.05, abs=0.01)
    # windows of a new path of the same process are as novel as held-out real windows
    fresh = reference.score(data["fresh"])
    assert 0.8 < fresh.nn_ratio < 1.25 and fresh.share_closer_q05 < 0.12
    assert fresh.share_nndr_q05 < 0.12 and not memorises(fresh.to_dict())


@pytest.mark.parametrize("kind", ["garch_t", "sv"])
def test_nndr_flags_noisy_copies_at_the_distance_of_new_windows(kind):
    # the copy floor matched to fresh windows of the true process: as far from the training
    # windows as new data, so the distance checks cannot see it; NNDR does
    market = simulate_market(kind, 20150601, "nndr-test")
    reference = MemorisationReference(market.train.values, market.heldout.values,
                                      market.train.start)
    fresh = market.scaler.transform(market.process.simulate(300, market.train.length,
                                                            np.random.default_rng(4)))
    novel = reference.score(fresh)
    copies = matched_copies(reference, 300, novel.median_nn, (market.train.length,),
                            20150601, "nndr-test")
    copied = reference.score(copies.windows)
    assert copied.nn_ratio == pytest.approx(novel.nn_ratio, rel=2e-3)
    assert copied.share_closer_q05 < 0.5 and copied.nn_ratio > 0.5
    assert novel.share_nndr_q05 < 0.2 and not memorises(novel.to_dict())
    assert copied.share_nndr_q05 > 0.5 and memorises(copied.to_dict())


def test_copy_floor_matches_the_target_distance(data):
    reference = reference_of(data)
    target = 0.8 * reference.heldout_median
    floor = matched_copies(reference, 300, target, (L,), 5, "test")
    assert floor.windows.shape == (300, L)
    assert floor.median_nn == pytest.approx(target, rel=2e-3)
    assert np.median(reference.distances(floor.windows)) == pytest.approx(target, rel=2e-3)
    again = matched_copies(reference, 300, target, (L,), 5, "test")
    np.testing.assert_array_equal(floor.windows, again.windows)
    assert matched_copies(reference, 50, 0.0, (L,), 5, "zero").noise_sd < 1e-9
    with pytest.raises(DataError, match="target"):
        matched_copies(reference, 10, -1.0, (L,), 5)


def test_copies_score_no_better_on_held_out_windows_than_real_train():
    # training blocks calmer than the held-out ones: the training windows are told apart
    series = regime_series(6000, 4)
    held = holdout_mask(len(series), BlockHoldout(100, 0.25), 6)
    series = np.where(held, 1.8 * series, series)
    train_starts, held_starts = side_window_starts(held, L)
    windows = np.lib.stride_tricks.sliding_window_view(series, L)
    train, heldout = windows[train_starts], windows[held_starts]
    copies = train[np.random.default_rng(8).integers(0, len(train), len(train))]
    settings = ScoreSettings(**study_defaults("evaluation.stocks.scores") | dict(
        n_runs=3, hidden_dim=4, discriminative_iterations=150, batch_size=64,
        learning_rate=0.01, head="linear"))

    def heldout_score(source, name):
        return discriminative_summary(heldout, source, settings, 1, name)

    real_train, copied = heldout_score(train, "real_train"), heldout_score(copies, "copies")
    assert real_train.mean > 0.1                       # the reference is not trivially 0
    assert not clearly_lower(copied.mean, copied.se, real_train.mean, real_train.se)


def test_clearly_lower_needs_two_standard_errors():
    assert clearly_lower(0.10, 0.01, 0.20, 0.01)
    assert not clearly_lower(0.10, 0.04, 0.15, 0.04)
    assert not clearly_lower(0.20, 0.0, 0.10, 0.0)
    assert not clearly_lower(0.10, float("nan"), 0.40, 0.01)

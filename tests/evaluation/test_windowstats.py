"""The headline classifier's tail-statistics family: the statistics, its ridge (the primal
path) and the power it adds against Gaussian innovations."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from synthvol.errors import DataError
from synthvol.evaluation.markets import Garch
from synthvol.evaluation.minirocket import RIDGE_GRID, ridge_decision
from synthvol.evaluation.twosample import HeadlineSettings, Windows, headline_test
from synthvol.evaluation.windowstats import N_STATISTICS, tail_statistics


def test_tail_statistics_of_a_known_window_and_invariance_to_scale():
    window = np.array([0.0] * 8 + [2.0, -2.0])          # mean 0, sd sqrt(0.8)
    z = window / np.sqrt(0.8)
    got = tail_statistics(window[None])[0]
    assert got == pytest.approx([np.mean(z ** 4) - 3.0, np.mean(np.abs(z)), np.max(np.abs(z)),
                                 0.2, 0.0], rel=1e-6)
    assert tail_statistics(3.0 * window[None] + 7.0) == pytest.approx(got[None], rel=1e-5)
    both = tail_statistics(np.stack([window, np.ones(10)], axis=1)[None])
    assert both.shape == (1, 2 * N_STATISTICS)
    assert both[0, N_STATISTICS:].tolist() == [-3.0, 0.0, 0.0, 0.0, 0.0]   # a constant channel
    with pytest.raises(DataError, match="tail statistics need windows"):
        tail_statistics(np.zeros(5))


def test_heavy_tails_raise_kurtosis_and_lower_mean_abs_z():
    draws = np.random.default_rng(0)
    normal = tail_statistics(draws.standard_normal((2000, 60)))
    heavy = tail_statistics(draws.standard_t(4, (2000, 60)))
    assert heavy[:, 0].mean() > normal[:, 0].mean() + 0.5
    assert heavy[:, 1].mean() < normal[:, 1].mean() - 0.02
    assert heavy[:, 4].mean() > normal[:, 4].mean()


def test_ridge_with_fewer_features_than_windows_is_ridge_at_the_loo_best_penalty():
    """The primal path (6 features, 60 windows) against ridge refitted without each window."""
    draws = np.random.default_rng(1)
    x, labels = draws.standard_normal((60, 6)), np.r_[np.zeros(30), np.ones(30)]
    x[30:, 0] += 1.0
    y = np.where(labels > 0, 1.0, -1.0)
    xs = (x - x.mean(0)) / x.std(0)

    def fit(rows: np.ndarray, penalty: float) -> tuple[np.ndarray, float]:
        a, b = xs[rows], y[rows]
        centred = a - a.mean(0)
        coef = np.linalg.solve(centred.T @ centred + penalty * np.eye(6),
                               centred.T @ (b - b.mean()))
        return coef, b.mean() - a.mean(0) @ coef

    def loo_error(penalty: float) -> float:
        error = 0.0
        for i in range(60):
            coef, intercept = fit(np.arange(60) != i, penalty)
            error += (y[i] - xs[i] @ coef - intercept) ** 2
        return error

    best = min(RIDGE_GRID * 6, key=loo_error)
    coef, intercept = fit(np.ones(60, bool), best)
    assert ridge_decision(x, labels, x[:5]) == pytest.approx(xs[:5] @ coef + intercept,
                                                             rel=1e-4, abs=1e-5)


def test_tail_family_sees_gaussian_innovations_that_minirocket_misses():
    variance = 1.44e-4
    draws = np.random.default_rng(2)
    t_windows = Garch(0.09, 0.90, 6.5, variance).simulate(600, 60, draws)
    gauss = Garch(0.09, 0.90, None, variance).simulate(600, 60, draws)
    settings = HeadlineSettings(n_features=504, tail_statistics=True, normalise=False,
                                n_folds=3, max_windows=600, bootstrap_block=60, n_bootstrap=50)
    ref, cand = Windows.independent(t_windows / 0.05), Windows.independent(gauss / 0.05)
    with_tails = headline_test(ref, cand, settings, seed=3)
    rocket_only = headline_test(ref, cand, replace(settings, tail_statistics=False), seed=3)
    assert set(with_tails) == {"minirocket", "tails"} and set(rocket_only) == {"minirocket"}
    assert with_tails["minirocket"] == rocket_only["minirocket"]    # the same first family
    assert with_tails["tails"].auc > 0.65 and with_tails["tails"].p_value < 0.05
    assert with_tails["tails"].auc > rocket_only["minirocket"].auc + 0.05

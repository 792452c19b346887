"""SBTS: reproduces a known process, matches its Euler scheme term by term, is seeded
whatever the thread count, the data's alignment or the process, draws long paths in its
Markovian variant."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import numba
import numpy as np
import pytest

import synthvol
from synthvol.config import study_defaults
from synthvol.errors import ConfigError
from synthvol.generators.sbts import _LOG_CUTOFF, SBTS, _bridge_paths, _exp_above_cutoff
from synthvol.seeds import rng

HYPER = study_defaults("generators.models.sbts")

PHI, SIGMA = 0.5, 0.1


def lag1(x: np.ndarray) -> float:
    """Lag-1 autocorrelation pooled over the rows of ``x``."""
    return float(np.corrcoef(x[:, :-1].ravel(), x[:, 1:].ravel())[0, 1])


@pytest.fixture(scope="module")
def ar1_windows() -> np.ndarray:
    """Windows of 30 steps (stride 2) cut from one AR(1) path, phi = 0.5, sd 0.1 noise."""
    r = np.random.default_rng(11)
    x = np.zeros(1000)
    for t in range(1, len(x)):
        x[t] = PHI * x[t - 1] + SIGMA * r.standard_normal()
    return np.lib.stride_tricks.sliding_window_view(x, 30)[::2].copy()


@pytest.fixture(scope="module")
def fitted(ar1_windows: np.ndarray) -> SBTS:
    gen = SBTS.configured(seed=3, **HYPER | dict(bandwidth=0.03, n_substeps=100, markov_order=1))
    gen.fit(ar1_windows)
    return gen


def test_reproduces_ar1(fitted: SBTS, ar1_windows: np.ndarray) -> None:
    # Mean within 0.02, sd within 10% and lag-1 autocorrelation within 0.08 of the training
    # windows (the kernel smooths the conditional mean, which shrinks phi by ~h²/sd²).
    sample = fitted.sample(200)[:, :, 0]
    real = ar1_windows[:, 1:]
    assert sample.shape == (200, 30)
    assert abs(sample.mean() - real.mean()) < 0.02
    assert abs(sample.std() / real.std() - 1) < 0.10
    assert abs(lag1(sample[:, 1:]) - lag1(real)) < 0.08


def test_same_seed_same_samples(ar1_windows: np.ndarray, fitted: SBTS) -> None:
    again = SBTS.configured(seed=3, **HYPER | dict(bandwidth=0.03, n_substeps=100, markov_order=1))
    again.fit(ar1_windows)
    np.testing.assert_array_equal(again.sample(8), fitted.sample(8))
    other = SBTS.configured(seed=4, **HYPER | dict(bandwidth=0.03, n_substeps=100, markov_order=1))
    other.fit(ar1_windows)
    assert not np.allclose(other.sample(8), fitted.sample(8))


def test_long_paths_keep_the_dynamics(fitted: SBTS) -> None:
    # 90 steps from windows of 30: steps past the window reuse the last transition.
    long = fitted.sample(60, 90)[:, :, 0]
    assert long.shape == (60, 90)
    tail = long[:, 30:]
    assert abs(tail.std() / (SIGMA / np.sqrt(1 - PHI**2)) - 1) < 0.15
    assert abs(lag1(tail) - PHI) < 0.12


def test_full_past_variant_cannot_draw_long_paths(ar1_windows: np.ndarray) -> None:
    gen = SBTS.configured(seed=1, **HYPER | dict(n_substeps=5, markov_order=None,
                                                 max_references=50))
    gen.fit(ar1_windows)
    assert not gen.supports_long_paths
    assert gen.sample(3).shape == (3, 30, 1)
    with pytest.raises(ValueError, match="30 steps only"):
        gen.sample(3, 40)


def test_max_references_subsamples(ar1_windows: np.ndarray) -> None:
    gen = SBTS.configured(seed=1, **HYPER | dict(max_references=40))
    report = gen.fit(ar1_windows)
    assert gen.references.shape == (40, 30, 1)
    assert report.history == [{"n_references": 40.0}]


@pytest.mark.parametrize("kwargs", [{"bandwidth": 0.0}, {"n_substeps": 0},
                                    {"markov_order": 0}, {"max_references": 1}])
def test_bad_hyper_parameters_raise(kwargs: dict) -> None:
    (key,) = kwargs
    with pytest.raises(ConfigError,
                       match=rf"^invalid parameter 'generators\.models\.sbts\.{key}'"):
        SBTS.configured(seed=1, **HYPER | kwargs)


def test_markov_order_must_be_below_window(ar1_windows: np.ndarray) -> None:
    with pytest.raises(ConfigError, match="markov_order=30"):
        SBTS.configured(seed=1, **HYPER | dict(markov_order=30)).fit(ar1_windows)


def reference_bridge(refs: np.ndarray, noise: np.ndarray, bandwidth: float,
                     order: int) -> np.ndarray:
    """The module docstring's Euler scheme, term by term in float64 numpy (one path)."""
    n_refs, window, d = refs.shape
    x_all = np.concatenate([np.zeros((n_refs, 1, d)), refs], axis=1)
    dt = 1.0 / window
    n_sub = noise.shape[1]
    delta = dt / n_sub
    path = [np.zeros(d)]
    for i in range(window):
        lags = range(max(1, i - order + 1), i + 1)
        past = sum(((x_all[:, j] - path[j]) ** 2).sum(1) for j in lags) if i else 0.0
        target = x_all[:, i + 1]
        log_w = -past / (2 * bandwidth ** 2) + ((target - path[i]) ** 2).sum(1) / (2 * dt)
        y = path[i].copy()
        for sub in range(n_sub):
            remaining = dt - sub * delta
            logits = log_w - ((target - y) ** 2).sum(1) / (2 * remaining)
            w = np.exp(logits - logits.max())
            drift = (w[:, None] * (target - y)).sum(0) / w.sum() / remaining
            y = y + drift * delta + np.sqrt(delta) * noise[i, sub]
        path.append(y)
    return np.array(path[1:])


@pytest.mark.parametrize("order", [None, 2])
def test_kernel_matches_the_scheme_term_by_term(order) -> None:
    refs = np.random.default_rng(5).uniform(0, 1, (40, 6, 2)).cumsum(1) / 3
    gen = SBTS.configured(seed=2, **HYPER | dict(bandwidth=0.2, n_substeps=10, markov_order=order))
    gen.fit(refs)
    sample = gen.sample(3)
    # the increments the sampler pre-draws
    noise = rng(gen.seed, "sbts", "noise", 3, 6).standard_normal((3, 6, 10, 2))
    for p in range(3):
        expected = reference_bridge(refs, noise[p], 0.2, 6 if order is None else order)
        np.testing.assert_allclose(sample[p], expected, atol=2e-5)


def test_polynomial_exp_is_accurate_and_cut_off() -> None:
    z = np.linspace(-_LOG_CUTOFF + 1e-3, 0, 2001, dtype=np.float32)
    got = np.array([_exp_above_cutoff(np.float32(v)) for v in z], dtype=np.float64)
    np.testing.assert_allclose(got, np.exp(z.astype(np.float64)), rtol=1e-5)
    assert _exp_above_cutoff(np.float32(-_LOG_CUTOFF - 1)) == 0.0


def test_samples_do_not_depend_on_the_thread_count(fitted: SBTS) -> None:
    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = fitted.sample(6)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = fitted.sample(6)
    finally:
        numba.set_num_threads(before)
    np.testing.assert_array_equal(one, two)


@pytest.fixture(scope="module")
def bridge_inputs() -> tuple:
    """Kernel inputs: 300 references (two full blocks of lanes and a partial one) of 6 steps
    in d = 2 with the common start, 10 substeps, 3 paths."""
    r = np.random.default_rng(7)
    refs = np.concatenate([np.zeros((300, 1, 2)), r.uniform(0, 1, (300, 6, 2)).cumsum(1) / 3],
                          axis=1)
    noise = r.standard_normal((3, 6, 10, 2))
    return refs, noise, np.arange(6, dtype=np.int64)


def copy_at_offset(a: np.ndarray, offset: int) -> np.ndarray:
    """``a`` copied into a fresh buffer, starting ``offset`` bytes past a 64-byte boundary."""
    buffer = np.empty(a.nbytes + 128, dtype=np.uint8)
    start = -buffer.ctypes.data % 64 + offset
    out = buffer[start:start + a.nbytes].view(a.dtype).reshape(a.shape)
    out[...] = a
    assert out.ctypes.data % 64 == offset
    return out


def test_kernel_does_not_depend_on_the_inputs_alignment(bridge_inputs: tuple) -> None:
    # Every float64 alignment modulo 64 bytes (an AVX-512 register), bitwise the same result.
    refs, noise, columns = bridge_inputs
    results = {_bridge_paths(copy_at_offset(refs, offset), copy_at_offset(noise, offset),
                             columns, 0.2, 1 / 6, 2).tobytes()
               for offset in range(0, 64, 8)}
    assert len(results) == 1


def test_kernel_sums_are_vectorised_but_never_reassociated(bridge_inputs: tuple) -> None:
    # What makes the order independent of the scratch arrays' alignment too: without
    # ``reassoc`` LLVM must add in the written order, which the lanes make vectorisable.
    options = {k: v for k, v in _bridge_paths.targetoptions.items()
               if k not in ("cache", "parallel", "nopython")}
    assert "reassoc" not in options["fastmath"] and options["fastmath"] is not True
    serial = numba.njit(**options)(_bridge_paths.py_func)   # uncached, so its IR can be read
    refs, noise, columns = bridge_inputs
    np.testing.assert_array_equal(serial(refs, noise, columns, 0.2, 1 / 6, 2),
                                  _bridge_paths(refs, noise, columns, 0.2, 1 / 6, 2))
    ir = serial.inspect_llvm(serial.signatures[0])
    assert not re.search(r"\b(reassoc|fast)\b", ir)
    assert re.search(r"= fadd [a-z ]*<\d+ x float>", ir)   # the lane sums run as vectors


def test_same_samples_in_another_process(fitted: SBTS, ar1_windows: np.ndarray,
                                         tmp_path: Path) -> None:
    # A fresh interpreter with one numba thread: other allocations, other thread count.
    windows, out = tmp_path / "windows.npy", tmp_path / "sample.npy"
    np.save(windows, ar1_windows)
    script = ("import numpy as np; from synthvol.generators.sbts import SBTS; "
              "g = SBTS.configured(seed=3, bandwidth=0.03, n_substeps=100, markov_order=1, "
              "max_references=None); "
              f"g.fit(np.load({str(windows)!r})); np.save({str(out)!r}, g.sample(6))")
    env = {**os.environ, "NUMBA_NUM_THREADS": "1",
           "PYTHONPATH": str(Path(synthvol.__file__).parents[1])}
    subprocess.run([sys.executable, "-c", script], check=True, env=env, timeout=300)
    assert np.load(out).tobytes() == fitted.sample(6).tobytes()

"""MiniRocket features (Dempster, Schmidt & Webb 2021) in numba, and a ridge classifier with
its penalty chosen by exact leave-one-out error: the classifier of the headline two-sample
test (:mod:`.twosample`).

Why our own code: aeon and sktime, which ship MiniRocket, pin pandas < 3.1 and numba < 0.64,
against the project's pandas 3.1.1 and numba 0.68.1. This module follows the reference
implementation (the paper's code, as in sktime's ``MiniRocketMultivariate``):

* 84 kernels of length 9, weights −1 except three of them 2 (every choice of 3 of 9 places);
* dilations ``2^0 … 2^max`` (``(9 − 1)·dilation ≤ L − 1``) spread over at most 32 per kernel,
  ~``n_features`` features in all (rounded down to a multiple of 84);
* biases: quantiles (the golden-ratio sequence) of each kernel's convolution output on one
  random training window, fitted on the training windows only;
* PPV (proportion of positive values) features, padding on alternate kernel/dilation pairs;
* several features (channels): the paper's multivariate variant, each (kernel, dilation) pair
  summing its convolution over a random subset of 1–9 channels (exponentially distributed
  size); with one channel it is univariate MiniRocket exactly.

Nothing is simplified beyond that. The convolutions use the paper's trick: per dilation,
``C = −Σ_k x_k + 3·(x_i + x_j + x_l)`` from shifted copies computed once. The transform runs
in parallel over windows (numba ``prange``; threads from ``numba.set_num_threads``).

The classifier is ridge regression on ±1 labels over standardised features (the paper's
``RidgeClassifierCV``), solved from one eigendecomposition of the Gram matrix (in the dual
when windows are fewer than features, as for MiniRocket's; in the primal otherwise, as for
the few tail statistics of :mod:`.windowstats`), which gives the exact leave-one-out error
of every penalty on the grid at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numba
import numpy as np
from scipy import linalg

from synthvol.errors import DataError
from synthvol.seeds import rng

KERNEL_LENGTH = 9
#: The three places of weight 2 of each of the 84 kernels.
KERNEL_INDICES = np.array(list(combinations(range(KERNEL_LENGTH), 3)), dtype=np.int64)
N_KERNELS = len(KERNEL_INDICES)
MAX_DILATIONS_PER_KERNEL = 32
#: Ridge penalties tried, times the number of features (the trace of the Gram matrix over n).
RIDGE_GRID = np.logspace(-4, 2, 13)


def _dilations(length: int, n_features: int) -> tuple[np.ndarray, np.ndarray]:
    """Dilations and the number of features of each kernel at each (the reference code)."""
    per_kernel = n_features // N_KERNELS
    true_max = min(per_kernel, MAX_DILATIONS_PER_KERNEL)
    multiplier = per_kernel / true_max
    max_exponent = np.log2((length - 1) / (KERNEL_LENGTH - 1))
    dilations, counts = np.unique(
        np.logspace(0, max_exponent, true_max, base=2).astype(np.int64), return_counts=True)
    counts = (counts * multiplier).astype(np.int64)
    remainder = per_kernel - int(counts.sum())
    i = 0
    while remainder > 0:
        counts[i] += 1
        remainder -= 1
        i = (i + 1) % len(counts)
    return dilations, counts


def _quantiles(n: int) -> np.ndarray:
    """The low-discrepancy quantile sequence ``(k·φ) mod 1``, k = 1..n."""
    return (np.arange(1, n + 1) * ((np.sqrt(5.0) + 1.0) / 2.0)) % 1.0


@numba.njit(cache=True)
def _shifted(x: np.ndarray, dilation: int) -> tuple[np.ndarray, np.ndarray]:
    """``alpha = −Σ_k x(t + (k−4)d)`` and ``gamma[k] = 3·x(t + (k−4)d)`` per channel, zero
    outside the window: ``(channels, L)`` and ``(9, channels, L)``."""
    n_channels, length = x.shape
    alpha = np.zeros((n_channels, length))
    gamma = np.zeros((KERNEL_LENGTH, n_channels, length))
    for k in range(KERNEL_LENGTH):
        shift = (k - KERNEL_LENGTH // 2) * dilation
        lo, hi = max(0, -shift), min(length, length - shift)
        for c in range(n_channels):
            for t in range(lo, hi):
                alpha[c, t] -= x[c, t + shift]
                gamma[k, c, t] = 3.0 * x[c, t + shift]
    return alpha, gamma


@numba.njit(cache=True)
def _convolution(alpha: np.ndarray, gamma: np.ndarray, kernel: int,
                 channels: np.ndarray) -> np.ndarray:
    """One kernel's output summed over ``channels``."""
    i0, i1, i2 = KERNEL_INDICES[kernel]
    out = np.zeros(alpha.shape[1])
    for c in channels:
        out += alpha[c] + gamma[i0, c] + gamma[i1, c] + gamma[i2, c]
    return out


@numba.njit(cache=True)
def _fit_biases(x: np.ndarray, examples: np.ndarray, dilations: np.ndarray,
                counts: np.ndarray, n_channels: np.ndarray, channels: np.ndarray,
                quantiles: np.ndarray) -> np.ndarray:
    """Bias of every feature: quantiles of its kernel's output on one training window."""
    biases = np.zeros(int(counts.sum()) * N_KERNELS)
    feature, combination, channel_start = 0, 0, 0
    for d in range(len(dilations)):
        for kernel in range(N_KERNELS):
            example = x[examples[combination]]
            alpha, gamma = _shifted(example, dilations[d])
            chosen = channels[channel_start:channel_start + n_channels[combination]]
            conv = np.sort(_convolution(alpha, gamma, kernel, chosen))
            last = len(conv) - 1
            for f in range(counts[d]):
                pos = quantiles[feature + f] * last
                lo = int(np.floor(pos))
                hi = min(lo + 1, last)
                biases[feature + f] = conv[lo] + (pos - lo) * (conv[hi] - conv[lo])
            feature += counts[d]
            channel_start += n_channels[combination]
            combination += 1
    return biases


@numba.njit(cache=True, parallel=True)
def _transform(x: np.ndarray, dilations: np.ndarray, counts: np.ndarray,
               n_channels: np.ndarray, channels: np.ndarray, biases: np.ndarray) -> np.ndarray:
    """PPV features ``(n, n_features)`` of windows ``x`` ``(n, channels, L)``."""
    n, _, length = x.shape
    out = np.zeros((n, len(biases)), dtype=np.float32)
    for i in numba.prange(n):
        feature, combination, channel_start = 0, 0, 0
        for d in range(len(dilations)):
            alpha, gamma = _shifted(x[i], dilations[d])
            padding = ((KERNEL_LENGTH - 1) * dilations[d]) // 2
            for kernel in range(N_KERNELS):
                chosen = channels[channel_start:channel_start + n_channels[combination]]
                conv = _convolution(alpha, gamma, kernel, chosen)
                lo, hi = (0, length) if (d + kernel) % 2 == 0 else (padding, length - padding)
                for f in range(counts[d]):
                    bias = biases[feature + f]
                    positive = 0
                    for t in range(lo, hi):
                        if conv[t] > bias:
                            positive += 1
                    out[i, feature + f] = positive / (hi - lo)
                feature += counts[d]
                channel_start += n_channels[combination]
                combination += 1
    return out


def as_channels_first(windows: np.ndarray) -> np.ndarray:
    """Windows ``(n, L)`` or ``(n, L, d)`` as contiguous float64 ``(n, d, L)``."""
    arr = np.asarray(windows, dtype=np.float64)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    if arr.ndim != 3 or arr.shape[0] < 1 or arr.shape[1] < KERNEL_LENGTH:
        raise DataError(f"MiniRocket needs windows (n, L >= {KERNEL_LENGTH}[, features]), "
                        f"got {np.shape(windows)}")
    if not np.all(np.isfinite(arr)):
        raise DataError("windows contain NaN or infinite values")
    return np.ascontiguousarray(arr.transpose(0, 2, 1))


@dataclass(frozen=True)
class MiniRocket:
    """A fitted transform: dilations, channel subsets and biases."""

    dilations: np.ndarray
    counts: np.ndarray        # features per kernel at each dilation
    n_channels: np.ndarray    # channels of each (dilation, kernel) combination
    channels: np.ndarray      # their indices, concatenated
    biases: np.ndarray

    @classmethod
    def fit(cls, windows: np.ndarray, n_features: int, seed: int, *keys: object) -> MiniRocket:
        """Fit on training windows ``(n, L[, d])``; random choices from stream ``keys``."""
        x = as_channels_first(windows)
        if n_features < N_KERNELS:
            raise DataError(f"MiniRocket needs at least {N_KERNELS} features, got {n_features}")
        draws = rng(seed, "minirocket", *keys)
        dilations, counts = _dilations(x.shape[2], n_features)
        n_combinations = len(dilations) * N_KERNELS
        d = x.shape[1]
        top = np.log2(min(d, KERNEL_LENGTH) + 1)
        n_channels = (2 ** draws.uniform(0, top, n_combinations)).astype(np.int64)
        channels = np.concatenate([draws.choice(d, k, replace=False) for k in n_channels])
        examples = draws.integers(0, len(x), n_combinations)
        biases = _fit_biases(x, examples, dilations, counts, n_channels,
                             channels.astype(np.int64), _quantiles(int(counts.sum()) * N_KERNELS))
        return cls(dilations, counts, n_channels, channels.astype(np.int64), biases)

    def transform(self, windows: np.ndarray) -> np.ndarray:
        """PPV features ``(n, n_features)`` as float32."""
        return _transform(as_channels_first(windows), self.dilations, self.counts,
                          self.n_channels, self.channels, self.biases)


def ridge_decision(train: np.ndarray, labels: np.ndarray, test: np.ndarray) -> np.ndarray:
    """Decision values on ``test`` of ridge regression of ±1 ``labels`` on standardised
    ``train`` features, its penalty the grid value of least leave-one-out squared error.

    With the centred Gram matrix ``K = U diag(s) Uᵀ`` the fitted values are
    ``U diag(s/(s+λ)) Uᵀ y`` and the hat diagonal ``Σ_j U_ij² s_j/(s_j+λ) + 1/n`` (the
    intercept), so every λ costs O(n·r) after one eigendecomposition: of ``K`` (n × n) when
    there are more features than windows, else of ``XᵀX = V diag(s) Vᵀ`` (p × p) with
    ``U = X V diag(s)^−½`` over its nonzero ``s``.
    """
    x = np.asarray(train, dtype=np.float32)
    y = np.where(np.asarray(labels) > 0, 1.0, -1.0)
    if len(np.unique(y)) < 2:
        raise DataError("the ridge classifier needs windows of both classes to train on")
    mean = x.mean(axis=0)
    sd = x.std(axis=0)
    sd[sd == 0] = 1.0
    xs = (x - mean) / sd
    # single precision halves the eigendecomposition; decisions agree to ~1e-5
    if xs.shape[1] >= len(xs):
        s, u = linalg.eigh(xs @ xs.T, driver="evd", overwrite_a=True, check_finite=False)
        s, u = np.clip(s.astype(np.float64), 0.0, None), u.astype(np.float64)
    else:
        s, v = linalg.eigh(xs.T.astype(np.float64) @ xs, check_finite=False)
        kept = s > s.max() * 1e-10
        s = s[kept]
        u = (xs.astype(np.float64) @ v[:, kept]) / np.sqrt(s)
    y_mean = y.mean()
    uty = u.T @ (y - y_mean)
    u2 = u * u
    n = len(y)
    best, best_error = 0.0, np.inf
    for penalty in RIDGE_GRID * x.shape[1]:
        shrink = s / (s + penalty)
        fitted = u @ (shrink * uty) + y_mean
        hat = u2 @ shrink + 1.0 / n
        error = float(np.sum(((y - fitted) / (1.0 - hat)) ** 2))
        if error < best_error:
            best, best_error = penalty, error
    dual = u @ (uty / (s + best))
    weights = xs.T @ dual.astype(np.float32)
    test_s = (np.asarray(test, dtype=np.float32) - mean) / sd
    return (test_s @ weights).astype(np.float64) + y_mean

"""SBTS: the kernel Schrödinger-bridge time-series generator (Hamdouche, Henry-Labordère
& Pham, 2023, "Generative modeling for time series via Schrödinger bridge", arXiv 2304.05093).

The training windows ``X^m``, ``m = 1..M``, each preceded by a common start point
``X_{t_0} = 0``, are the target law on the time grid ``t_i = i Δ`` (``Δ = 1 / length``).
The bridge solves ``dY_s = a(s, Y) ds + dW_s`` and on ``[t_i, t_{i+1})`` its drift is the
Nadaraya–Watson ratio

    a(s, y) = 1/(t_{i+1} − s) · Σ_m w_m ψ_m(s, y) (X^m_{t_{i+1}} − y) / Σ_m w_m ψ_m(s, y),
    ψ_m(s, y) = exp(|X^m_{t_{i+1}} − Y_{t_i}|² / 2Δ − |X^m_{t_{i+1}} − y|² / 2(t_{i+1} − s)),
    w_m = Π_j K_h(X^m_{t_j} − Y_{t_j}),

with a Gaussian kernel ``K_h`` of bandwidth ``h`` over the observed past: all of it
(``markov_order=None``, the paper's full estimator) or only the last ``K`` points (the
paper's Markovian variant for long series). Each step is integrated by ``N_π`` Euler
substeps. There is no training phase: ``fit`` stores the reference windows.

Implementation choices (named here and in the report):

* the ratio is evaluated in log space with the largest term factored out (a soft-max over
  references), so it never underflows to 0/0 as the official code's products of kernels do
  late in an interval — the official code then sets the drift to zero;
* the soft-max weights of each Euler substep are computed in float32 with a polynomial
  ``exp`` (relative error < 1e-5 on weights), where the bridge is insensitive; the path and
  the per-step terms stay in float64. On the benchmark case the paths are within 1e-7 of an
  all-float64 evaluation (largest difference 5.3e-8 over 20 paths, whole past and K = 5);
* the sums over references are accumulated in ``_LANES`` partial sums folded pairwise, an
  order fixed by the code (never by the compiler, the CPU's vector width or memory
  alignment), so they vectorise and samples are still bitwise the same in every process;
* the Gaussian kernel replaces the official code's compact quartic kernel, as the brief asks;
* Brownian increments are pre-drawn with numpy from :func:`synthvol.seeds.rng`, so samples
  are identical for a seed whatever the number of numba threads;
* long paths (``length`` beyond the training windows, Markovian variant only) assume a
  time-homogeneous Markov chain: steps past the window reuse the transition of the last
  window step, whose references are all the (K+1)-point segments of the training series.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from numba import njit, prange

from synthvol.declare import param
from synthvol.errors import ConfigError
from synthvol.generators.base import Generator
from synthvol.progress import Progress, get_logger
from synthvol.seeds import rng

#: Terms more than this many nats below the largest are skipped (weight < 1e-17).
_LOG_CUTOFF = 40.0
#: Paths per kernel call: one progress line each (enough work per call for the threads).
_PATHS_PER_LOG = 50
#: Partial results per sum (or maximum) over references: reference ``m`` goes to lane
#: ``m mod _LANES`` and :func:`_fold_lanes` combines the lanes, so the order is set by this
#: code alone. A power of two; 128 float32 lanes keep the loops over a block long enough
#: to vectorise well (per reference and substep, 32 lanes took 1.7× and 64 lanes 1.2× the
#: time of 128; 256 were within 10%).
_LANES = 128
#: Start of a running maximum (the most negative float32; logits are finite).
_LOWEST = float(np.finfo(np.float32).min)


# Every fast-math flag but ``reassoc``: LLVM may not reorder a sum, so every sum is added in
# the order written here. With ``reassoc`` the samples differed between processes (found by
# the SLURM-vs-local comparison, and by ``test_same_samples_in_another_process``): LLVM's
# vectorised loops are guarded by run-time checks on where the arrays lie, the scalar
# fallback and the vector loop then add a reassociated sum in different orders, and which
# one runs depends on the allocator (the likely cause). The sums over references vectorise
# all the same, because they are written as element-wise loops over lanes (see
# :func:`_bridge_paths`), which give the same result on either path.
_FASTMATH_KEEP_SUM_ORDER = {"nnan", "ninf", "nsz", "arcp", "contract", "afn"}


@njit(cache=True)
def _past_distance(refs: np.ndarray, path: np.ndarray, m: int, col: int, i: int,
                   lag: int) -> float:
    """Squared distance between reference ``m`` at column ``col - lag`` and ``path[i - lag]``."""
    total = 0.0
    for k in range(path.shape[1]):
        diff = refs[m, col - lag, k] - path[i - lag, k]
        total += diff * diff
    return total


@njit(inline="always", fastmath=_FASTMATH_KEEP_SUM_ORDER, cache=True)
def _exp_above_cutoff(z: np.float32) -> np.float32:
    """float32 ``exp(z)`` for ``z ≤ 0``, 0 below ``−_LOG_CUTOFF``; relative error < 1e-5.

    ``exp(z) = (exp(z / 64))^64`` with a degree-8 Taylor polynomial on ``z / 64 ∈ [−0.63, 0]``
    (remainder < 5e-8 before, and float32 rounding ~4e-6 after the six squarings). Plain
    arithmetic, so the loop over references vectorises (libm's ``exp`` does not).
    """
    r = max(z, np.float32(-_LOG_CUTOFF)) * np.float32(1.0 / 64.0)
    p = np.float32(1.0) + r * np.float32(1.0 / 8.0)
    for k in range(7, 0, -1):
        p = np.float32(1.0) + r * np.float32(1.0 / k) * p
    for _ in range(6):
        p = p * p
    return p if z > np.float32(-_LOG_CUTOFF) else np.float32(0.0)


@njit(inline="always", fastmath=_FASTMATH_KEEP_SUM_ORDER, cache=True)
def _fold_lanes(lanes: np.ndarray, largest: bool) -> np.float32:
    """Sum (or maximum, if ``largest``) of the lanes by halving: the first half of the lanes
    takes in the second, element-wise, until one is left; overwrites ``lanes``."""
    width = len(lanes) // 2
    while width > 0:
        low, high = lanes[:width], lanes[width:2 * width]
        for j in range(width):
            low[j] = max(low[j], high[j]) if largest else low[j] + high[j]
        width //= 2
    return lanes[0]


@njit(parallel=True, cache=True, fastmath=_FASTMATH_KEEP_SUM_ORDER)
def _bridge_paths(refs: np.ndarray, noise: np.ndarray, columns: np.ndarray, bandwidth: float,
                  dt: float, markov_order: int) -> np.ndarray:
    """Euler scheme of the kernel bridge for each path (parallel over generated paths).

    ``refs`` ``(M, L + 1, d)`` reference paths with the common start in column 0;
    ``noise`` ``(n, N, N_π, d)`` standard normal increments; ``columns[i]`` the reference
    column whose transition drives step ``i`` (``i`` itself inside the window).
    Returns ``(n, N, d)`` without the start point.

    Per step, in coordinates centred on the step's start ``Y_{t_i}`` (``u_m = X^m_{t_{i+1}} −
    Y_{t_i}``, ``v = x − Y_{t_i}``), each reference's ``base_m = −past_m / 2h² + |u_m|² / 2Δ``
    is computed once (float64). A substep's logit ``base_m − c |u_m − v|²``,
    ``c = 1 / 2(t_{i+1} − s)``, drops ``c |v|²``, which is the same for every reference and
    cancels in the soft-max: ``base_m − c |u_m|² + 2c u_m·v``, a few multiply-adds.

    A substep runs in float32 (twice the vector width) in two passes over the references,
    block by block of ``_LANES``: the logits and their running maximum per lane; then the
    weights (:func:`_exp_above_cutoff`), their sum and the weighted sums of ``u_m``, each
    accumulated per lane (reference ``m`` into lane ``m mod _LANES``, in increasing ``m``)
    and the lanes folded by :func:`_fold_lanes`. Every loop over a block is element-wise on
    contiguous slices, so LLVM vectorises it without reordering any sum: the order of every
    sum is fixed by this code, not by the compiler, the vector width or the arrays'
    alignment, and samples are bitwise the same in every process. The path is accumulated
    in float64; on the benchmark case the paths differ from an all-float64 evaluation by
    < 1e-7 (min-max units).
    """
    n_paths, n_steps, n_sub, d = noise.shape
    n_refs = refs.shape[0]
    delta = dt / n_sub
    sqrt_delta = np.sqrt(delta)
    inv_2h2 = 0.5 / (bandwidth * bandwidth)
    out = np.zeros((n_paths, n_steps + 1, d))
    for p in prange(n_paths):
        path = out[p]
        path[0, :] = refs[0, 0, :]
        past = np.zeros(n_refs)        # sum of squared kernel distances over the past
        base = np.empty(n_refs, dtype=np.float32)
        norms = np.empty(n_refs, dtype=np.float32)          # |u_m|²
        logits = np.empty(n_refs, dtype=np.float32)
        targets = np.empty((d, n_refs), dtype=np.float32)   # u, feature-major
        pulls = np.empty(d, dtype=np.float32)               # 2c v
        top_lanes = np.empty(_LANES, dtype=np.float32)
        weights = np.empty(_LANES, dtype=np.float32)        # of the current block
        den_lanes = np.empty(_LANES, dtype=np.float32)
        mean_lanes = np.empty((d, _LANES), dtype=np.float32)
        v = np.empty(d)
        for i in range(n_steps):
            col = columns[i]
            for m in range(n_refs):
                if i == 0:
                    past[m] = 0.0
                elif col == i:         # inside the window: add the newest point, drop the oldest
                    past[m] += _past_distance(refs, path, m, col, i, 0)
                    if i > markov_order:
                        past[m] -= _past_distance(refs, path, m, col, i, markov_order)
                else:                  # past the window: the column is fixed, recompute
                    past[m] = 0.0
                    for lag in range(markov_order):
                        past[m] += _past_distance(refs, path, m, col, i, lag)
                jump = 0.0
                for k in range(d):
                    diff = refs[m, col + 1, k] - path[i, k]
                    targets[k, m] = diff
                    jump += diff * diff
                base[m] = -past[m] * inv_2h2 + jump / (2.0 * dt)
                norms[m] = jump
            v[:] = 0.0
            for sub in range(n_sub):
                remaining = dt - sub * delta
                scale = np.float32(0.5 / remaining)
                for k in range(d):
                    pulls[k] = np.float32(v[k] / remaining)
                # Blocks are slices indexed from 0, so LLVM sees unit-stride loops it can
                # vectorise (an index ``start + j`` would go through numba's negative-index
                # wraparound and stay scalar).
                top_lanes[:] = np.float32(_LOWEST)
                for start in range(0, n_refs, _LANES):
                    stop = min(start + _LANES, n_refs)
                    block, block_base, block_norms = (logits[start:stop], base[start:stop],
                                                      norms[start:stop])
                    for j in range(len(block)):
                        block[j] = block_base[j] - scale * block_norms[j]
                    for k in range(d):
                        pull, block_targets = pulls[k], targets[k, start:stop]
                        for j in range(len(block)):
                            block[j] += pull * block_targets[j]
                    for j in range(len(block)):
                        top_lanes[j] = max(top_lanes[j], block[j])
                top = _fold_lanes(top_lanes, True)
                den_lanes[:] = 0.0
                mean_lanes[:] = 0.0
                for start in range(0, n_refs, _LANES):
                    stop = min(start + _LANES, n_refs)
                    block = logits[start:stop]
                    for j in range(len(block)):
                        weights[j] = _exp_above_cutoff(block[j] - top)
                        den_lanes[j] += weights[j]
                    for k in range(d):
                        lanes, block_targets = mean_lanes[k], targets[k, start:stop]
                        for j in range(len(block)):
                            lanes[j] += weights[j] * block_targets[j]
                den = _fold_lanes(den_lanes, False)
                for k in range(d):
                    mean = _fold_lanes(mean_lanes[k], False)
                    v[k] += (mean / den - v[k]) / remaining * delta \
                        + sqrt_delta * noise[p, i, sub, k]
            path[i + 1, :] = path[i] + v
    return out[:, 1:, :]


@dataclass(frozen=True)
class SBTSSettings:
    """SBTS's hyper-parameters (the study's: ``generators.models.sbts`` in params.yaml)."""

    bandwidth: float = param("Gaussian kernel bandwidth h (scaled units)", gt=0)
    n_substeps: int = param("Euler substeps N_pi per time step", ge=1, le=100000, smoke=5)
    markov_order: int | None = param(
        "condition on the last K points (Markovian variant, allows long paths); null = the "
        "whole past", ge=1)
    max_references: int | None = param(
        "training windows used as references (a seeded random subset; the cost is linear in "
        "it); null = all", ge=2, smoke=60)


class SBTS(Generator):
    """Kernel Schrödinger-bridge generator (:class:`SBTSSettings`); see the module docstring
    for the scheme."""

    name = "sbts"
    Settings = SBTSSettings

    def __init__(self, settings: SBTSSettings, seed: int, device: str = "cpu") -> None:
        super().__init__(settings, seed, device)
        self.references: np.ndarray | None = None   # (M, length, d), float64

    @property
    def supports_long_paths(self) -> bool:
        """Long paths need the Markovian variant (a finite ``markov_order``)."""
        return self.settings.markov_order is not None

    def _fit(self, windows: np.ndarray) -> list[dict[str, float]]:
        limit = self.settings.max_references
        refs = windows.astype(np.float64)
        if limit is not None and limit < len(refs):
            keep = np.sort(rng(self.seed, "sbts", "references").choice(len(refs), limit,
                                                                       replace=False))
            refs = refs[keep]
        order = self.settings.markov_order
        if order is not None and order >= refs.shape[1]:
            raise ConfigError(f"generators.models.sbts.markov_order={order} must be below the "
                              f"window length {refs.shape[1]}")
        self.references = np.ascontiguousarray(refs)
        return [{"n_references": float(len(refs))}]

    def _sample(self, n: int, length: int) -> np.ndarray:
        if self.references is None:
            raise RuntimeError("sbts: sample() before fit() or load()")
        n_refs, window, d = self.references.shape
        refs = np.concatenate([np.zeros((n_refs, 1, d)), self.references], axis=1)
        columns = np.minimum(np.arange(length), window - 1).astype(np.int64)
        n_sub = self.settings.n_substeps
        noise = rng(self.seed, "sbts", "noise", n, length).standard_normal(
            (n, length, n_sub, d))
        order = self.settings.markov_order or length
        logger = get_logger("generators")
        if not _bridge_paths.signatures:
            logger.info("compiling numba kernels (SBTS bridge)...")
        progress = Progress("sbts paths", n, every=1)
        out = np.empty((n, length, d))
        for start in range(0, n, _PATHS_PER_LOG):
            stop = min(n, start + _PATHS_PER_LOG)
            out[start:stop] = _bridge_paths(refs, noise[start:stop], columns,
                                            self.settings.bandwidth, 1.0 / window, order)
            progress.update(stop)
        return out

    def state_dict(self) -> dict[str, Any]:
        if self.references is None:
            raise RuntimeError("sbts: state_dict() before fit()")
        return {"references": torch.from_numpy(self.references.copy())}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.references = np.ascontiguousarray(state["references"].cpu().numpy(),
                                               dtype=np.float64)

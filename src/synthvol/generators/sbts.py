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
* the Gaussian kernel replaces the official code's compact quartic kernel, as the brief asks;
* Brownian increments are pre-drawn with numpy from :func:`synthvol.seeds.rng`, so samples
  are identical for a seed whatever the number of numba threads;
* long paths (``length`` beyond the training windows, Markovian variant only) assume a
  time-homogeneous Markov chain: steps past the window reuse the transition of the last
  window step, whose references are all the (K+1)-point segments of the training series.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from numba import njit, prange

from synthvol.errors import ConfigError
from synthvol.generators.base import Generator
from synthvol.seeds import rng

#: Terms more than this many nats below the largest are skipped (weight < 1e-17).
_LOG_CUTOFF = 40.0


@njit(cache=True)
def _past_distance(refs: np.ndarray, path: np.ndarray, m: int, col: int, i: int,
                   lag: int) -> float:
    """Squared distance between reference ``m`` at column ``col - lag`` and ``path[i - lag]``."""
    total = 0.0
    for k in range(path.shape[1]):
        diff = refs[m, col - lag, k] - path[i - lag, k]
        total += diff * diff
    return total


@njit(parallel=True, cache=True, fastmath=True)
def _bridge_paths(refs: np.ndarray, noise: np.ndarray, columns: np.ndarray, bandwidth: float,
                  dt: float, markov_order: int) -> np.ndarray:
    """Euler scheme of the kernel bridge for each path (parallel over generated paths).

    ``refs`` ``(M, L + 1, d)`` reference paths with the common start in column 0;
    ``noise`` ``(n, N, N_π, d)`` standard normal increments; ``columns[i]`` the reference
    column whose transition drives step ``i`` (``i`` itself inside the window).
    Returns ``(n, N, d)`` without the start point.
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
        base = np.empty(n_refs)
        logits = np.empty(n_refs)
        targets = np.empty((d, n_refs))   # feature-major so the loops over m vectorise
        x = np.empty(d)
        num = np.empty(d)
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
                    targets[k, m] = refs[m, col + 1, k]
                    diff = targets[k, m] - path[i, k]
                    jump += diff * diff
                base[m] = -past[m] * inv_2h2 + jump / (2.0 * dt)
            x[:] = path[i]
            for sub in range(n_sub):
                scale = 0.5 / (dt - sub * delta)
                logits[:] = base
                for k in range(d):
                    for m in range(n_refs):
                        diff = targets[k, m] - x[k]
                        logits[m] -= diff * diff * scale
                top = logits.max()
                den = 0.0
                num[:] = 0.0
                for m in range(n_refs):
                    if logits[m] > top - _LOG_CUTOFF:
                        weight = np.exp(logits[m] - top)
                        den += weight
                        for k in range(d):
                            num[k] += weight * (targets[k, m] - x[k])
                remaining = dt - sub * delta
                for k in range(d):
                    x[k] += num[k] / (den * remaining) * delta \
                        + sqrt_delta * noise[p, i, sub, k]
            path[i + 1, :] = x
    return out[:, 1:, :]


class SBTS(Generator):
    """Kernel Schrödinger-bridge generator; see the module docstring for the scheme.

    Parameters
    ----------
    bandwidth : Gaussian kernel bandwidth ``h`` in scaled units.
    n_substeps : Euler substeps ``N_π`` per time step.
    markov_order : condition on the last ``K`` points (Markovian variant, allows long
        paths), or ``None`` for the whole past.
    max_references : use at most this many training windows (a seeded random subset;
        ``None`` = all); the cost is linear in it.
    """

    name = "sbts"

    def __init__(self, seed: int, device: str = "cpu", bandwidth: float = 0.03,
                 n_substeps: int = 100, markov_order: int | None = 5,
                 max_references: int | None = None) -> None:
        if not bandwidth > 0:
            raise ConfigError(f"generators.models.sbts.bandwidth must be > 0, got {bandwidth}")
        if int(n_substeps) < 1:
            raise ConfigError(f"generators.models.sbts.n_substeps must be >= 1, got {n_substeps}")
        if markov_order is not None and int(markov_order) < 1:
            raise ConfigError("generators.models.sbts.markov_order must be >= 1 or null, "
                              f"got {markov_order}")
        if max_references is not None and int(max_references) < 2:
            raise ConfigError("generators.models.sbts.max_references must be >= 2 or null, "
                              f"got {max_references}")
        super().__init__(seed, device, bandwidth=float(bandwidth), n_substeps=int(n_substeps),
                         markov_order=None if markov_order is None else int(markov_order),
                         max_references=None if max_references is None
                         else int(max_references))
        self.references: np.ndarray | None = None   # (M, length, d), float64

    @property
    def supports_long_paths(self) -> bool:
        """Long paths need the Markovian variant (a finite ``markov_order``)."""
        return self.hyper["markov_order"] is not None

    def _fit(self, windows: np.ndarray) -> list[dict[str, float]]:
        limit = self.hyper["max_references"]
        refs = windows.astype(np.float64)
        if limit is not None and limit < len(refs):
            keep = np.sort(rng(self.seed, "sbts", "references").choice(len(refs), limit,
                                                                       replace=False))
            refs = refs[keep]
        order = self.hyper["markov_order"]
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
        n_sub = self.hyper["n_substeps"]
        noise = rng(self.seed, "sbts", "noise", n, length).standard_normal(
            (n, length, n_sub, d))
        order = self.hyper["markov_order"]
        return _bridge_paths(refs, noise, columns, self.hyper["bandwidth"], 1.0 / window,
                             length if order is None else order)

    def state_dict(self) -> dict[str, Any]:
        if self.references is None:
            raise RuntimeError("sbts: state_dict() before fit()")
        return {"references": torch.from_numpy(self.references.copy())}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.references = np.ascontiguousarray(state["references"].cpu().numpy(),
                                               dtype=np.float64)

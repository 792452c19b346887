"""The five MCMC schemes for the basic SV model, as one entry point.

I    single-move random-walk Metropolis for each h_t (Jacquier, Polson & Rossi 1994), the
     step tuned during burn-in until the acceptance rate is in [0.5, 0.85];
II   single-move independence Metropolis-Hastings with the Kim-Shephard-Chib proposal
     (first-order expansion of exp(-h_t));
III  block FFBS on log y_t^2 with log eps_t^2 ~ N(-1.2704, pi^2/2);
IV   block FFBS with the KSC 7-component mixture, indicators drawn every sweep;
V    block FFBS with the Omori et al. (2007) 10-component mixture plus the ASIS
     interweaving step for (mu, tau) (Kastner & Fruehwirth-Schnatter 2014).

Under the paper's priors all five draw (mu, phi, tau^2) from their conjugate full
conditionals given h (:func:`synthvol.sv.kernels.draw_parameters`); under stochvol's
priors by one independence Metropolis-Hastings step
(:func:`synthvol.sv.kernels.draw_parameters_stochvol`). Simplification, as in He & Wang:
schemes III-V sample the posterior of the *approximating* model (one normal or a mixture
for log eps^2) without the importance re-weighting of Kim, Shephard & Chib (its size is
measured by :mod:`synthvol.sv.mixture_error`); I and II sample the exact posterior.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, fields

import numpy as np

from synthvol.errors import ConfigError, DataError
from synthvol.sv import kernels
from synthvol.sv.model import (
    SCHEMES,
    Priors,
    StochvolPriors,
    Tuning,
    log_squared,
    mixture_for,
)

PARAMETER_NAMES = ("mu", "phi", "tau2")

_FAMILIES = {Priors: kernels.PAPER_PRIOR, StochvolPriors: kernels.STOCHVOL_PRIOR}

_CODES = {"I": kernels.RW_METROPOLIS, "II": kernels.INDEPENDENCE_MH, "III": kernels.BLOCK_FFBS,
          "IV": kernels.BLOCK_FFBS, "V": kernels.BLOCK_FFBS}


@dataclass
class SamplerResult:
    """Kept draws of one scheme on one series, all chains.

    ``params`` maps mu, phi, tau2 to (chains, draws) arrays; ``states`` holds h at
    ``state_index`` as (chains, draws, k); ``acceptance`` is the per-chain acceptance
    rate of the h moves (I, II) or of the ASIS step (V), 1 for exact Gibbs blocks;
    ``seconds`` is the wall time of the whole run (all chains, burn-in included).
    """

    scheme: str
    params: dict[str, np.ndarray]
    states: np.ndarray
    state_index: np.ndarray
    acceptance: np.ndarray
    steps: np.ndarray
    seconds: float
    n_burn: int
    draws_per_second: float = field(init=False)

    def __post_init__(self) -> None:
        chains, keep = self.params["mu"].shape
        self.draws_per_second = chains * (keep + self.n_burn) / self.seconds


def warm_up() -> None:
    """Compile (or load from cache) the kernels, so that no timed run pays for it.

    Any valid hyper-parameters compile the same kernels: unit ones, here.
    """
    y = np.linspace(-1.0, 1.0, 10)
    inits = np.array([[0.0, 0.5, 0.1], [0.0, 0.9, 0.2]])
    tuning = Tuning(accept_low=0.5, accept_high=1.0, every=1)
    for family in (Priors, StochvolPriors):
        priors = family(**{f.name: 1.0 for f in fields(family)})
        for scheme in SCHEMES:
            run_sampler(y, scheme, priors, inits, 2, 10, 0, state_index=None, tuning=tuning,
                        log_offset=1.0)


def run_sampler(y: np.ndarray, scheme: str, priors: Priors | StochvolPriors, inits: np.ndarray,
                n_burn: int, n_keep: int, seed: int, *, state_index: Sequence[int] | None,
                tuning: Tuning, log_offset: float) -> SamplerResult:
    """Run ``len(inits)`` chains of ``scheme`` on returns ``y``.

    ``inits`` is a (chains, 3) array of starting (mu, phi, tau2); ``state_index`` lists
    the states h_t (0..n) whose draws are kept (None: h_n). ``log_offset`` sets the
    offset in log(y^2 + c) of the block schemes (see :func:`synthvol.sv.model.log_squared`).
    ``priors`` is either family (:class:`Priors`, :class:`StochvolPriors`); ``seed``
    seeds the one PCG64 generator all chains draw from.
    """
    if scheme not in SCHEMES:
        raise ConfigError(f"sv.schemes: unknown scheme {scheme!r} (known: {', '.join(SCHEMES)})")
    y = np.ascontiguousarray(y, dtype=np.float64)
    if y.ndim != 1 or y.size < 2 or not np.all(np.isfinite(y)):
        raise DataError("sv: returns must be a finite 1-d series of at least 2 values")
    inits = np.ascontiguousarray(inits, dtype=np.float64)
    if inits.ndim != 2 or inits.shape[1] != 3 or np.any(np.abs(inits[:, 1]) >= 1) \
            or np.any(inits[:, 2] <= 0):
        raise ConfigError("sv.init: starting points must be (mu, |phi| < 1, tau2 > 0) rows")
    n = y.size
    index = np.array([n] if state_index is None else state_index, dtype=np.int64)
    if np.any(index < 0) or np.any(index > n):
        raise ConfigError(f"sv.state_index: states must lie in 0..{n}")
    code = _CODES[scheme]
    if code == kernels.BLOCK_FFBS:
        mixture = mixture_for(scheme)
        ystar = log_squared(y, log_offset)
    else:
        mixture = mixture_for("III")   # unused by the single-site kernels
        ystar = y
    start = time.perf_counter()
    params, states, acceptance, steps = kernels.run_chains(
        code, scheme == "V", _FAMILIES[type(priors)], y, ystar, mixture.weights,
        mixture.means, mixture.variances, priors.as_array(), inits, int(n_burn), int(n_keep),
        index, np.random.default_rng(int(seed)), int(tuning.every), float(tuning.accept_low),
        float(tuning.accept_high))
    seconds = time.perf_counter() - start
    return SamplerResult(
        scheme=scheme,
        params={name: params[:, :, i] for i, name in enumerate(PARAMETER_NAMES)},
        states=states, state_index=index, acceptance=acceptance, steps=steps,
        seconds=seconds, n_burn=int(n_burn))

"""The error of the mixture approximation itself (beyond the paper).

Schemes IV and V sample the posterior of the *auxiliary* model in which log eps_t^2 is a
normal mixture; the exact model has log eps_t^2 ~ log chi^2_1. Following Kim, Shephard &
Chib (1998, sec. 3.4), V's draws are re-weighted to the exact posterior with importance
weights

    w = prod_t f(ystar_t - h_t) / f_mix(ystar_t - h_t),  f(x) = exp((x - e^x)/2) / sqrt(2 pi),

the log chi^2_1 density over the mixture's. Each posterior mean is then estimated twice
from the same long chains, plain (mixture posterior) and weighted (exact posterior); their
difference is the approximation's error. Its Monte Carlo error comes from batch means:
every chain is cut into ``batches`` consecutive batches, the difference is computed in each,
and MC error = sd(batch differences) / sqrt(number of batches).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from synthvol.io import write_csv
from synthvol.progress import Progress, get_logger
from synthvol.seeds import derive_seed
from synthvol.sv.design import MixtureErrorStudy, simulate_replication
from synthvol.sv.model import Mixture, log_squared, mixture_for
from synthvol.sv.samplers import run_sampler, warm_up

logger = get_logger("sv.mixture_error")


def log_importance_weights(ystar: np.ndarray, states: np.ndarray, mixture: Mixture
                           ) -> np.ndarray:
    """log w per draw; ``states`` is (draws, n) holding h_1..h_n of each draw."""
    from synthvol.sv import kernels

    return kernels.log_importance_weights(
        np.ascontiguousarray(ystar, dtype=np.float64),
        np.ascontiguousarray(states, dtype=np.float64), mixture.weights, mixture.means,
        mixture.variances)


def reweighted_differences(quantities: Mapping[str, np.ndarray], log_w: np.ndarray,
                           batches: int) -> pd.DataFrame:
    """Plain vs weighted posterior means from (chains, draws) arrays and (chains, draws)
    log weights, with batch-means MC errors of their difference."""
    chains, draws = log_w.shape
    size = draws // batches
    rows = []
    for name, values in quantities.items():
        plain = float(values.mean())
        w = np.exp(log_w - log_w.max())
        exact = float((w * values).sum() / w.sum())
        diffs = []
        for c in range(chains):
            for b in range(batches):
                part = slice(b * size, (b + 1) * size)
                wb, vb = w[c, part], values[c, part]
                diffs.append((wb * vb).sum() / wb.sum() - vb.mean())
        mc_error = float(np.std(diffs, ddof=1) / np.sqrt(len(diffs)))
        sd = float(values.std(ddof=1))
        rows.append({"parameter": name, "mixture_mean": plain, "exact_mean": exact,
                     "difference": exact - plain, "mc_error": mc_error,
                     "z": (exact - plain) / mc_error, "difference_in_sd": (exact - plain) / sd})
    return pd.DataFrame(rows)


def mixture_error(design: MixtureErrorStudy, seed: int, out_csv: str) -> None:
    """For every setting, long chains of ``sv.mixture_error.scheme`` on the study's
    replication ``sv.mixture_error.replication``, re-weighted to the exact posterior."""
    check = design.mixture_error
    mixture = mixture_for(check.scheme)
    inits = design.starting_points()
    settings = list(design.settings.values())
    logger.info("compiling numba kernels... (first call; cached afterwards)")
    warm_up()
    frames = []
    progress = Progress("sv mixture error", len(settings) * check.n_chains, every=1,
                        logger=logger)
    step = 0
    for setting in settings:
        y, _ = simulate_replication(seed, setting, check.replication)
        ystar = log_squared(y, design.log_offset)
        state = design.tracked_state(setting)
        log_w, values = [], {"mu": [], "phi": [], "tau2": [], "h_T": []}
        for c in range(check.n_chains):
            result = run_sampler(
                y, check.scheme, design.prior.selected, inits[c % len(inits)][None, :],
                check.n_burn, check.n_keep,
                derive_seed(seed, "sv", "mixture_error", setting.name, c),
                state_index=np.arange(1, setting.n + 1), **design.sampler_options())
            log_w.append(log_importance_weights(ystar, result.states[0], mixture))
            for name in ("mu", "phi", "tau2"):
                values[name].append(result.params[name][0])
            values["h_T"].append(result.states[0, :, state - 1])
            step += 1
            progress.update(step, seconds=result.seconds)
        log_w_all = np.array(log_w)
        w = np.exp(log_w_all - log_w_all.max())
        frame = reweighted_differences({k: np.array(v) for k, v in values.items()},
                                       log_w_all, check.batches)
        frame.insert(0, "setting", setting.name)
        frame.insert(1, "setting_label", setting.label)
        frame.insert(2, "scheme", check.scheme)
        frame["weights_ess_share"] = float(w.sum() ** 2 / (w**2).sum() / w.size)
        frame["draws"] = int(w.size)
        frames.append(frame)
    write_csv(pd.concat(frames, ignore_index=True), out_csv)

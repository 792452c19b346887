"""MCMC diagnostics: autocorrelation, inefficiency factor, ESS, MC error, Gelman-Rubin.

The inefficiency factor is IF = 1 + 2 sum_k rho_k, with the multi-chain autocorrelations
(Gelman et al., BDA3 sec. 11.5) of the split chains (each chain halved), truncated by
Geyer's (1992) initial monotone sequence: pairs rho_{2m} + rho_{2m+1} are summed while
positive and forced to be non-increasing. ESS = (chains x draws) / IF and MC error = sd /
sqrt(ESS); this is the Stan/ArviZ ``ess(method="mean")`` estimator, which the tests check
against ArviZ.
Gelman-Rubin R-hat is the classic (unsplit) one from m chains of n draws:
B = n var(chain means), W = mean within-chain variance,
R-hat = sqrt(((n - 1)/n W + B/n) / W).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from synthvol.errors import DataError


def _as_chains(draws: np.ndarray) -> np.ndarray:
    chains = np.atleast_2d(np.asarray(draws, dtype=np.float64))
    if chains.ndim != 2 or chains.shape[1] < 4:
        raise DataError("sv diagnostics: draws must be (chains, draws) with at least 4 draws")
    return chains


def _autocovariance(chains: np.ndarray) -> np.ndarray:
    """Biased autocovariance of each chain at lags 0..n-1, by FFT."""
    n = chains.shape[1]
    centred = chains - chains.mean(axis=1, keepdims=True)
    size = 1 << (2 * n - 1).bit_length()
    spectrum = np.fft.rfft(centred, size, axis=1)
    return np.fft.irfft(spectrum * np.conj(spectrum), size, axis=1)[:, :n] / n


def autocorrelation(draws: np.ndarray, max_lag: int) -> np.ndarray:
    """Sample ACF at lags 0..max_lag of each chain, averaged over chains."""
    chains = _as_chains(draws)
    acov = _autocovariance(chains)[:, : max_lag + 1]
    with np.errstate(invalid="ignore", divide="ignore"):
        acf = acov / acov[:, :1]
    return np.nanmean(acf, axis=0)


def _split(chains: np.ndarray) -> np.ndarray:
    """Each chain cut into two halves (an odd last draw dropped), as Stan and ArviZ do,
    so that a trend within a chain counts as between-chain variance."""
    half = chains.shape[1] // 2
    return np.vstack([chains[:, :half], chains[:, half: 2 * half]])


def inefficiency_factor(draws: np.ndarray) -> float:
    """IF = 1 + 2 sum rho_k over the split chains, truncated by Geyer's initial monotone
    sequence."""
    chains = _split(_as_chains(draws))
    n_chains, n = chains.shape
    total = n_chains * n
    if np.ptp(chains) < np.finfo(float).resolution:
        return 1.0
    acov = _autocovariance(chains)
    mean_acov = acov.mean(axis=0)
    within = mean_acov[0] * n / (n - 1.0)
    var_plus = within * (n - 1.0) / n
    if n_chains > 1:
        var_plus += np.var(chains.mean(axis=1), ddof=1)
    rho = 1.0 - (within - mean_acov) / var_plus
    kept = np.zeros(n)
    kept[0] = 1.0
    kept[1] = rho[1]
    even, odd = 1.0, rho[1]
    # Initial positive sequence: keep pairs (rho_t, rho_t+1) while their sum is positive.
    t = 1
    while t < n - 3 and even + odd > 0.0:
        even, odd = rho[t + 1], rho[t + 2]
        if even + odd >= 0.0:
            kept[t + 1], kept[t + 2] = even, odd
        t += 2
    last = t - 2
    if even > 0.0:
        kept[last + 1] = even
    # Initial monotone sequence: the pair sums may not increase.
    t = 1
    while t <= last - 2:
        if kept[t + 1] + kept[t + 2] > kept[t - 1] + kept[t]:
            kept[t + 1] = kept[t + 2] = 0.5 * (kept[t - 1] + kept[t])
        t += 2
    tau = -1.0 + 2.0 * kept[: last + 1].sum() + kept[last + 1: last + 2].sum()
    return float(max(tau, 1.0 / np.log10(total)))


def effective_sample_size(draws: np.ndarray) -> float:
    """ESS = chains x draws / IF."""
    chains = _as_chains(draws)
    return 2 * (chains.shape[1] // 2) * chains.shape[0] / inefficiency_factor(chains)


@dataclass(frozen=True)
class GelmanRubin:
    """Gelman-Rubin diagnostic with its between- (B) and within-chain (W) variances."""

    rhat: float
    between: float
    within: float


def gelman_rubin(draws: np.ndarray) -> GelmanRubin:
    """Classic R-hat from >= 2 chains started at dispersed points."""
    chains = _as_chains(draws)
    m, n = chains.shape
    if m < 2:
        raise DataError("sv diagnostics: Gelman-Rubin needs at least 2 chains")
    between = n * np.var(chains.mean(axis=1), ddof=1)
    within = float(np.mean(np.var(chains, axis=1, ddof=1)))
    pooled = (n - 1.0) / n * within + between / n
    rhat = float(np.sqrt(pooled / within)) if within > 0 else float("nan")
    return GelmanRubin(rhat=rhat, between=float(between), within=within)


def monte_carlo_error(draws: np.ndarray) -> float:
    """MC standard error of the posterior mean: sd / sqrt(ESS)."""
    chains = _as_chains(draws)
    return float(np.std(chains, ddof=1) / np.sqrt(effective_sample_size(chains)))

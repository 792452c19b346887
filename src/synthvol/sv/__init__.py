"""Bayesian estimation of the basic stochastic-volatility model by MCMC.

Reproduces and extends He & Wang (2015), "On the efficiency of Bayesian estimation of
stochastic volatility models": four samplers for (mu, phi, tau^2, h) plus the
Omori et al. (2007) mixture with ancillarity-sufficiency interweaving (Kastner &
Fruehwirth-Schnatter 2014), their diagnostics, the Monte Carlo study and a real-data fit.
"""

from synthvol.sv.diagnostics import (
    autocorrelation,
    effective_sample_size,
    gelman_rubin,
    inefficiency_factor,
)
from synthvol.sv.model import SCHEMES, Priors, StochvolPriors, simulate_sv


def __getattr__(name: str):
    """The samplers import numba: load them on first use, so that parsing the Snakefile
    (which reads :mod:`synthvol.sv.design`) does not."""
    if name in ("SamplerResult", "run_sampler"):
        from synthvol.sv import samplers
        return getattr(samplers, name)
    raise AttributeError(f"module 'synthvol.sv' has no attribute {name!r}")


__all__ = [
    "SCHEMES",
    "Priors",
    "SamplerResult",
    "StochvolPriors",
    "autocorrelation",
    "effective_sample_size",
    "gelman_rubin",
    "inefficiency_factor",
    "run_sampler",
    "simulate_sv",
]

"""The basic SV model, its priors, the log-chi-square mixtures and a simulator.

Model: y_t = exp(h_t / 2) eps_t,  h_t = mu + phi (h_{t-1} - mu) + tau eta_t,  t = 1..n,
with eps_t, eta_t independent standard normals and |phi| < 1.

Two prior families (``sv.prior.family``):

- ``paper`` (default; He & Wang's conditionally conjugate set-up): mu ~ N(mu_mean, mu_var),
  phi ~ N(phi_mean, phi_var) truncated to |phi| < 1, tau^2 ~ IG(tau2_shape, tau2_scale),
  and h_0 ~ N(h0_mean, h0_var) independent of the parameters, so that the full
  conditionals of mu, phi and tau^2 given h are normal, truncated normal and inverse gamma.
- ``stochvol`` (R stochvol's, Kastner 2016): mu ~ N(mu_mean, mu_var),
  (phi + 1)/2 ~ Beta(phi_a, phi_b), tau^2 ~ Gamma(1/2, rate 1/(2 sigma2_scale)) (i.e.
  sigma2_scale * chi^2_1), h_0 ~ N(mu, tau^2 / (1 - phi^2)), so that a posterior here can
  be compared with stochvol's directly. Note stochvol's ``priormu = c(m, s)`` is a mean
  and a standard deviation: mu_var = s^2.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from synthvol import registry
from synthvol.declare import param
from synthvol.errors import ConfigError

#: The schemes of the study (I-IV from He & Wang (2015), V beyond the paper): their names
#: and descriptions, from :data:`synthvol.registry.SV_SCHEMES`.
SCHEMES: dict[str, str] = {name: e.description for name, e in registry.SV_SCHEMES.items()}

#: E[log chi^2_1] = digamma(1/2) + log 2 and Var[log chi^2_1] = pi^2 / 2.
LOG_CHI2_MEAN = -1.2704
LOG_CHI2_VAR = float(np.pi**2 / 2)

#: Kim, Shephard & Chib (1998) 7-component mixture (q_j, m_j, v_j^2); component means
#: are m_j - 1.2704.
KSC_MIXTURE = np.array([
    [0.00730, -10.12999, 5.79596],
    [0.10556, -3.97281, 2.61369],
    [0.00002, -8.56686, 5.17950],
    [0.04395, 2.77786, 0.16735],
    [0.34001, 0.61942, 0.64009],
    [0.24566, 1.79518, 0.34023],
    [0.25750, -1.08819, 1.26261],
])

#: Omori, Chib, Shephard & Nakajima (2007) 10-component mixture (p_j, m_j, v_j^2) of
#: log eps^2 itself (means not shifted).
OMORI_MIXTURE = np.array([
    [0.00609, 1.92677, 0.11265],
    [0.04775, 1.34744, 0.17788],
    [0.13057, 0.73504, 0.26768],
    [0.20674, 0.02266, 0.40611],
    [0.22715, -0.85173, 0.62699],
    [0.18842, -1.97278, 0.98583],
    [0.12047, -3.46788, 1.57469],
    [0.05591, -5.55246, 2.54498],
    [0.01575, -8.68384, 4.16591],
    [0.00115, -14.65000, 7.33342],
])


@dataclass(frozen=True)
class Mixture:
    """A normal mixture approximating the law of log eps_t^2."""

    weights: np.ndarray
    means: np.ndarray
    variances: np.ndarray

    @property
    def mean(self) -> float:
        return float(self.weights @ self.means)

    @property
    def variance(self) -> float:
        second = self.weights @ (self.variances + self.means**2)
        return float(second - self.mean**2)


def mixture_for(scheme: str) -> Mixture:
    """The log eps^2 approximation a block scheme uses (III: one normal, IV: KSC, V: Omori)."""
    if scheme == "III":
        return Mixture(np.ones(1), np.array([LOG_CHI2_MEAN]), np.array([LOG_CHI2_VAR]))
    if scheme == "IV":
        return Mixture(KSC_MIXTURE[:, 0].copy(), KSC_MIXTURE[:, 1] + LOG_CHI2_MEAN,
                       KSC_MIXTURE[:, 2].copy())
    if scheme == "V":
        return Mixture(OMORI_MIXTURE[:, 0].copy(), OMORI_MIXTURE[:, 1].copy(),
                       OMORI_MIXTURE[:, 2].copy())
    raise ConfigError(f"sv.schemes: scheme {scheme!r} has no mixture (block schemes: III, IV, V)")


class _KernelParams:
    """Hyper-parameters the compiled kernels read as one float array."""

    def as_array(self) -> np.ndarray:
        """The hyper-parameters in field order, as the compiled kernels read them."""
        return np.array(list(asdict(self).values()), dtype=np.float64)


@dataclass(frozen=True)
class Priors(_KernelParams):
    """Prior hyper-parameters of the paper family (see the module docstring): the top-level
    keys of ``sv.prior`` in params.yaml."""

    mu_mean: float = param("mean of mu's normal prior")
    mu_var: float = param("variance of mu's normal prior", gt=0)
    phi_mean: float = param("mean of phi's normal prior (truncated to |phi| < 1)")
    phi_var: float = param("variance of phi's normal prior", gt=0)
    tau2_shape: float = param("shape of tau^2's inverse-gamma prior", gt=0)
    tau2_scale: float = param("scale of tau^2's inverse-gamma prior", gt=0)
    h0_mean: float = param("mean of h_0's normal prior (independent of the parameters)")
    h0_var: float = param("variance of h_0's normal prior", gt=0)


@dataclass(frozen=True)
class StochvolPriors(_KernelParams):
    """Prior hyper-parameters of R stochvol's family: ``sv.prior.stochvol`` in params.yaml
    (svsample's defaults)."""

    mu_mean: float = param("mean of mu's normal prior (stochvol's priormu[1])")
    mu_var: float = param("variance of mu's normal prior (stochvol's priormu[2] squared)",
                          gt=0)
    phi_a: float = param("first Beta parameter of (phi + 1)/2 (priorphi[1])", gt=0)
    phi_b: float = param("second Beta parameter of (phi + 1)/2 (priorphi[2])", gt=0)
    sigma2_scale: float = param("tau^2 ~ sigma2_scale * chi^2_1 (priorsigma)", gt=0)


@dataclass(frozen=True)
class Tuning:
    """Random-walk tuning of scheme I (``sv.tuning``): the step is tuned during burn-in
    until the acceptance rate is in [accept_low, accept_high]."""

    accept_low: float = param("lower end of the target acceptance band", gt=0, lt=1)
    accept_high: float = param("upper end of the target acceptance band", gt=0, lt=1)
    every: int = param("sweeps between adaptations", ge=1)


def simulate_sv(n: int, mu: float, phi: float, tau2: float, h0: float,
                generator: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Simulate y_1..n and h_0..n (h_0 given) from the basic SV model."""
    if n < 2:
        raise ConfigError(f"sv.truth.n: need at least 2 observations, got {n}")
    eta = generator.standard_normal(n)
    eps = generator.standard_normal(n)
    h = np.empty(n + 1)
    h[0] = h0
    tau = np.sqrt(tau2)
    for t in range(1, n + 1):
        h[t] = mu + phi * (h[t - 1] - mu) + tau * eta[t - 1]
    return np.exp(h[1:] / 2) * eps, h


def log_squared(y: np.ndarray, offset_fraction: float) -> np.ndarray:
    """log(y_t^2 + c) with c = (offset_fraction * sd(y))^2.

    The offset keeps log y_t^2 finite when a return is exactly zero (price unchanged); at
    the default 1e-4 it moves no non-zero observation's log square by more than a tiny
    amount. Only the block schemes (III-V) use log y^2; I and II use y itself.
    """
    scale = float(np.std(y)) or 1.0
    return np.log(y**2 + (offset_fraction * scale) ** 2)

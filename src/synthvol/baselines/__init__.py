"""Classical baselines fitted to the training returns: AR(p), GARCH(p, q) and fractional
Brownian motion. Each fits, forecasts with intervals and simulates sample paths in the
shared sample format (:mod:`synthvol.samples`)."""

from synthvol.baselines.ar import ARBaseline, fit_ar
from synthvol.baselines.fbm import FBMBaseline, fbm_autocovariance, fgn, fit_fbm
from synthvol.baselines.garch import GARCHBaseline, fit_garch
from synthvol.baselines.hurst import hurst_dfa, hurst_rs

__all__ = ["ARBaseline", "FBMBaseline", "GARCHBaseline", "fbm_autocovariance", "fgn", "fit_ar",
           "fit_fbm", "fit_garch", "hurst_dfa", "hurst_rs"]

"""synthvol: a reproducible study of synthetic financial series, stochastic-volatility
MCMC efficiency and growth-curve forecast adequacy.

Subpackages, one per part of the study:

- :mod:`synthvol.data` — loading, validating and preparing a daily price series;
- :mod:`synthvol.baselines` — AR, GARCH and fractional Brownian motion baselines;
- :mod:`synthvol.generators` — SBTS, TimeGAN, diffusion, CVAE and LSTM-attention generators;
- :mod:`synthvol.evaluation` — real-vs-synthetic comparison and scores;
- :mod:`synthvol.sv` — stochastic-volatility MCMC schemes and diagnostics;
- :mod:`synthvol.forecast` — growth curves, adaptive forecasts, adequacy and accuracy;
- :mod:`synthvol.report` — the self-contained HTML report.
"""

__version__ = "0.1.0"

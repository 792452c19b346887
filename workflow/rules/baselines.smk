# Baselines: AR(p), GARCH(p,q) and fractional Brownian motion, fitted to the training returns.

"""Forecast adequacy (Dubrova ch. 4-5): growth curves and adaptive methods, interval
forecasts, residual adequacy tests (turning points, RS, Durbin-Watson with exact p-values)
and accuracy measures on a held-out tail."""

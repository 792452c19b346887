"""Compiled recursions of the additive-error ETS models (numba).

For ETS(A,Ad,N) — ANN and AAN are the cases β = 0, φ = 1 — the one-step error is

    e_t = y_t − (l_{t−1} + φ b_{t−1}),   l_t = l_{t−1} + φ b_{t−1} + α e_t,
    b_t = φ b_{t−1} + β e_t.

The recursion is linear in (y, l_0, b_0), so e = e(y; 0, 0) + E x_0 with E the errors of
the zero series started from the unit states. For given smoothing parameters the initial
states that minimise Σe_t² are therefore a 2×2 least-squares solution: the kernels return
the profiled sum of squares and those states.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def ets_filter(y, alpha, beta, phi, level, trend):
    """One-step errors e_t of ETS(A,Ad,N) from initial states, and the final states."""
    e = np.empty(y.size)
    for t in range(y.size):
        forecast = level + phi * trend
        e[t] = y[t] - forecast
        level = forecast + alpha * e[t]
        trend = phi * trend + beta * e[t]
    return e, level, trend


@njit(cache=True)
def profile_sse(y, alpha, beta, phi, has_trend):
    """Σe_t² minimised over the initial states, and those states, for each parameter row.

    ``alpha``, ``beta``, ``phi``: arrays of equal length (one candidate per element).
    Returns (sse, level0, trend0) arrays.
    """
    m = alpha.size
    sse = np.empty(m)
    level0 = np.empty(m)
    trend0 = np.empty(m)
    for i in range(m):
        a, b, p = alpha[i], beta[i], phi[i]
        ey = ets_filter(y, a, b, p, 0.0, 0.0)[0]
        el = ets_filter(np.zeros(y.size), a, b, p, 1.0, 0.0)[0]
        if has_trend:
            eb = ets_filter(np.zeros(y.size), a, b, p, 0.0, 1.0)[0]
        else:
            eb = np.zeros(y.size)
        a11, a12, a22 = np.dot(el, el), np.dot(el, eb), np.dot(eb, eb)
        c1, c2 = np.dot(el, ey), np.dot(eb, ey)
        det = a11 * a22 - a12 * a12
        if has_trend and det > 1e-12 * (a11 * a22 + 1e-300):
            x1 = -(a22 * c1 - a12 * c2) / det
            x2 = -(a11 * c2 - a12 * c1) / det
        else:
            x1 = -c1 / a11
            x2 = 0.0
        level0[i], trend0[i] = x1, x2
        sse[i] = np.sum((ey + x1 * el + x2 * eb) ** 2)
    return sse, level0, trend0

"""Compiled MCMC kernels for the basic SV model (numba, scalar recursions).

All random numbers are drawn inside numba after ``np.random.seed(seed)`` in the compiled
entry point, so one seed fixes every chain of one call. Arrays are allocated once per
call; the sweeps themselves allocate nothing.

Indexing: ``h[0]`` is the initial state h_0 and ``h[t]`` (t = 1..n) goes with ``y[t - 1]``.
The prior vector is (mu_mean, mu_var, phi_mean, phi_var, tau2_shape, tau2_scale,
h0_mean, h0_var), as :meth:`synthvol.sv.model.Priors.as_array` builds it.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

#: Scheme codes of the compiled kernels.
RW_METROPOLIS, INDEPENDENCE_MH, BLOCK_FFBS = 1, 2, 3


@njit(cache=True)
def _tail_normal(lower: float) -> float:
    """A standard normal draw conditioned on Z > lower, lower > 0 (Robert 1995)."""
    alpha = 0.5 * (lower + math.sqrt(lower * lower + 4.0))
    while True:
        z = lower - math.log(np.random.random()) / alpha
        if np.random.random() <= math.exp(-0.5 * (z - alpha) ** 2):
            return z


@njit(cache=True)
def truncated_normal(mean: float, sd: float, lower: float, upper: float) -> float:
    """A N(mean, sd^2) draw truncated to (lower, upper): plain rejection near the mode,
    exponential rejection in a tail."""
    a = (lower - mean) / sd
    b = (upper - mean) / sd
    while True:
        if a > 0.5:
            z = _tail_normal(a)
        elif b < -0.5:
            z = -_tail_normal(-b)
        else:
            z = np.random.standard_normal()
        if a < z < b:
            return mean + sd * z


@njit(cache=True)
def draw_parameters(h, prior, mu, phi):
    """One Gibbs pass over tau^2 | mu, phi;  phi | mu, tau^2;  mu | phi, tau^2  (given h).

    Conjugate updates from the AR(1) regression of h_t on h_{t-1}, t = 1..n, with the
    normal, truncated-normal and inverse-gamma priors. Returns (mu, phi, tau2).
    """
    n = h.shape[0] - 1
    sx = 0.0
    sz = 0.0
    sxx = 0.0
    szz = 0.0
    sxz = 0.0
    for t in range(1, n + 1):
        x = h[t - 1]
        z = h[t]
        sx += x
        sz += z
        sxx += x * x
        szz += z * z
        sxz += x * z
    # tau^2 | mu, phi: residual sum of squares of (z - mu) - phi (x - mu).
    cx = sx - n * mu
    cz = sz - n * mu
    cxx = sxx - 2.0 * mu * sx + n * mu * mu
    czz = szz - 2.0 * mu * sz + n * mu * mu
    cxz = sxz - mu * (sx + sz) + n * mu * mu
    rss = czz - 2.0 * phi * cxz + phi * phi * cxx
    shape = prior[4] + 0.5 * n
    scale = prior[5] + 0.5 * rss
    tau2 = scale / np.random.gamma(shape, 1.0)
    # phi | mu, tau^2: regression through the origin of (z - mu) on (x - mu).
    precision = cxx / tau2 + 1.0 / prior[3]
    mean = (cxz / tau2 + prior[2] / prior[3]) / precision
    phi = truncated_normal(mean, 1.0 / math.sqrt(precision), -1.0, 1.0)
    # mu | phi, tau^2: z - phi x = mu (1 - phi) + tau eta.
    one_minus = 1.0 - phi
    precision = n * one_minus * one_minus / tau2 + 1.0 / prior[1]
    mean = (one_minus * (sz - phi * sx) / tau2 + prior[0] / prior[1]) / precision
    mu = mean + np.random.standard_normal() / math.sqrt(precision)
    return mu, phi, tau2


@njit(cache=True)
def _draw_initial_state(h, prior, mu, phi, tau2):
    """Exact Gibbs draw of h_0 | h_1 (normal prior times the AR(1) transition)."""
    precision = 1.0 / prior[7] + phi * phi / tau2
    mean = (prior[6] / prior[7] + phi * (h[1] - mu * (1.0 - phi)) / tau2) / precision
    h[0] = mean + np.random.standard_normal() / math.sqrt(precision)


@njit(cache=True)
def single_site_sweep(h, y2, mu, phi, tau2, independence, step):
    """One sweep of single-move Metropolis updates of h_1..n; returns the acceptances.

    The AR(1) neighbours give h_t a N(m_t, C_t) prior; the target multiplies it by
    exp(-h_t/2 - y_t^2 exp(-h_t)/2). ``independence`` False: random walk with sd
    ``step * sqrt(C_t)`` (scheme I). True: the Kim-Shephard-Chib independence proposal
    from the first-order expansion of exp(-h_t) around m_t (scheme II).
    """
    n = h.shape[0] - 1
    accepted = 0
    inner_var = tau2 / (1.0 + phi * phi)
    inner_factor = phi / (1.0 + phi * phi)
    for t in range(1, n + 1):
        if t < n:
            m = mu + inner_factor * ((h[t - 1] - mu) + (h[t + 1] - mu))
            c = inner_var
        else:
            m = mu + phi * (h[t - 1] - mu)
            c = tau2
        current = h[t]
        ysq = y2[t - 1]
        if independence:
            em = math.exp(-m)
            proposal = m + 0.5 * c * (ysq * em - 1.0) + math.sqrt(c) * np.random.standard_normal()
            log_ratio = (-0.5 * ysq * (math.exp(-proposal) - em * (1.0 - (proposal - m)))
                         + 0.5 * ysq * (math.exp(-current) - em * (1.0 - (current - m))))
        else:
            proposal = current + step * math.sqrt(c) * np.random.standard_normal()
            log_ratio = (-0.5 * (proposal - current)
                         - 0.5 * ysq * (math.exp(-proposal) - math.exp(-current))
                         - ((proposal - m) ** 2 - (current - m) ** 2) / (2.0 * c))
        if log_ratio >= 0.0 or math.log(np.random.random()) < log_ratio:
            h[t] = proposal
            accepted += 1
    return accepted


@njit(cache=True)
def draw_indicators(h, ystar, log_weight, means, half_precision, cumulative, s):
    """Draw the mixture component s_t of each log y_t^2 - h_t (inverse-CDF per t)."""
    n_components = means.shape[0]
    for t in range(ystar.shape[0]):
        r = ystar[t] - h[t + 1]
        total = 0.0
        for j in range(n_components):
            d = r - means[j]
            total += math.exp(log_weight[j] - half_precision[j] * d * d)
            cumulative[j] = total
        u = np.random.random() * total
        j = 0
        while j < n_components - 1 and cumulative[j] < u:
            j += 1
        s[t] = j


@njit(cache=True)
def ffbs(h, ystar, s, means, variances, mu, phi, tau2, h0_mean, h0_var, fm, fc):
    """Forward-filtering backward-sampling of h_0..n in the linear Gaussian model
    ystar_t = h_t + means[s_t] + e_t, e_t ~ N(0, variances[s_t]), with the AR(1) state
    and h_0 ~ N(h0_mean, h0_var). ``fm`` and ``fc`` are work arrays of length n + 1."""
    n = h.shape[0] - 1
    fm[0] = h0_mean
    fc[0] = h0_var
    for t in range(1, n + 1):
        a = mu + phi * (fm[t - 1] - mu)
        r = phi * phi * fc[t - 1] + tau2
        j = s[t - 1]
        gain = r / (r + variances[j])
        fm[t] = a + gain * (ystar[t - 1] - means[j] - a)
        fc[t] = r - gain * r
    h[n] = fm[n] + math.sqrt(fc[n]) * np.random.standard_normal()
    for t in range(n - 1, -1, -1):
        a = mu + phi * (fm[t] - mu)
        r = phi * phi * fc[t] + tau2
        g = fc[t] * phi / r
        mean = fm[t] + g * (h[t + 1] - a)
        var = fc[t] - g * phi * fc[t]
        h[t] = mean + math.sqrt(var) * np.random.standard_normal()


@njit(cache=True)
def ffbs_draws(ystar, s, means, variances, mu, phi, tau2, h0_mean, h0_var, n_draws, seed):
    """``n_draws`` independent FFBS draws of h_0..n (for checking against a smoother)."""
    np.random.seed(seed)
    n = ystar.shape[0]
    out = np.empty((n_draws, n + 1))
    fm = np.empty(n + 1)
    fc = np.empty(n + 1)
    for i in range(n_draws):
        ffbs(out[i], ystar, s, means, variances, mu, phi, tau2, h0_mean, h0_var, fm, fc)
    return out


@njit(cache=True)
def _log_noncentred_prior(mu, tau, h0_tilde, prior):
    """Log prior of (mu, tau) in the non-centred parametrisation, up to a constant:
    N(mu) x IG(tau^2) on tau (Jacobian 2|tau|) x the density of h~_0 = (h_0 - mu) / tau."""
    abs_tau = abs(tau)
    h0 = mu + tau * h0_tilde
    return (-0.5 * (mu - prior[0]) ** 2 / prior[1]
            - (2.0 * prior[4] + 1.0) * math.log(abs_tau) - prior[5] / (tau * tau)
            - 0.5 * (h0 - prior[6]) ** 2 / prior[7] + math.log(abs_tau))


@njit(cache=True)
def interweave(h, ystar, s, means, variances, mu, tau2, prior):
    """ASIS step (Kastner & Fruehwirth-Schnatter 2014): redraw (mu, tau) in the
    non-centred parametrisation h_t = mu + tau h~_t given h~, the indicators and y.

    In the auxiliary mixture model ystar_t - means[s_t] = mu + tau h~_t + e_t is a linear
    regression in (mu, tau); its flat-prior posterior (bivariate normal) is the
    independence proposal, so the Metropolis-Hastings ratio is the ratio of priors.
    A negative tau draw stands for (|tau|, -h~), a symmetry of the posterior.
    Updates ``h`` in place; returns (mu, tau2, accepted).
    """
    n = h.shape[0] - 1
    tau = math.sqrt(tau2)
    w = 0.0
    wx = 0.0
    wxx = 0.0
    wz = 0.0
    wxz = 0.0
    for t in range(1, n + 1):
        x = (h[t] - mu) / tau
        inv_v = 1.0 / variances[s[t - 1]]
        z = ystar[t - 1] - means[s[t - 1]]
        w += inv_v
        wx += x * inv_v
        wxx += x * x * inv_v
        wz += z * inv_v
        wxz += x * z * inv_v
    det = w * wxx - wx * wx
    mean_mu = (wxx * wz - wx * wxz) / det
    mean_tau = (w * wxz - wx * wz) / det
    # Cholesky factor of the covariance [[wxx, -wx], [-wx, w]] / det.
    l11 = math.sqrt(wxx / det)
    l21 = -wx / det / l11
    l22 = math.sqrt(w / det - l21 * l21)
    z1 = np.random.standard_normal()
    z2 = np.random.standard_normal()
    new_mu = mean_mu + l11 * z1
    new_tau = mean_tau + l21 * z1 + l22 * z2
    h0_tilde = (h[0] - mu) / tau
    log_ratio = (_log_noncentred_prior(new_mu, new_tau, h0_tilde, prior)
                 - _log_noncentred_prior(mu, tau, h0_tilde, prior))
    if not (log_ratio >= 0.0 or math.log(np.random.random()) < log_ratio):
        return mu, tau2, False
    # h = new_mu + new_tau h~ whichever sign new_tau has: (|tau|, -h~) gives the same h.
    scale = new_tau / tau
    for t in range(n + 1):
        h[t] = new_mu + scale * (h[t] - mu)
    return new_mu, new_tau * new_tau, True


@njit(cache=True)
def run_chains(scheme, asis, y, ystar, mix_weights, mix_means, mix_variances, prior, inits,
               n_burn, n_keep, state_index, seed, tune_every, accept_low, accept_high):
    """Run ``inits.shape[0]`` chains of one scheme on one series.

    ``inits`` rows are starting (mu, phi, tau2); h starts flat at mu. Scheme I tunes its
    random-walk step during burn-in, every ``tune_every`` sweeps, until the acceptance rate
    lies in [accept_low, accept_high]. Returns the kept draws of (mu, phi, tau2)
    (chains, n_keep, 3), of the states h[state_index] (chains, n_keep, k), the
    post-burn-in acceptance rate of the h moves (I, II) or of the ASIS step (V) per chain
    (1 for exact Gibbs blocks), and the final random-walk step per chain.
    """
    np.random.seed(seed)
    n = y.shape[0]
    n_chains = inits.shape[0]
    params = np.empty((n_chains, n_keep, 3))
    states = np.empty((n_chains, n_keep, state_index.shape[0]))
    acceptance = np.ones(n_chains)
    steps = np.zeros(n_chains)
    y2 = y * y
    h = np.empty(n + 1)
    fm = np.empty(n + 1)
    fc = np.empty(n + 1)
    s = np.zeros(n, dtype=np.int64)
    n_components = mix_means.shape[0]
    log_weight = np.log(mix_weights) - 0.5 * np.log(mix_variances)
    half_precision = 0.5 / mix_variances
    cumulative = np.empty(n_components)
    target = 0.5 * (accept_low + accept_high)
    for c in range(n_chains):
        mu, phi, tau2 = inits[c, 0], inits[c, 1], inits[c, 2]
        h[:] = mu
        step = 1.0
        window_accepted = 0
        kept_accepted = 0
        for sweep in range(n_burn + n_keep):
            if scheme == BLOCK_FFBS:
                if n_components > 1:
                    draw_indicators(h, ystar, log_weight, mix_means, half_precision,
                                    cumulative, s)
                ffbs(h, ystar, s, mix_means, mix_variances, mu, phi, tau2, prior[6],
                     prior[7], fm, fc)
                moved = 0
            else:
                moved = single_site_sweep(h, y2, mu, phi, tau2, scheme == INDEPENDENCE_MH,
                                          step)
                _draw_initial_state(h, prior, mu, phi, tau2)
            mu, phi, tau2 = draw_parameters(h, prior, mu, phi)
            if asis:
                mu, tau2, moved_asis = interweave(h, ystar, s, mix_means, mix_variances, mu,
                                                  tau2, prior)
                moved = 1 if moved_asis else 0
            if sweep < n_burn:
                window_accepted += moved
                if scheme == RW_METROPOLIS and (sweep + 1) % tune_every == 0:
                    rate = window_accepted / (tune_every * n)
                    if rate < accept_low or rate > accept_high:
                        step *= math.exp(2.0 * (rate - target))
                    window_accepted = 0
                continue
            kept_accepted += moved
            k = sweep - n_burn
            params[c, k, 0] = mu
            params[c, k, 1] = phi
            params[c, k, 2] = tau2
            for i in range(state_index.shape[0]):
                states[c, k, i] = h[state_index[i]]
        if scheme == BLOCK_FFBS:
            if asis:
                acceptance[c] = kept_accepted / n_keep
        else:
            acceptance[c] = kept_accepted / (n_keep * n)
        steps[c] = step
    return params, states, acceptance, steps

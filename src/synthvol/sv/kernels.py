"""Compiled MCMC kernels for the basic SV model (numba).

Random numbers: every draw comes from one ``np.random.Generator`` (PCG64) created by the
caller from the seed and passed into the compiled entry point, so one seed fixes every chain
of one call. The block schemes draw each sweep's standard normals (n + 1) and uniforms (n) as
one block each. Work arrays are allocated once per call.

Indexing: ``h[0]`` is the initial state h_0 and ``h[t]`` (t = 1..n) goes with ``y[t - 1]``.

``fastmath`` is used only on element-wise loops (:func:`exp_in_place`,
:func:`draw_indicators`), never on a reduction, so that no sum is re-associated and draws
do not depend on the vector width.

Prior families (``family``): ``PAPER_PRIOR`` reads the prior vector (mu_mean, mu_var,
phi_mean, phi_var, tau2_shape, tau2_scale, h0_mean, h0_var) and draws mu, phi, tau^2 by
conditionally conjugate Gibbs steps; ``STOCHVOL_PRIOR`` reads (mu_mean, mu_var, phi_a, phi_b,
sigma2_scale) -- R stochvol's mu ~ N, (phi + 1)/2 ~ Beta, tau^2 ~ Gamma(1/2, 1/(2 B)),
h_0 ~ N(mu, tau^2 / (1 - phi^2)) -- and draws (mu, phi, tau^2) jointly by an independence
Metropolis-Hastings step (see :func:`draw_parameters_stochvol`).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

#: Scheme codes of the compiled kernels.
RW_METROPOLIS, INDEPENDENCE_MH, BLOCK_FFBS = 1, 2, 3
#: Prior-family codes.
PAPER_PRIOR, STOCHVOL_PRIOR = 0, 1

_LOG2E = 1.4426950408889634
_LN2_HI = 0.693145751953125          # ln 2 split so that k * _LN2_HI is exact for |k| < 2^11
_LN2_LO = 1.4286068203094173e-06
_EXP_FLOOR = -708.0                  # exp(-708) ~ 3e-308 is still a normal double


@njit(cache=True, fastmath=True)
def exp_in_place(x, bits):
    """x[i] <- exp(x[i]) without a library call, so that the loop vectorises.

    Range reduction x = k ln 2 + r with |r| <= ln2 / 2, exp(r) by its degree-11 Taylor
    polynomial (relative error < 1e-14 on that interval), 2^k written directly into the
    exponent bits (``bits``: an int64 work array of x's size). Arguments below -708 are
    raised to -708 (their exp, ~3e-308, is a zero weight for every purpose here).
    """
    scale = bits.view(np.float64)
    for i in range(x.size):
        v = max(x[i], _EXP_FLOOR)
        k = np.floor(v * _LOG2E + 0.5)
        r = (v - k * _LN2_HI) - k * _LN2_LO
        p = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (
            1.0 / 120.0 + r * (1.0 / 720.0 + r * (1.0 / 5040.0 + r * (1.0 / 40320.0 + r * (
                1.0 / 362880.0 + r * (1.0 / 3628800.0 + r * (1.0 / 39916800.0)))))))))))
        x[i] = p
        bits[i] = (np.int64(k) + 1023) << 52
    for i in range(x.size):
        x[i] *= scale[i]


@njit(cache=True)
def _tail_normal(lower, generator):
    """A standard normal draw conditioned on Z > lower, lower > 0 (Robert 1995)."""
    alpha = 0.5 * (lower + math.sqrt(lower * lower + 4.0))
    while True:
        z = lower - math.log(generator.random()) / alpha
        if generator.random() <= math.exp(-0.5 * (z - alpha) ** 2):
            return z


@njit(cache=True)
def truncated_normal(mean, sd, lower, upper, generator):
    """A N(mean, sd^2) draw truncated to (lower, upper): plain rejection near the mode,
    exponential rejection in a tail."""
    a = (lower - mean) / sd
    b = (upper - mean) / sd
    while True:
        if a > 0.5:
            z = _tail_normal(a, generator)
        elif b < -0.5:
            z = -_tail_normal(-b, generator)
        else:
            z = generator.standard_normal()
        if a < z < b:
            return mean + sd * z


@njit(cache=True)
def draw_parameters(h, prior, mu, phi, generator):
    """Paper family: one Gibbs pass over tau^2 | mu, phi;  phi | mu, tau^2;  mu | phi, tau^2
    (given h).

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
    cxx = sxx - 2.0 * mu * sx + n * mu * mu
    czz = szz - 2.0 * mu * sz + n * mu * mu
    cxz = sxz - mu * (sx + sz) + n * mu * mu
    rss = czz - 2.0 * phi * cxz + phi * phi * cxx
    shape = prior[4] + 0.5 * n
    scale = prior[5] + 0.5 * rss
    tau2 = scale / generator.standard_gamma(shape)
    # phi | mu, tau^2: regression through the origin of (z - mu) on (x - mu).
    precision = cxx / tau2 + 1.0 / prior[3]
    mean = (cxz / tau2 + prior[2] / prior[3]) / precision
    phi = truncated_normal(mean, 1.0 / math.sqrt(precision), -1.0, 1.0, generator)
    # mu | phi, tau^2: z - phi x = mu (1 - phi) + tau eta.
    one_minus = 1.0 - phi
    precision = n * one_minus * one_minus / tau2 + 1.0 / prior[1]
    mean = (one_minus * (sz - phi * sx) / tau2 + prior[0] / prior[1]) / precision
    mu = mean + generator.standard_normal() / math.sqrt(precision)
    return mu, phi, tau2


@njit(cache=True)
def _log_stochvol_correction(mu, phi, tau2, h0, prior):
    """log [stochvol prior x p(h_0 | mu, phi, tau^2) / reference prior] in the regression
    coordinates (gamma = mu (1 - phi), phi, tau^2), up to a constant; the reference prior
    of the proposal is flat in (gamma, phi) and 1 / tau^2."""
    stationary_var = tau2 / (1.0 - phi * phi)
    return (-0.5 * (mu - prior[0]) ** 2 / prior[1]
            + (prior[2] - 1.0) * math.log1p(phi) + (prior[3] - 1.0) * math.log1p(-phi)
            - 0.5 * math.log(tau2) - 0.5 * tau2 / prior[4]
            - 0.5 * math.log(stationary_var) - 0.5 * (h0 - mu) ** 2 / stationary_var
            - math.log(1.0 - phi)        # Jacobian: d mu / d gamma = 1 / (1 - phi)
            + math.log(tau2))            # divided by the reference prior 1 / tau^2


@njit(cache=True)
def draw_parameters_stochvol(h, prior, mu, phi, tau2, generator):
    """Stochvol family: independence MH draw of (mu, phi, tau^2) | h.

    Proposal: the exact posterior of the AR(1) regression h_t = gamma + phi h_{t-1} +
    tau eta_t (t = 1..n) under the reference prior 1 / tau^2 -- tau^2 ~ IG((n - 2)/2,
    RSS/2), then (gamma, phi) | tau^2 normal around least squares. The MH ratio is the
    ratio of :func:`_log_stochvol_correction` (prior and h_0 term over reference prior);
    a proposal with |phi| >= 1 is rejected. Returns (mu, phi, tau2).
    """
    n = h.shape[0] - 1
    sx = 0.0
    sz = 0.0
    for t in range(1, n + 1):
        sx += h[t - 1]
        sz += h[t]
    mx = sx / n
    mz = sz / n
    sxx = 0.0
    sxz = 0.0
    szz = 0.0
    for t in range(1, n + 1):
        x = h[t - 1] - mx
        z = h[t] - mz
        sxx += x * x
        sxz += x * z
        szz += z * z
    phi_hat = sxz / sxx
    rss = szz - phi_hat * sxz
    new_tau2 = 0.5 * rss / generator.standard_gamma(0.5 * (n - 2))
    sd = math.sqrt(new_tau2)
    # (gamma, phi) in centred form: phi ~ N(phi_hat, tau^2 / Sxx), then the intercept at
    # the mean, mz - phi mx ~ N(mz - phi_hat mx ..., tau^2 / n) independently.
    new_phi = phi_hat + sd / math.sqrt(sxx) * generator.standard_normal()
    gamma = mz - new_phi * mx + sd / math.sqrt(n) * generator.standard_normal()
    if abs(new_phi) >= 1.0:
        return mu, phi, tau2
    new_mu = gamma / (1.0 - new_phi)
    log_ratio = (_log_stochvol_correction(new_mu, new_phi, new_tau2, h[0], prior)
                 - _log_stochvol_correction(mu, phi, tau2, h[0], prior))
    if log_ratio >= 0.0 or math.log(generator.random()) < log_ratio:
        return new_mu, new_phi, new_tau2
    return mu, phi, tau2


@njit(cache=True)
def initial_state_prior(family, prior, mu, phi, tau2):
    """(mean, variance) of h_0: the paper's fixed normal or stochvol's stationary law."""
    if family == STOCHVOL_PRIOR:
        return mu, tau2 / (1.0 - phi * phi)
    return prior[6], prior[7]


@njit(cache=True)
def _draw_initial_state(h, h0_mean, h0_var, mu, phi, tau2, generator):
    """Exact Gibbs draw of h_0 | h_1 (normal prior times the AR(1) transition)."""
    precision = 1.0 / h0_var + phi * phi / tau2
    mean = (h0_mean / h0_var + phi * (h[1] - mu * (1.0 - phi)) / tau2) / precision
    h[0] = mean + generator.standard_normal() / math.sqrt(precision)


@njit(cache=True)
def random_walk_sweep(h, y2, mu, phi, tau2, step, normals, exponentials, proposals,
                      exp_neg, bits):
    """Scheme I: one sweep of single-move random-walk Metropolis updates of h_1..n;
    returns the number accepted.

    The AR(1) neighbours give h_t a N(m_t, C_t) prior; the target multiplies it by
    exp(-h_t/2 - y_t^2 exp(-h_t)/2). The proposal h_t + step sqrt(C_t) z_t does not depend
    on this sweep's earlier updates, so all proposals and the exp(-h) of proposals and
    current states are computed first, in one vectorised exp; u_t = exp(-E_t) with
    ``exponentials`` E_t standard exponential.
    """
    n = h.shape[0] - 1
    inner_var = tau2 / (1.0 + phi * phi)
    inner_factor = phi / (1.0 + phi * phi)
    inner_sd = step * math.sqrt(inner_var)
    for t in range(1, n):
        proposals[t - 1] = h[t] + inner_sd * normals[t - 1]
    proposals[n - 1] = h[n] + step * math.sqrt(tau2) * normals[n - 1]
    for i in range(n):
        exp_neg[i] = -proposals[i]
        exp_neg[n + i] = -h[i + 1]
    exp_in_place(exp_neg, bits)
    accepted = 0
    for t in range(1, n + 1):
        if t < n:
            m = mu + inner_factor * ((h[t - 1] - mu) + (h[t + 1] - mu))
            c = inner_var
        else:
            m = mu + phi * (h[t - 1] - mu)
            c = tau2
        current = h[t]
        proposal = proposals[t - 1]
        log_ratio = (-0.5 * (proposal - current)
                     - 0.5 * y2[t - 1] * (exp_neg[t - 1] - exp_neg[n + t - 1])
                     - ((proposal - m) ** 2 - (current - m) ** 2) / (2.0 * c))
        if log_ratio > -exponentials[t - 1]:
            h[t] = proposal
            accepted += 1
    return accepted


@njit(cache=True)
def independence_sweep(h, y2, mu, phi, tau2, normals, exponentials, exp_neg, bits):
    """Scheme II: one sweep of single-move independence MH updates of h_1..n with the
    Kim-Shephard-Chib proposal N(m_t + C_t (y_t^2 exp(-m_t) - 1)/2, C_t), from the
    first-order expansion of exp(-h_t) around the prior mean m_t; returns the number
    accepted. exp(-h_t) of the current states is computed first, in one vectorised exp
    (``exp_neg``, ``bits``: work arrays of at least n)."""
    n = h.shape[0] - 1
    inner_var = tau2 / (1.0 + phi * phi)
    inner_factor = phi / (1.0 + phi * phi)
    inner_sd = math.sqrt(inner_var)
    last_sd = math.sqrt(tau2)
    current_exp = exp_neg[:n]
    for i in range(n):
        current_exp[i] = -h[i + 1]
    exp_in_place(current_exp, bits[:n])
    accepted = 0
    for t in range(1, n + 1):
        if t < n:
            m = mu + inner_factor * ((h[t - 1] - mu) + (h[t + 1] - mu))
            c = inner_var
            sd = inner_sd
        else:
            m = mu + phi * (h[t - 1] - mu)
            c = tau2
            sd = last_sd
        ysq = y2[t - 1]
        em = math.exp(-m)
        proposal = m + 0.5 * c * (ysq * em - 1.0) + sd * normals[t - 1]
        log_ratio = (-0.5 * ysq * (math.exp(-proposal) - em * (1.0 - (proposal - m)))
                     + 0.5 * ysq * (current_exp[t - 1] - em * (1.0 - (h[t] - m))))
        if log_ratio > -exponentials[t - 1]:
            h[t] = proposal
            accepted += 1
    return accepted


@njit(cache=True, fastmath=True)
def draw_indicators(h, ystar, log_weight, means, half_precision, uniforms, work, bits, s):
    """Draw the mixture component s_t of each log y_t^2 - h_t by inverse CDF.

    Vectorised over t: the n x K log-weights go component-major into ``work`` (K * n),
    are exponentiated in one call-free loop (:func:`exp_in_place`), summed cumulatively
    over components, and s_t counts the cumulative weights below u_t x total_t.
    """
    n = ystar.shape[0]
    n_components = means.shape[0]
    for j in range(n_components):
        base = j * n
        lw = log_weight[j]
        m = means[j]
        hp = half_precision[j]
        for t in range(n):
            d = ystar[t] - h[t + 1] - m
            work[base + t] = lw - hp * d * d
    exp_in_place(work, bits)
    for j in range(1, n_components):
        base = j * n
        for t in range(n):
            work[base + t] += work[base - n + t]
    last = (n_components - 1) * n
    for t in range(n):
        uniforms[t] *= work[last + t]
        s[t] = 0
    for j in range(n_components - 1):
        base = j * n
        for t in range(n):
            s[t] += np.int64(work[base + t] < uniforms[t])


@njit(cache=True)
def ffbs(h, ystar, s, means, variances, mu, phi, tau2, h0_mean, h0_var, normals, fm, fc,
         back_gain, back_sd):
    """Forward-filtering backward-sampling of h_0..n in the linear Gaussian model
    ystar_t = h_t + means[s_t] + e_t, e_t ~ N(0, variances[s_t]), with the AR(1) state
    and h_0 ~ N(h0_mean, h0_var); ``normals`` holds n + 1 standard normals.

    The backward step h_t | h_{t+1} ~ N(fm_t + g_t (h_{t+1} - a_{t+1}), fc_t - g_t phi fc_t),
    g_t = phi fc_t / (phi^2 fc_t + tau^2), needs only filtered quantities, so its gains and
    sds are computed in one vectorisable loop before the recursion. ``fm``, ``fc``,
    ``back_gain``, ``back_sd`` are work arrays of length n + 1.
    """
    n = h.shape[0] - 1
    m = h0_mean
    c = h0_var
    fm[0] = m
    fc[0] = c
    for t in range(1, n + 1):
        a = mu + phi * (m - mu)
        r = phi * phi * c + tau2
        j = s[t - 1]
        gain = r / (r + variances[j])
        m = a + gain * (ystar[t - 1] - means[j] - a)
        c = r - gain * r
        fm[t] = m
        fc[t] = c
    for t in range(n):
        g = phi * fc[t] / (phi * phi * fc[t] + tau2)
        back_gain[t] = g
        back_sd[t] = math.sqrt(fc[t] - g * phi * fc[t])
    h[n] = fm[n] + math.sqrt(fc[n]) * normals[n]
    for t in range(n - 1, -1, -1):
        h[t] = (fm[t] + back_gain[t] * (h[t + 1] - mu - phi * (fm[t] - mu))
                + back_sd[t] * normals[t])


@njit(cache=True)
def ffbs_draws(ystar, s, means, variances, mu, phi, tau2, h0_mean, h0_var, n_draws,
               generator):
    """``n_draws`` independent FFBS draws of h_0..n (for checking against a smoother)."""
    n = ystar.shape[0]
    out = np.empty((n_draws, n + 1))
    fm = np.empty(n + 1)
    fc = np.empty(n + 1)
    back_gain = np.empty(n + 1)
    back_sd = np.empty(n + 1)
    for i in range(n_draws):
        ffbs(out[i], ystar, s, means, variances, mu, phi, tau2, h0_mean, h0_var,
             generator.standard_normal(n + 1), fm, fc, back_gain, back_sd)
    return out


@njit(cache=True)
def _log_noncentred_prior(family, mu, tau, h0_tilde, prior):
    """Log prior of (mu, tau) in the non-centred parametrisation, up to a constant.

    Paper family: N(mu) x IG(tau^2) on tau (Jacobian 2|tau|) x the density of
    h~_0 = (h_0 - mu) / tau under h_0's fixed normal prior. Stochvol family: N(mu) x
    N(tau; 0, B), the law of +-sqrt(B chi^2_1); h~_0 ~ N(0, 1/(1 - phi^2)) does not
    involve (mu, tau).
    """
    if family == STOCHVOL_PRIOR:
        return -0.5 * (mu - prior[0]) ** 2 / prior[1] - 0.5 * tau * tau / prior[4]
    abs_tau = abs(tau)
    h0 = mu + tau * h0_tilde
    return (-0.5 * (mu - prior[0]) ** 2 / prior[1]
            - (2.0 * prior[4] + 1.0) * math.log(abs_tau) - prior[5] / (tau * tau)
            - 0.5 * (h0 - prior[6]) ** 2 / prior[7] + math.log(abs_tau))


@njit(cache=True)
def interweave(family, h, ystar, s, means, inverse_variances, mu, tau2, prior, generator):
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
        inv_v = inverse_variances[s[t - 1]]
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
    z1 = generator.standard_normal()
    z2 = generator.standard_normal()
    new_mu = mean_mu + l11 * z1
    new_tau = mean_tau + l21 * z1 + l22 * z2
    h0_tilde = (h[0] - mu) / tau
    log_ratio = (_log_noncentred_prior(family, new_mu, new_tau, h0_tilde, prior)
                 - _log_noncentred_prior(family, mu, tau, h0_tilde, prior))
    if not (log_ratio >= 0.0 or math.log(generator.random()) < log_ratio):
        return mu, tau2, False
    # h = new_mu + new_tau h~ whichever sign new_tau has: (|tau|, -h~) gives the same h.
    scale = new_tau / tau
    for t in range(n + 1):
        h[t] = new_mu + scale * (h[t] - mu)
    return new_mu, new_tau * new_tau, True


@njit(cache=True)
def run_chains(scheme, asis, family, y, ystar, mix_weights, mix_means, mix_variances, prior,
               inits, n_burn, n_keep, state_index, generator, tune_every, accept_low,
               accept_high):
    """Run ``inits.shape[0]`` chains of one scheme on one series.

    ``inits`` rows are starting (mu, phi, tau2); h starts flat at mu. Scheme I tunes its
    random-walk step during burn-in, every ``tune_every`` sweeps, until the acceptance rate
    lies in [accept_low, accept_high]. Returns the kept draws of (mu, phi, tau2)
    (chains, n_keep, 3), of the states h[state_index] (chains, n_keep, k), the
    post-burn-in acceptance rate of the h moves (I, II) or of the ASIS step (V) per chain
    (1 for exact Gibbs blocks), and the final random-walk step per chain.
    """
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
    back_gain = np.empty(n + 1)
    back_sd = np.empty(n + 1)
    s = np.zeros(n, dtype=np.int64)
    n_components = mix_means.shape[0]
    log_weight = np.log(mix_weights) - 0.5 * np.log(mix_variances)
    half_precision = 0.5 / mix_variances
    inverse_variances = 1.0 / mix_variances
    work = np.empty(n_components * n)
    bits = np.empty(n_components * n, dtype=np.int64)
    proposals = np.empty(n)
    exp_neg = np.empty(2 * n)
    exp_bits = np.empty(2 * n, dtype=np.int64)
    target = 0.5 * (accept_low + accept_high)
    for c in range(n_chains):
        mu, phi, tau2 = inits[c, 0], inits[c, 1], inits[c, 2]
        h[:] = mu
        step = 1.0
        window_accepted = 0
        kept_accepted = 0
        for sweep in range(n_burn + n_keep):
            h0_mean, h0_var = initial_state_prior(family, prior, mu, phi, tau2)
            if scheme == BLOCK_FFBS:
                if n_components > 1:
                    draw_indicators(h, ystar, log_weight, mix_means, half_precision,
                                    generator.random(n), work, bits, s)
                ffbs(h, ystar, s, mix_means, mix_variances, mu, phi, tau2, h0_mean, h0_var,
                     generator.standard_normal(n + 1), fm, fc, back_gain, back_sd)
                moved = 0
            elif scheme == RW_METROPOLIS:
                moved = random_walk_sweep(h, y2, mu, phi, tau2, step,
                                          generator.standard_normal(n),
                                          generator.standard_exponential(n), proposals,
                                          exp_neg, exp_bits)
                _draw_initial_state(h, h0_mean, h0_var, mu, phi, tau2, generator)
            else:
                moved = independence_sweep(h, y2, mu, phi, tau2, generator.standard_normal(n),
                                           generator.standard_exponential(n), exp_neg,
                                           exp_bits)
                _draw_initial_state(h, h0_mean, h0_var, mu, phi, tau2, generator)
            if family == STOCHVOL_PRIOR:
                mu, phi, tau2 = draw_parameters_stochvol(h, prior, mu, phi, tau2, generator)
            else:
                mu, phi, tau2 = draw_parameters(h, prior, mu, phi, generator)
            if asis:
                mu, tau2, moved_asis = interweave(family, h, ystar, s, mix_means,
                                                  inverse_variances, mu, tau2, prior,
                                                  generator)
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


@njit(cache=True)
def log_importance_weights(ystar, states, mix_weights, mix_means, mix_variances):
    """log w per draw (row of ``states``, h_1..h_n): sum over t of log f(x_t) -
    log f_mix(x_t), x_t = ystar_t - h_t, f the log chi^2_1 density
    exp((x - e^x)/2) / sqrt(2 pi) and f_mix the normal mixture (log-sum-exp per t)."""
    n_draws, n = states.shape
    n_components = mix_means.shape[0]
    log_weight = np.log(mix_weights) - 0.5 * np.log(2.0 * np.pi * mix_variances)
    half_precision = 0.5 / mix_variances
    terms = np.empty(n_components)
    out = np.empty(n_draws)
    half_log_2pi = 0.5 * math.log(2.0 * math.pi)
    for d in range(n_draws):
        total = 0.0
        for t in range(n):
            x = ystar[t] - states[d, t]
            top = -np.inf
            for j in range(n_components):
                r = x - mix_means[j]
                terms[j] = log_weight[j] - half_precision[j] * r * r
                top = max(top, terms[j])
            acc = 0.0
            for j in range(n_components):
                acc += math.exp(terms[j] - top)
            total += -half_log_2pi + 0.5 * (x - math.exp(x)) - (top + math.log(acc))
        out[d] = total
    return out

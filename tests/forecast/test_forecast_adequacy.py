"""Adequacy tests: turning points, skewness-kurtosis rule, R/S criterion, Durbin-Watson."""

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.stattools import durbin_watson

from synthvol.errors import SynthvolError
from synthvol.forecast.adequacy import (
    RS_TAIL_PROBABILITIES,
    adequacy_table,
    count_turning_points,
    ljung_box_test,
    rs_bounds,
    rs_criterion_test,
    rs_table,
    simulate_rs_quantiles,
    skewness_kurtosis_test,
    turning_points_moments,
    turning_points_test,
)
from synthvol.forecast.durbin_watson import (
    durbin_watson_bounds,
    durbin_watson_cdf,
    durbin_watson_statistic,
    durbin_watson_test,
    lookup_bounds,
    quadratic_form_cdf,
    tabulated_bounds,
)
from synthvol.seeds import rng

SEED = 20150601
#: The levels the expected decisions below assume (the textbook's, as params.yaml's).
LEVELS = {"randomness_level": 0.95, "alpha": 0.05, "ljung_box_lags": 12}

# Dubrova's Table 4.2 (5% bounds, n = 15..36) as printed, with two evident misprints
# corrected: n = 22, k' = 1, d1 printed "1,"4" (1.24) and n = 34, k' = 1, d1 printed 1.49
# (1.39; the column increases by 0.01 a row there).
TABLE_4_2 = {
    1: ([1.08, 1.10, 1.13, 1.16, 1.18, 1.20, 1.22, 1.24, 1.26, 1.27, 1.29, 1.30, 1.32, 1.33,
         1.34, 1.35, 1.36, 1.37, 1.38, 1.39, 1.40, 1.41],
        [1.36, 1.37, 1.38, 1.39, 1.40, 1.41, 1.42, 1.43, 1.44, 1.45, 1.45, 1.46, 1.47, 1.48,
         1.48, 1.49, 1.50, 1.50, 1.51, 1.51, 1.52, 1.52]),
    2: ([0.95, 0.98, 1.02, 1.05, 1.08, 1.10, 1.13, 1.15, 1.17, 1.19, 1.21, 1.22, 1.24, 1.26,
         1.27, 1.28, 1.30, 1.31, 1.32, 1.33, 1.34, 1.35],
        [1.54, 1.54, 1.54, 1.53, 1.53, 1.54, 1.54, 1.54, 1.54, 1.55, 1.55, 1.55, 1.56, 1.56,
         1.56, 1.57, 1.57, 1.57, 1.58, 1.58, 1.58, 1.59]),
    3: ([0.82, 0.86, 0.90, 0.93, 0.97, 1.00, 1.03, 1.05, 1.08, 1.10, 1.12, 1.14, 1.16, 1.18,
         1.20, 1.21, 1.23, 1.24, 1.26, 1.27, 1.28, 1.29],
        [1.75, 1.73, 1.71, 1.69, 1.68, 1.68, 1.67, 1.66, 1.66, 1.66, 1.66, 1.65, 1.65, 1.65,
         1.65, 1.65, 1.65, 1.65, 1.65, 1.65, 1.65, 1.65]),
}

# Savin & White (1977), 5% significance, three-decimal values.
SAVIN_WHITE = {(15, 1): (1.077, 1.361), (15, 3): (0.814, 1.750), (20, 2): (1.100, 1.537),
               (40, 1): (1.442, 1.544), (50, 3): (1.421, 1.674), (100, 1): (1.654, 1.694),
               (100, 2): (1.634, 1.715), (100, 3): (1.613, 1.736)}


# ---------------------------------------------------------------- turning points

def test_turning_point_count_on_a_known_series():
    assert count_turning_points(np.array([1, 3, 2, 4, 5, 1, 1, 2])) == 3


def test_turning_points_moments_match_white_noise():
    n, reps = 30, 40000
    counts = count_turning_points(rng(SEED, "forecast-test", "tp").normal(size=(reps, n)))
    mean, var = turning_points_moments(n)
    assert mean == pytest.approx(2 * 28 / 3) and var == pytest.approx((16 * 30 - 29) / 90)
    # standard errors: mean sqrt(var / reps) = 0.011, variance about var sqrt(2/reps) = 0.036
    assert counts.mean() == pytest.approx(mean, abs=0.05)
    assert counts.var() == pytest.approx(var, abs=0.2)


def test_turning_points_decisions():
    gen = rng(SEED, "forecast-test", "tp-decision")
    noise = gen.normal(size=60)
    result = turning_points_test(noise, level=0.95)
    assert result.threshold == int(np.floor(2 * 58 / 3 - 1.96 * np.sqrt((16 * 60 - 29) / 90)))
    assert result.decision.startswith("accept")
    trend = np.cumsum(np.abs(gen.normal(size=60)))  # monotone: no turning points
    assert turning_points_test(np.sin(np.arange(60) / 6.0) + 0.01 * noise, level=0.95
                               ).decision.startswith("reject")
    assert turning_points_test(trend, level=0.95).decision.startswith("reject")


# ---------------------------------------------------------------- normality

def test_skewness_kurtosis_standard_errors_and_shift():
    result = skewness_kurtosis_test(rng(SEED, "forecast-test", "rs").normal(size=25))
    n = 25
    assert result.sigma_skewness == pytest.approx(np.sqrt(6 * (n - 2) / ((n + 1) * (n + 3))))
    assert result.sigma_kurtosis == pytest.approx(
        np.sqrt(24 * n * (n - 2) * (n - 3) / ((n + 1) ** 2 * (n + 3) * (n + 5))))
    assert result.kurtosis_shifted == pytest.approx(result.kurtosis + 6 / (n + 1))


def test_skewness_kurtosis_accepts_normal_and_rejects_skewed_samples():
    gen = rng(SEED, "forecast-test", "rs-power")
    normal = [skewness_kurtosis_test(gen.normal(size=100)).decision for _ in range(300)]
    skewed = [skewness_kurtosis_test(gen.exponential(size=100)).decision for _ in range(300)]
    accept = np.mean([d.startswith("accept") for d in normal])
    reject_normal = np.mean([d.startswith("reject") for d in normal])
    reject_skewed = np.mean([d.startswith("reject") for d in skewed])
    assert accept > 0.65          # about 0.75 in theory (both moments inside 1.5 sigma)
    assert reject_normal < 0.15   # about 0.09 in theory
    assert reject_skewed > 0.98   # exponential: skewness 2, kurtosis 6


def test_skewness_kurtosis_needs_more_powerful_test_zone():
    gen = rng(SEED, "forecast-test", "rs-zone")
    zone = [skewness_kurtosis_test(gen.normal(size=50)).decision for _ in range(300)]
    assert any(d.startswith("inconclusive: needs a more powerful test") for d in zone)


def test_rs_bounds_reproduce_the_published_table():
    # David, Hartley & Pearson (1954) as quoted in Russian econometrics textbooks:
    # n = 10: 2.67 and 3.685, n = 20: 3.18 and 4.49 at the 5% points
    table = rs_table().set_index("n")
    assert (table.loc[10, "lower_0.05"], table.loc[10, "upper_0.05"]) == (2.67, 3.685)
    assert (table.loc[20, "lower_0.05"], table.loc[20, "upper_0.05"]) == (3.18, 4.49)
    assert rs_bounds(10, 0.1) == (2.67, 3.685)
    assert rs_bounds(30, 0.05) == (3.37, 5.06)
    assert rs_bounds(22, 0.1) == pytest.approx((3.18 + 0.4 * 0.16, 4.49 + 0.4 * 0.22))
    n = table.index.to_numpy()
    lowest = np.where(n % 2 == 0, 2 * np.sqrt((n - 1) / n), 2 * np.sqrt(n / (n + 1)))
    np.testing.assert_allclose(table["lower_0"], lowest, atol=5e-4)
    np.testing.assert_allclose(table["upper_0"], np.sqrt(2 * (n - 1)), atol=5e-3)
    with pytest.raises(SynthvolError, match="forecast.alpha"):
        rs_bounds(10, 0.03)
    with pytest.raises(SynthvolError, match="outside the table"):
        rs_bounds(2000, 0.05)


@pytest.mark.parametrize("n", [5, 12, 30, 60, 200])
def test_rs_table_matches_simulation(n):
    probabilities = np.array([*RS_TAIL_PROBABILITIES[2:], *[1 - p for p in
                                                           RS_TAIL_PROBABILITIES[2:]]])
    simulated = simulate_rs_quantiles(n, probabilities, 40000, rng(SEED, "forecast-test",
                                                                   "rs-sim", n))
    row = rs_table().set_index("n").loc[n]
    tabulated = [row[f"lower_{p:g}"] for p in RS_TAIL_PROBABILITIES[2:]] + \
        [row[f"upper_{p:g}"] for p in RS_TAIL_PROBABILITIES[2:]]
    np.testing.assert_allclose(simulated, tabulated, atol=0.04)


def test_rs_criterion_accepts_normal_and_rejects_heavy_tails():
    gen = rng(SEED, "forecast-test", "rs-criterion")
    normal = [rs_criterion_test(gen.normal(size=50), alpha=0.05).decision for _ in range(400)]
    heavy = [rs_criterion_test(gen.standard_t(2, size=50), alpha=0.05).decision for _ in range(200)]
    assert np.mean([d.startswith("reject") for d in normal]) == pytest.approx(0.05, abs=0.03)
    assert np.mean([d.startswith("reject") for d in heavy]) > 0.5
    two_point = np.array([-1.0, 1.0] * 5)          # R/S at its minimum 2 sqrt(9/10)
    result = rs_criterion_test(two_point, alpha=0.05)
    assert result.statistic == pytest.approx(2.0 / np.sqrt(10.0 / 9.0))
    assert (result.lower, result.upper) == (2.59, 3.777)
    assert result.decision.startswith("reject: not normal (range too narrow")
    beyond = rs_criterion_test(gen.normal(size=1200), alpha=0.05)
    assert beyond.decision.startswith("inconclusive") and np.isnan(beyond.lower)


def test_jarque_bera_and_shapiro_wilk_in_the_table():
    gen = rng(SEED, "forecast-test", "jb")
    design = np.column_stack([np.ones(80), np.arange(80.0)])
    table = adequacy_table(gen.exponential(size=80), design, autoregressive=False, **LEVELS)
    decisions = dict(zip(table.test, table.decision))
    assert decisions["Jarque-Bera"].startswith("reject")
    assert decisions["Shapiro-Wilk"].startswith("reject")


# ---------------------------------------------------------------- Durbin-Watson

def test_dw_statistic_equals_statsmodels():
    e = rng(SEED, "forecast-test", "dw").normal(size=50)
    assert durbin_watson_statistic(e) == pytest.approx(durbin_watson(e), rel=1e-12)


@pytest.mark.parametrize("m", [3, 8, 40])
def test_imhof_matches_chi_square_and_f(m):
    for x in (0.5 * m, m, 2.0 * m):
        assert quadratic_form_cdf(np.ones(m + 5), x) == pytest.approx(
            stats.chi2.cdf(x, m + 5), abs=1e-8)
    # P(2 chi2_m <= chi2_m') = F(m, m) cdf at 1/2: weights of both signs
    weights = np.r_[np.full(m, 2.0), np.full(m, -1.0)]
    assert quadratic_form_cdf(weights, 0.0) == pytest.approx(stats.f.cdf(0.5, m, m), abs=1e-8)
    with pytest.raises(SynthvolError, match="at least 5"):
        quadratic_form_cdf(np.ones(3), 1.0)


def test_dw_exact_cdf_matches_simulation():
    n = 30
    t = np.arange(1.0, n + 1)
    design = np.column_stack([np.ones(n), t, t**2])
    q, _ = np.linalg.qr(design)
    m = np.eye(n) - q @ q.T
    e = rng(SEED, "forecast-test", "dw-mc").normal(size=(200_000, n)) @ m
    d_sim = np.sum(np.diff(e, axis=1) ** 2, axis=1) / np.sum(e**2, axis=1)
    for d in (1.0, 1.4, 1.8, 2.2, 2.6):
        # binomial standard error at most 0.0011
        assert durbin_watson_cdf(design, d) == pytest.approx(np.mean(d_sim <= d), abs=0.005)


def test_bounds_reproduce_textbook_table_4_2():
    for k_prime, (lower, upper) in TABLE_4_2.items():
        for n, d1, d2 in zip(range(15, 37), lower, upper):
            c1, c2 = durbin_watson_bounds(n, k_prime)
            assert (round(c1, 2), round(c2, 2)) == pytest.approx((d1, d2), abs=0.0101), n


def test_shipped_table_matches_savin_white_and_computation():
    table = tabulated_bounds()
    assert len(table) == 86 * 3 and table.n.min() == 15 and table.n.max() == 100
    for (n, k_prime), bounds in SAVIN_WHITE.items():
        row = table[(table.n == n) & (table.k_prime == k_prime)]
        assert (row.d1.item(), row.d2.item()) == pytest.approx(bounds, abs=1e-9)
    assert lookup_bounds(57, 2)[2] == "table"
    assert np.round(durbin_watson_bounds(57, 2), 3) == pytest.approx(lookup_bounds(57, 2)[:2])
    assert lookup_bounds(150, 1)[2] == "computed"


def _ar1(n, rho, key):
    gen = rng(SEED, "forecast-test", key)
    e = np.zeros(n)
    for i in range(1, n):
        e[i] = rho * e[i - 1] + gen.normal()
    return e


def test_dw_decisions_positive_negative_and_independent():
    n = 60
    t = np.arange(1.0, n + 1)
    design = np.column_stack([np.ones(n), t])

    def residuals(rho, key):
        y = 1.0 + 0.2 * t + _ar1(n, rho, key)
        return y - design @ np.linalg.lstsq(design, y, rcond=None)[0]

    positive = durbin_watson_test(residuals(0.8, "pos"), design)
    assert positive.side == "positive" and positive.decision == "reject: positive autocorrelation"
    assert positive.p_value < 0.001
    negative = durbin_watson_test(residuals(-0.8, "neg"), design)
    assert negative.side == "negative" and negative.compared == pytest.approx(
        4 - negative.statistic)
    assert negative.decision == "reject: negative autocorrelation" and negative.p_value < 0.001
    white = durbin_watson_test(residuals(0.0, "white"), design)
    assert white.decision == "accept: no autocorrelation" and white.p_value > 0.05
    assert (white.d1, white.d2, white.k_prime) == (1.549, 1.616, 1)


def test_dw_inconclusive_zone():
    n = 40
    design = np.column_stack([np.ones(n), np.arange(1.0, n + 1)])
    d1, d2, _ = lookup_bounds(n, 1)
    gen = rng(SEED, "forecast-test", "zone")
    for _ in range(5000):
        e = gen.normal(size=n)
        e -= design @ np.linalg.lstsq(design, e, rcond=None)[0]
        d = durbin_watson_statistic(e)
        if d1 <= d <= d2:
            assert durbin_watson_test(e, design).decision == "inconclusive"
            return
    pytest.fail("no residual series landed in the inconclusive zone")


def test_dw_refuses_autoregressive_models_and_ljung_box_works():
    e = _ar1(100, 0.6, "lb")
    design = np.ones((100, 1))
    with pytest.raises(SynthvolError, match="Ljung-Box"):
        durbin_watson_test(e, design, autoregressive=True)
    assert ljung_box_test(e, 10, alpha=0.05).decision.startswith("reject")
    table = adequacy_table(e, None, autoregressive=True, **LEVELS)
    assert table.test.iloc[-1] == "Ljung-Box (12 lags)"

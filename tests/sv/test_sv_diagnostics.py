"""Inefficiency factor, ESS and R-hat: against theory and against ArviZ."""

import arviz as az
import numpy as np
import pytest

from synthvol.errors import DataError
from synthvol.seeds import rng
from synthvol.sv.diagnostics import (
    autocorrelation,
    effective_sample_size,
    gelman_rubin,
    inefficiency_factor,
    monte_carlo_error,
)


def ar1_chains(rho, chains, draws, key, shift=None):
    generator = rng(7, "sv-test", key)
    noise = generator.standard_normal((chains, draws)) * np.sqrt(1 - rho**2)
    x = np.empty((chains, draws))
    x[:, 0] = generator.standard_normal(chains)
    for t in range(1, draws):
        x[:, t] = rho * x[:, t - 1] + noise[:, t]
    if shift is not None:
        x += np.asarray(shift)[:, None]
    return x


@pytest.mark.parametrize("rho", [0.5, 0.9])
def test_inefficiency_of_ar1_matches_theory(rho):
    chains = ar1_chains(rho, 4, 50000, f"if{rho}")
    expected = (1 + rho) / (1 - rho)
    assert inefficiency_factor(chains) == pytest.approx(expected, rel=0.1)


def test_acf_of_ar1_decays_geometrically():
    acf = autocorrelation(ar1_chains(0.8, 4, 20000, "acf"), 5)
    assert acf[0] == pytest.approx(1.0)
    np.testing.assert_allclose(acf[1:4], 0.8 ** np.arange(1, 4), atol=0.03)


@pytest.mark.parametrize("rho", [0.0, 0.7, 0.97])
def test_ess_matches_arviz_mean_method(rho):
    chains = ar1_chains(rho, 4, 2000, f"ess{rho}")
    ours = effective_sample_size(chains)
    theirs = float(az.ess(chains, method="mean"))
    assert ours == pytest.approx(theirs, rel=1e-8)


def test_rhat_matches_arviz_identity_and_is_near_one():
    chains = ar1_chains(0.5, 4, 2000, "rhat")
    result = gelman_rubin(chains)
    assert result.rhat == pytest.approx(float(az.rhat(chains, method="identity")), rel=1e-10)
    assert result.rhat < 1.01
    assert result.between > 0 and result.within == pytest.approx(1.0, rel=0.1)


def test_rhat_flags_shifted_chains():
    chains = ar1_chains(0.5, 4, 2000, "shift", shift=[0.0, 0.0, 1.0, -1.0])
    assert gelman_rubin(chains).rhat > 1.1


def test_mc_error_of_iid_draws_is_sd_over_sqrt_n():
    chains = rng(3, "mcse").standard_normal((4, 5000))
    assert monte_carlo_error(chains) == pytest.approx(1 / np.sqrt(20000), rel=0.1)


def test_diagnostics_reject_too_short_chains():
    with pytest.raises(DataError, match="at least 4 draws"):
        inefficiency_factor(np.zeros((2, 3)))
    with pytest.raises(DataError, match="at least 2 chains"):
        gelman_rubin(np.zeros((1, 100)))

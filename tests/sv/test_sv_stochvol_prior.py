"""The stochvol prior family against R stochvol's own posterior on the same series.

Reference summaries (tests/sv/data/stochvol_reference.csv) come from one 200,000-draw
svsample chain made once by tests/sv/data/make_stochvol_reference.py (versions in
stochvol_reference.json); this test needs no R. Scheme V (Omori mixture + ASIS, the
sampler stochvol implements) with ``StochvolPriors`` targets the same posterior, so each
posterior mean must agree within 4 combined Monte Carlo standard errors.
"""

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from synthvol import declare
from synthvol.config import study_defaults
from synthvol.errors import ConfigError
from synthvol.sv.design import Prior, SVDesign
from synthvol.sv.diagnostics import effective_sample_size
from synthvol.sv.model import Priors, StochvolPriors
from synthvol.sv.samplers import run_sampler

DATA = Path(__file__).parent / "data"
INITS = np.array([[-2.0, 0.5, 0.05], [0.0, 0.9, 0.2], [-1.0, 0.99, 0.5], [1.0, 0.7, 0.01]])
SV = SVDesign.from_params(study_defaults("sv"))
OPTIONS = {"state_index": None, **SV.sampler_options()}


def study_priors(family: str) -> Priors | StochvolPriors:
    """The study's priors (params.yaml's ``sv.prior``) of ``family``."""
    return dataclasses.replace(SV.prior, family=family).selected


def z_scores(scheme: str) -> pd.Series:
    y = pd.read_csv(DATA / "stochvol_reference_y.csv")["y"].to_numpy()
    reference = pd.read_csv(DATA / "stochvol_reference.csv").set_index("quantity")
    result = run_sampler(y, scheme, study_priors("stochvol"), INITS, 1000, 10000, 2024,
                         **OPTIONS)
    ours = {"mu": result.params["mu"], "phi": result.params["phi"],
            "sigma": np.sqrt(result.params["tau2"]), "h_n": result.states[:, :, 0]}
    z = {}
    for q, draws in ours.items():
        mcse = np.std(draws, ddof=1) / np.sqrt(effective_sample_size(draws))
        combined = np.hypot(mcse, reference.loc[q, "mcse"])
        z[q] = (np.mean(draws) - reference.loc[q, "mean"]) / combined
    return pd.Series(z)


def test_scheme_v_matches_stochvol_posterior_means():
    z = z_scores("V")
    print("z-scores against stochvol:", z.round(2).to_dict())
    assert np.all(np.abs(z) < 4.0), z.to_dict()


def test_exact_scheme_ii_agrees_with_stochvol_too():
    # II samples the exact posterior, stochvol the mixture's; the two differ by about 1% of
    # a posterior sd (see synthvol.sv.mixture_error), far below this test's MC error.
    z = z_scores("II")
    print("scheme II z-scores against stochvol:", z.round(2).to_dict())
    assert np.all(np.abs(z) < 4.0), z.to_dict()


def test_paper_priors_give_a_different_posterior_for_sigma():
    # The check above could not fail if the family option changed nothing: with the
    # paper's IG(2.5, 0.025) prior on tau^2 the posterior of sigma moves far beyond MC error.
    y = pd.read_csv(DATA / "stochvol_reference_y.csv")["y"].to_numpy()
    reference = pd.read_csv(DATA / "stochvol_reference.csv").set_index("quantity")
    result = run_sampler(y, "V", study_priors("paper"), INITS, 1000, 5000, 2024, **OPTIONS)
    sigma = np.sqrt(result.params["tau2"])
    mcse = np.std(sigma, ddof=1) / np.sqrt(effective_sample_size(sigma))
    assert abs(sigma.mean() - reference.loc["sigma", "mean"]) > 8 * np.hypot(
        mcse, reference.loc["sigma", "mcse"])


def test_prior_family_is_read_and_checked():
    shipped = study_defaults("sv.prior")
    prior = {**shipped, "family": "stochvol", "mu_mean": 0.0, "stochvol": {
        "mu_mean": 1.0, "mu_var": 4.0, "phi_a": 20.0, "phi_b": 1.5, "sigma2_scale": 0.5}}
    built = declare.build(Prior, prior, "sv.prior").selected
    assert built == StochvolPriors(1.0, 4.0, 20.0, 1.5, 0.5)
    paper = {**shipped, "family": "paper", "mu_mean": 1.0}
    assert declare.build(Prior, paper, "sv.prior").selected == Priors(
        **{k: v for k, v in paper.items() if k not in ("family", "stochvol")})
    with pytest.raises(ConfigError, match="sv.prior.family"):
        declare.build(Prior, {**shipped, "family": "jeffreys"}, "sv.prior")


def test_missing_r_is_reported_not_guessed(monkeypatch):
    from synthvol.sv import rstochvol

    monkeypatch.setattr(rstochvol.shutil, "which", lambda name: None)
    assert rstochvol.unavailable_reason() == "Rscript not on PATH"

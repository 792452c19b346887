"""Make the R stochvol reference summaries that tests/sv/test_sv_stochvol_prior.py checks.

    R_LIBS=/path/to/rlib python tests/sv/data/make_stochvol_reference.py

Simulates one series (written to stochvol_reference_y.csv), runs one long svsample chain
on it with stochvol's default priors (= the project's ``stochvol`` prior family defaults)
and writes the posterior mean, sd, ESS and MC standard error of mu, phi, sigma and h_n
(the project's ESS estimator) to stochvol_reference.csv, with the versions and settings
in stochvol_reference.json. Run once; the test itself needs no R.
"""

from __future__ import annotations

import json
import platform
from pathlib import Path

import numpy as np
import pandas as pd

from synthvol.config import study_defaults
from synthvol.seeds import rng
from synthvol.sv.diagnostics import effective_sample_size
from synthvol.sv.model import StochvolPriors, simulate_sv
from synthvol.sv.rstochvol import QUANTITIES, run_stochvol, unavailable_reason

HERE = Path(__file__).resolve().parent
SETTING = {"n": 500, "mu": -1.0, "phi": 0.95, "tau2": 0.0625, "h0": -1.0, "seed": 20150}
BURNIN, DRAWS, R_SEED = 5000, 200_000, 11


def main() -> None:
    why_not = unavailable_reason()
    if why_not:
        raise SystemExit(f"cannot make the stochvol reference: {why_not}")
    y, _ = simulate_sv(SETTING["n"], SETTING["mu"], SETTING["phi"], SETTING["tau2"],
                       SETTING["h0"], rng(SETTING["seed"], "sv-test", "stochvol-reference"))
    pd.DataFrame({"y": y}).to_csv(HERE / "stochvol_reference_y.csv", index=False,
                                  float_format="%.17g")
    y = pd.read_csv(HERE / "stochvol_reference_y.csv")["y"].to_numpy()   # as the test reads it
    prior = StochvolPriors(**study_defaults("sv.prior.stochvol"))
    run = run_stochvol(y, BURNIN, DRAWS, R_SEED, prior)
    rows = []
    for q in QUANTITIES:
        draws = run.draws[q]
        ess = effective_sample_size(draws[None, :])
        sd = float(np.std(draws, ddof=1))
        rows.append({"quantity": q, "mean": float(np.mean(draws)), "sd": sd, "ess": ess,
                     "mcse": sd / np.sqrt(ess)})
    pd.DataFrame(rows).to_csv(HERE / "stochvol_reference.csv", index=False,
                              float_format="%.10g")
    meta = {"made_by": "tests/sv/data/make_stochvol_reference.py", "stochvol": run.version,
            "python": platform.python_version(), "numpy": np.__version__,
            "setting": SETTING, "burnin": BURNIN, "draws": DRAWS, "r_seed": R_SEED,
            "prior": {"priormu": [prior.mu_mean, float(np.sqrt(prior.mu_var))],
                      "priorphi": [prior.phi_a, prior.phi_b],
                      "priorsigma": prior.sigma2_scale},
            "sampler_seconds": run.seconds}
    (HERE / "stochvol_reference.json").write_text(json.dumps(meta, indent=2) + "\n")
    print(pd.DataFrame(rows).to_string(index=False))


if __name__ == "__main__":
    main()

"""R stochvol (Hosszejni & Kastner) as a peer to measure against, through ``Rscript``.

Nothing of stochvol is part of the project: it runs in a subprocess on a series written to
a file, with the prior of :class:`synthvol.sv.model.StochvolPriors`, one chain, one thread
(``OMP_NUM_THREADS=1``). The package is found through ``R_LIBS``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from synthvol.sv.model import StochvolPriors

R_SCRIPT = Path(__file__).with_name("stochvol_svsample.R")
#: The quantities whose draws come back: stochvol's sigma is the project's tau.
QUANTITIES = ("mu", "phi", "sigma", "h_n")


@dataclass(frozen=True)
class StochvolRun:
    """One svsample chain: its own sampler time ($runtime, elapsed) and the kept draws."""

    seconds: float
    version: str
    draws: dict[str, np.ndarray]


def _env(r_libs: str | None) -> dict[str, str]:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    if r_libs:
        env["R_LIBS"] = r_libs
    return env


def unavailable_reason(r_libs: str | None = None) -> str | None:
    """None when Rscript runs and stochvol loads; otherwise why not, in one line."""
    if shutil.which("Rscript") is None:
        return "Rscript not on PATH"
    done = subprocess.run(["Rscript", "-e", "library(stochvol)"], env=_env(r_libs),
                          capture_output=True, text=True)
    if done.returncode != 0:
        message = " ".join(done.stderr.split())[:200] or "?"
        return f"R package stochvol not loadable (R_LIBS={r_libs}): {message}"
    return None


def run_stochvol(y: np.ndarray, burnin: int, draws: int, seed: int, prior: StochvolPriors,
                 r_libs: str | None = None) -> StochvolRun:
    """Run svsample(y, draws, burnin) with ``prior`` (priormu = c(mu_mean, sqrt(mu_var)),
    priorphi = c(phi_a, phi_b), priorsigma = sigma2_scale) and R's ``set.seed(seed)``."""
    with tempfile.TemporaryDirectory() as tmp:
        data, out = Path(tmp) / "y.csv", Path(tmp) / "draws.csv"
        pd.DataFrame({"y": np.asarray(y, dtype=np.float64)}).to_csv(
            data, index=False, float_format="%.17g")
        cmd = ["Rscript", str(R_SCRIPT), str(data), str(out), str(int(draws)),
               str(int(burnin)), str(int(seed)), repr(prior.mu_mean),
               repr(float(np.sqrt(prior.mu_var))), repr(prior.phi_a), repr(prior.phi_b),
               repr(prior.sigma2_scale)]
        subprocess.run(cmd, env=_env(r_libs), check=True, capture_output=True, text=True)
        header = out.read_text().splitlines()[0].split()
        frame = pd.read_csv(out, comment="#")
    return StochvolRun(seconds=float(header[2]),
                       version=f"stochvol {header[4]}, R {header[6]}",
                       draws={q: frame[q].to_numpy() for q in QUANTITIES})

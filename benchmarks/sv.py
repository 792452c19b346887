"""Benchmark of the SV samplers side by side with R stochvol, and the study's sampling time.

    python benchmarks/sv.py                         # -> results/benchmarks/sv.csv
    python benchmarks/sv.py --baseline-commit REV   # also time REV's samplers -> sv_study.csv

Same work on both sides: one chain, one core (OMP_NUM_THREADS=1, numba one thread), the same
simulated series (paper truth: mu = -0.00645, phi = 0.99, tau^2 = 0.0225), the same prior
(stochvol's defaults, the project's ``stochvol`` prior family), ``--burnin`` + ``--draws``
sweeps. Runs alternate (stochvol, then each scheme, for each n) over ``--rounds`` rounds;
speed is the best round, timed on the sampler only (stochvol's ``$runtime``, the project's
kernel call). ESS (the project's estimator on both sides' draws of mu, phi, sigma = tau and
h_n) is the median over rounds; ESS/s = that ESS x best sweeps/s / sweeps. R stochvol is
found through ``Rscript`` with ``R_LIBS`` (``--r-libs``); without it the benchmark says so
and writes the project's own speeds, stochvol columns empty.

With ``--baseline-commit``, the samplers of that commit (its ``src/``, run in a subprocess,
paper priors) are timed alternating with this tree's on the study's (scheme, n), and the
default study's sampling time (n_seeds x n_chains chains of n_burn + n_keep sweeps for every
scheme and setting) is extrapolated for both from the measured rates.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ["NUMBA_NUM_THREADS"] = "1"
os.environ["OMP_NUM_THREADS"] = "1"

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
R_SCRIPT = Path(__file__).with_name("sv_stochvol.R")
TRUTH = {"mu": -0.00645, "phi": 0.99, "tau2": 0.0225, "h0": 0.0}
QUANTITIES = ("mu", "phi", "sigma", "h_n")


def simulated_series(n: int, seed: int) -> np.ndarray:
    from synthvol.seeds import rng
    from synthvol.sv.model import simulate_sv

    y, _ = simulate_sv(n, TRUTH["mu"], TRUTH["phi"], TRUTH["tau2"], TRUTH["h0"],
                       rng(seed, "bench", n))
    return y


def project_run(y: np.ndarray, scheme: str, family: str, burnin: int, draws: int,
                seed: int) -> dict[str, object]:
    """One chain of the project's ``scheme``: sampler seconds and the kept draws."""
    from synthvol.sv.model import Priors
    from synthvol.sv.samplers import run_sampler

    if family == "stochvol":
        from synthvol.sv.model import StochvolPriors
        priors = StochvolPriors()
    else:
        priors = Priors()
    inits = np.array([[0.0, 0.9, 0.09]])
    result = run_sampler(y, scheme, priors, inits, burnin, draws, seed)
    return {"seconds": result.seconds,
            "draws": {"mu": result.params["mu"][0], "phi": result.params["phi"][0],
                      "sigma": np.sqrt(result.params["tau2"][0]),
                      "h_n": result.states[0, :, 0]}}


def stochvol_available(r_libs: str | None) -> str | None:
    """None when Rscript and stochvol load; otherwise why not."""
    if shutil.which("Rscript") is None:
        return "Rscript not on PATH"
    done = subprocess.run(["Rscript", "-e", "library(stochvol)"], env=_r_env(r_libs),
                          capture_output=True, text=True)
    if done.returncode != 0:
        return f"R package stochvol not loadable (R_LIBS={r_libs}): {done.stderr.strip()[:200]}"
    return None


def _r_env(r_libs: str | None) -> dict[str, str]:
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    if r_libs:
        env["R_LIBS"] = r_libs
    return env


def stochvol_run(y: np.ndarray, burnin: int, draws: int, seed: int, r_libs: str | None,
                 workdir: Path, prior=None) -> dict[str, object]:
    """One chain of R stochvol's svsample (subprocess): its $runtime and kept draws."""
    from synthvol.sv.model import StochvolPriors

    prior = prior or StochvolPriors()
    data, out = workdir / "y.csv", workdir / "draws.csv"
    pd.DataFrame({"y": y}).to_csv(data, index=False, float_format="%.17g")
    cmd = ["Rscript", str(R_SCRIPT), str(data), str(out), str(draws), str(burnin), str(seed),
           repr(prior.mu_mean), repr(float(np.sqrt(prior.mu_var))), repr(prior.phi_a),
           repr(prior.phi_b), repr(prior.sigma2_scale)]
    subprocess.run(cmd, env=_r_env(r_libs), check=True, capture_output=True, text=True)
    header = out.read_text().splitlines()[0].split()
    frame = pd.read_csv(out, comment="#")
    return {"seconds": float(header[2]), "version": f"stochvol {header[4]}, R {header[6]}",
            "draws": {q: frame[q].to_numpy() for q in QUANTITIES}}


def ess(draws: np.ndarray) -> float:
    from synthvol.sv.diagnostics import effective_sample_size

    return effective_sample_size(draws[None, :])


def summarise(runs: list[dict[str, object]], sweeps: int) -> dict[str, float]:
    """Best sweeps/s and ESS/s (median ESS over rounds x best speed) of one sampler."""
    best = min(float(r["seconds"]) for r in runs)
    out = {"sweeps_per_second": sweeps / best}
    for q in QUANTITIES:
        median_ess = float(np.median([ess(r["draws"][q]) for r in runs]))
        out[f"ess_{q}"] = median_ess
        out[f"ess_per_second_{q}"] = median_ess / best
    return out


def side_by_side(sizes, schemes, rounds, burnin, draws, r_libs, log) -> pd.DataFrame:
    """The alternating rounds against stochvol; one row per (scheme, n)."""
    from synthvol.sv.samplers import warm_up

    why_not = stochvol_available(r_libs)
    if why_not:
        log(f"R stochvol not available ({why_not}): writing the project's own speeds only")
    log("compiling numba kernels...")
    warm_up()
    sweeps = burnin + draws
    ours: dict[tuple[str, int], list] = {}
    theirs: dict[int, list] = {}
    version = ""
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):
            for n in sizes:
                y = simulated_series(n, 1)
                if not why_not:
                    run = stochvol_run(y, burnin, draws, r + 1, r_libs, Path(tmp))
                    version = str(run["version"])
                    theirs.setdefault(n, []).append(run)
                    log(f"round {r + 1} n={n} stochvol: {sweeps / run['seconds']:,.0f} sweeps/s")
                for scheme in schemes:
                    run = project_run(y, scheme, "stochvol", burnin, draws, r + 1)
                    ours.setdefault((scheme, n), []).append(run)
                    log(f"round {r + 1} n={n} scheme {scheme}: "
                        f"{sweeps / run['seconds']:,.0f} sweeps/s")
    rows = []
    for (scheme, n), runs in ours.items():
        row = {"scheme": scheme, "n": n, "burnin": burnin, "draws": draws, "rounds": rounds,
               **summarise(runs, sweeps)}
        ref = summarise(theirs[n], sweeps) if n in theirs else None
        row["stochvol_sweeps_per_second"] = ref["sweeps_per_second"] if ref else np.nan
        row["ratio"] = row["sweeps_per_second"] / row["stochvol_sweeps_per_second"]
        for q in QUANTITIES:
            key = f"ess_per_second_{q}"
            row[f"stochvol_{key}"] = ref[key] if ref else np.nan
            row[f"ess_ratio_{q}"] = row[key] / row[f"stochvol_{key}"]
        row["stochvol_version"] = version or "not available"
        rows.append(row)
    return pd.DataFrame(rows)


# ----------------------------------------------------------------- study time, before/after

def worker(args: argparse.Namespace) -> None:
    """Subprocess mode: print JSON sweeps/s of the importable samplers (paper priors)."""
    from synthvol.sv.samplers import warm_up

    warm_up()
    sweeps = args.burnin + args.draws
    best = {}
    for scheme in args.schemes:
        for n in args.sizes:
            y = simulated_series(n, 1)
            seconds = project_run(y, scheme, "paper", args.burnin, args.draws, 1)["seconds"]
            best[f"{scheme}|{n}"] = sweeps / seconds
    print(json.dumps(best))


def _rates(src: Path, schemes, sizes, burnin, draws) -> dict[tuple[str, int], float]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", "--schemes", *schemes,
           "--sizes", *map(str, sizes), "--burnin", str(burnin), "--draws", str(draws)]
    done = subprocess.run(cmd, env={**os.environ, "PYTHONPATH": str(src)}, check=True,
                          capture_output=True, text=True)
    return {(k.split("|")[0], int(k.split("|")[1])): v
            for k, v in json.loads(done.stdout.splitlines()[-1]).items()}


def study_time(commit: str, rounds: int, log) -> pd.DataFrame:
    """Sampling seconds of the default study, this tree vs ``commit``, from rates measured
    alternately (best of ``rounds``) with the study's burn-in and draws."""
    from synthvol.config import load_params
    from synthvol.sv import design

    sv = load_params(REPO / "params.yaml")["sv"]
    schemes, settings = list(sv["schemes"]), design.settings(sv)
    sizes = sorted({s.n for s in settings})
    burnin, draws = int(sv["n_burn"]), int(sv["n_keep"])
    best: dict[str, dict] = {"current": {}, commit: {}}
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "archive", commit, "src"], cwd=REPO, check=True,
                                 capture_output=True).stdout
        subprocess.run(["tar", "x", "-C", tmp], input=archive, check=True)
        sources = {"current": REPO / "src", commit: Path(tmp) / "src"}
        for r in range(rounds):
            for label, src in sources.items():
                for key, rate in _rates(src, schemes, sizes, burnin, draws).items():
                    best[label][key] = max(best[label].get(key, 0.0), rate)
            log(f"study rates round {r + 1}/{rounds} done")
    chains = int(sv["n_seeds"]) * int(sv["n_chains"])
    rows = []
    for label, rates in best.items():
        seconds = sum(chains * (burnin + draws) / rates[(scheme, s.n)]
                      for scheme in schemes for s in settings)
        per_scheme = {f"seconds_{scheme}": sum(chains * (burnin + draws) / rates[(scheme, s.n)]
                                               for s in settings) for scheme in schemes}
        rows.append({"code": label, "sampling_cpu_seconds": seconds, **per_scheme})
    frame = pd.DataFrame(rows)
    frame["share_of_baseline"] = frame["sampling_cpu_seconds"] / float(
        frame.loc[frame["code"] == commit, "sampling_cpu_seconds"].iloc[0])
    return frame


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 500, 2000])
    parser.add_argument("--schemes", nargs="+", default=["I", "II", "III", "IV", "V"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--burnin", type=int, default=1000)
    parser.add_argument("--draws", type=int, default=10000)
    parser.add_argument("--r-libs", default=os.environ.get("R_LIBS"))
    parser.add_argument("--baseline-commit", help="also time this commit's samplers (study)")
    parser.add_argument("--out", default=str(REPO / "results" / "benchmarks" / "sv.csv"))
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    from synthvol.io import write_csv

    def log(message: str) -> None:
        print(message, flush=True)

    table = side_by_side(args.sizes, args.schemes, args.rounds, args.burnin, args.draws,
                         args.r_libs, log)
    write_csv(table, args.out)
    columns = ["scheme", "n", "sweeps_per_second", "stochvol_sweeps_per_second", "ratio",
               *(f"ess_ratio_{q}" for q in QUANTITIES)]
    print(table[columns].to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
    if args.baseline_commit:
        study = study_time(args.baseline_commit, args.rounds, log)
        write_csv(study, str(Path(args.out).with_name("sv_study.csv")))
        print(study.to_string(index=False, float_format=lambda v: f"{v:,.2f}"))


if __name__ == "__main__":
    main()

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
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

os.environ["NUMBA_NUM_THREADS"] = "1"
os.environ["OMP_NUM_THREADS"] = "1"

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
#: The quantities compared (stochvol's sigma is the project's tau).
QUANTITIES = ("mu", "phi", "sigma", "h_n")
TRUTH = {"mu": -0.00645, "phi": 0.99, "tau2": 0.0225, "h0": 0.0}


def simulated_series(n: int, seed: int) -> np.ndarray:
    from synthvol.seeds import rng
    from synthvol.sv.model import simulate_sv

    y, _ = simulate_sv(n, TRUTH["mu"], TRUTH["phi"], TRUTH["tau2"], TRUTH["h0"],
                       rng(seed, "bench", n))
    return y


@dataclass(frozen=True)
class ChainRun:
    """One chain of the project's samplers: sampler seconds and the kept draws."""

    seconds: float
    draws: dict[str, np.ndarray]


def study_sv() -> dict:
    """params.yaml's ``sv`` section, as plain YAML: the worker may import an older package."""
    import yaml

    return yaml.safe_load((REPO / "params.yaml").read_text(encoding="utf-8"))["sv"]


def priors(family: str):
    """The study's priors (``sv.prior``) of ``family``: paper or stochvol (built from the
    plain YAML, as the worker may import an older package)."""
    from synthvol.sv.model import Priors, StochvolPriors

    prior = study_sv()["prior"]
    if family == "stochvol":
        return StochvolPriors(**prior["stochvol"])
    return Priors(**{k: v for k, v in prior.items() if k not in ("family", "stochvol")})


def project_run(y: np.ndarray, scheme: str, family: str, burnin: int, draws: int,
                seed: int) -> ChainRun:
    """One chain of the project's ``scheme``: sampler seconds and the kept draws."""
    from synthvol.sv.model import Tuning
    from synthvol.sv.samplers import run_sampler

    sv = study_sv()
    inits = np.array([[0.0, 0.9, 0.09]])
    result = run_sampler(y, scheme, priors(family), inits, burnin, draws, seed,
                         state_index=None, tuning=Tuning(**sv["tuning"]),
                         log_offset=float(sv["log_offset"]))
    return ChainRun(result.seconds,
                    {"mu": result.params["mu"][0], "phi": result.params["phi"][0],
                     "sigma": np.sqrt(result.params["tau2"][0]),
                     "h_n": result.states[0, :, 0]})


def ess(draws: np.ndarray) -> float:
    from synthvol.sv.diagnostics import effective_sample_size

    return effective_sample_size(draws[None, :])


def summarise(runs: list, sweeps: int) -> dict[str, float]:
    """Best sweeps/s and ESS/s (median ESS over rounds x best speed) of one sampler."""
    best = min(r.seconds for r in runs)
    out = {"sweeps_per_second": sweeps / best}
    for q in QUANTITIES:
        median_ess = float(np.median([ess(r.draws[q]) for r in runs]))
        out[f"ess_{q}"] = median_ess
        out[f"ess_per_second_{q}"] = median_ess / best
    return out


def side_by_side(sizes, schemes, rounds, burnin, draws, r_libs, log) -> pd.DataFrame:
    """The alternating rounds against stochvol; one row per (scheme, n)."""
    from synthvol.sv.rstochvol import run_stochvol, unavailable_reason
    from synthvol.sv.samplers import warm_up

    why_not = unavailable_reason(r_libs)
    if why_not:
        log(f"R stochvol not available ({why_not}): writing the project's own speeds only")
    log("compiling numba kernels...")
    warm_up()
    sweeps = burnin + draws
    ours: dict[tuple[str, int], list] = {}
    theirs: dict[int, list] = {}
    version = ""
    for r in range(rounds):
        for n in sizes:
            y = simulated_series(n, 1)
            if not why_not:
                run = run_stochvol(y, burnin, draws, r + 1, priors("stochvol"), r_libs=r_libs)
                version = run.version
                theirs.setdefault(n, []).append(run)
                log(f"round {r + 1} n={n} stochvol: {sweeps / run.seconds:,.0f} sweeps/s")
            for scheme in schemes:
                run = project_run(y, scheme, "stochvol", burnin, draws, r + 1)
                ours.setdefault((scheme, n), []).append(run)
                log(f"round {r + 1} n={n} scheme {scheme}: {sweeps / run.seconds:,.0f} sweeps/s")
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
            seconds = project_run(y, scheme, "paper", args.burnin, args.draws, 1).seconds
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
    from synthvol.sv.design import SVDesign

    design = SVDesign.from_params(load_params(REPO / "params.yaml")["sv"])
    schemes, settings = list(design.schemes), list(design.settings.values())
    sizes = sorted({s.n for s in settings})
    burnin, draws = design.n_burn, design.n_keep
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
    chains = design.n_seeds * design.n_chains
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

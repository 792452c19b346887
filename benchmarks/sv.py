"""Benchmark of the SV samplers: draws per second per scheme on one core, and the wall
time of the default 50-seed study (extrapolated from the measured rates, or measured).

    python benchmarks/sv.py            # rates + extrapolated study time -> results/benchmarks/sv.csv
    python benchmarks/sv.py --study    # also time `snakemake --cores 2` on the sv study

A "draw" is one full sweep (all h_t, mu, phi, tau^2) of one chain. Reference (issue 3):
the C++ R package stochvol draws about 15,000/s at n = 500 and 70,000/s at n = 100.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

os.environ.setdefault("NUMBA_NUM_THREADS", "1")

from synthvol.config import load_params  # noqa: E402
from synthvol.io import write_csv  # noqa: E402
from synthvol.seeds import rng  # noqa: E402
from synthvol.sv import design  # noqa: E402
from synthvol.sv.model import SCHEMES, Priors, simulate_sv  # noqa: E402
from synthvol.sv.samplers import run_sampler, warm_up  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
STOCHVOL_REFERENCE = {100: 70_000.0, 500: 15_000.0}


def draws_per_second(scheme: str, n: int, sweeps: int = 5000, repeats: int = 3) -> float:
    """Best of ``repeats`` single-chain runs of ``sweeps`` sweeps at the paper's truth."""
    y, _ = simulate_sv(n, -0.00645, 0.99, 0.0225, 0.0, rng(1, "bench", n))
    inits = np.array([[0.0, 0.95, 0.05]])
    best = 0.0
    for r in range(repeats):
        result = run_sampler(y, scheme, Priors(), inits, sweeps // 2, sweeps - sweeps // 2, r)
        best = max(best, result.draws_per_second)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", action="store_true", help="also time the full study")
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()
    warm_up()
    sv = load_params(REPO / "params.yaml")["sv"]
    rows = []
    rates = {}
    for n in (100, 500):
        for scheme in SCHEMES:
            rate = draws_per_second(scheme, n)
            rates[(scheme, n)] = rate
            rows.append({"measure": "draws_per_second", "scheme": scheme, "n": n,
                         "value": rate, "reference_stochvol": STOCHVOL_REFERENCE[n],
                         "ratio_to_reference": rate / STOCHVOL_REFERENCE[n]})
            print(f"scheme {scheme:>3} n={n}: {rate:,.0f} draws/s", flush=True)
    # Extrapolated study time: every (scheme, setting) runs n_seeds x n_chains chains of
    # n_burn + n_keep sweeps; rates scale ~linearly in n between the two measured sizes.
    sweeps = int(sv["n_seeds"]) * int(sv["n_chains"]) * (int(sv["n_burn"]) + int(sv["n_keep"]))
    cpu_seconds = 0.0
    for setting in design.settings(sv):
        for scheme in sv["schemes"]:
            per_sweep_100 = 1.0 / rates[(scheme, 100)]
            per_sweep_500 = 1.0 / rates[(scheme, 500)]
            slope = (per_sweep_500 - per_sweep_100) / 400.0
            cpu_seconds += sweeps * (per_sweep_100 + slope * (setting.n - 100))
    rows.append({"measure": "study_seconds_extrapolated", "scheme": "all", "n": 0,
                 "value": cpu_seconds / args.cores})
    print(f"default study, sampling only: {cpu_seconds:,.0f} CPU s = "
          f"{cpu_seconds / args.cores:,.0f} s on {args.cores} cores (extrapolated)")
    if args.study:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "snakemake", "--cores", str(args.cores),
                        "--allowed-rules", "sv_chunk", "sv_aggregate", "--forcerun",
                        "sv_chunk", "--", "results/sv/summary.parquet"], cwd=REPO, check=True)
        wall = time.perf_counter() - start
        rows.append({"measure": "study_seconds_measured", "scheme": "all", "n": 0,
                     "value": wall})
        print(f"default study measured: {wall:,.0f} s on {args.cores} cores")
    write_csv(pd.DataFrame(rows), REPO / "results" / "benchmarks" / "sv.csv")


if __name__ == "__main__":
    main()

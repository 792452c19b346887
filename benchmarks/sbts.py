"""SBTS sampling speed on the case of the official code's timing: 1000 paths of length 24 in
5 dimensions from 1000 training paths, N_π = 100 Euler substeps per step.

    python benchmarks/sbts.py        # -> results/benchmarks/sbts.csv

Training paths are the first 1000 min-max scaled Stocks windows (24 steps, Open..Adj_Close).
Reference: the official SBTS code takes 93–159 s on this kind of CPU; target ≤ 10 s.
Times are the best of three runs after a warm-up (numba compilation excluded), for 1 and 2
numba threads, with the whole past (the paper's estimator) and the Markovian K = 5 variant.
"""

from __future__ import annotations

import time
from pathlib import Path

import numba
import numpy as np
import pandas as pd

from synthvol.generators.sbts import SBTS
from synthvol.io import write_csv

REPO = Path(__file__).resolve().parents[1]
OFFICIAL_SECONDS = (93.0, 159.0)


def training_paths(n_paths: int = 1000, length: int = 24, dims: int = 5) -> np.ndarray:
    """The first ``n_paths`` stride-1 windows of the min-max scaled Stocks data."""
    data = pd.read_csv(REPO / "data/benchmarks/timegan-stocks/stock_data.csv").to_numpy()[:, :dims]
    data = (data - data.min(0)) / (data.max(0) - data.min(0))
    windows = np.lib.stride_tricks.sliding_window_view(data, (length, dims))[:, 0]
    return np.ascontiguousarray(windows[:n_paths])


def main() -> None:
    paths = training_paths()
    rows = []
    for threads in (1, 2):
        numba.set_num_threads(threads)
        for order in (None, 5):
            model = SBTS(seed=1, bandwidth=0.1, n_substeps=100, markov_order=order)
            model.fit(paths)
            model.sample(4)                                   # compile / load the cache
            best = np.inf
            for _ in range(3):
                start = time.perf_counter()
                model.sample(1000)
                best = min(best, time.perf_counter() - start)
            label = "whole past" if order is None else f"markov K={order}"
            rows.append({"threads": threads, "condition": label, "paths": 1000, "length": 24,
                         "dims": 5, "references": len(paths), "n_substeps": 100,
                         "seconds": best, "speedup_vs_official_fastest": OFFICIAL_SECONDS[0] / best})
            print(f"threads={threads} {label}: {best:.2f} s", flush=True)
    write_csv(pd.DataFrame(rows), REPO / "results" / "benchmarks" / "sbts.csv")


if __name__ == "__main__":
    main()

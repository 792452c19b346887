"""SBTS sampling speed against the official code (alexouadi/SBTS), side by side in one run.

Case: 100 paths of 24 steps in d = 5 from 1000 training paths, N_π = 100 Euler substeps per
step, bandwidth 0.1, with the whole past (the paper's estimator, official
``models/sbts_multi.py``) and the Markovian K = 5 variant (``models/sbts_multi_markovian.py``).
Training paths are the first 1000 min-max scaled Stocks windows (Open..Adj_Close), each
preceded by the common start point 0, given to both implementations.

    python benchmarks/sbts.py [--official PATH]    # -> results/benchmarks/sbts.csv

``PATH`` (or the environment variable ``SBTS_OFFICIAL``) is a checkout of
github.com/alexouadi/SBTS; without one the official rows are left out and the script says
so. The official sampler is serial (one path after another, no parallel loop), so its
time does not depend on the thread count; ours is measured with 1 and 2 numba threads, and
the ratio of each row is official seconds / our seconds on the same case in this run.
Times are the best of ``--repeats`` runs after a warm-up (numba compilation excluded),
alternating official and ours so both see the same machine load.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import os
import sys
import time
from pathlib import Path
from types import ModuleType

import numba
import numpy as np
import pandas as pd

from synthvol.generators.sbts import SBTS
from synthvol.io import write_csv
from synthvol.progress import get_logger

REPO = Path(__file__).resolve().parents[1]
PATHS, LENGTH, DIMS, REFERENCES, SUBSTEPS, BANDWIDTH, MARKOV_ORDER = 100, 24, 5, 1000, 100, 0.1, 5
OFFICIAL_MODULES = {None: ("sbts_multi", "simulateSB_multi"),
                    MARKOV_ORDER: ("sbts_multi_markovian", "simulateSB_multi_mark")}


def training_paths(n_paths: int = REFERENCES, length: int = LENGTH,
                   dims: int = DIMS) -> np.ndarray:
    """The first ``n_paths`` stride-1 windows of the min-max scaled Stocks data."""
    data = pd.read_csv(REPO / "data/benchmarks/timegan-stocks/stock_data.csv").to_numpy()[:, :dims]
    data = (data - data.min(0)) / (data.max(0) - data.min(0))
    windows = np.lib.stride_tricks.sliding_window_view(data, (length, dims))[:, 0]
    return np.ascontiguousarray(windows[:n_paths])


def load_official(checkout: Path, module: str) -> ModuleType:
    """Import one module of the official code from a checkout (never copied into this repo)."""
    if not (checkout / "models" / f"{module}.py").is_file():
        raise SystemExit(f"benchmarks/sbts.py: {checkout}/models/{module}.py not found; "
                         "--official must point to a checkout of github.com/alexouadi/SBTS")
    if str(checkout) not in sys.path:
        sys.path.insert(0, str(checkout))
    return importlib.import_module(f"models.{module}")


def official_sampler(checkout: Path, order: int | None, paths: np.ndarray):
    """A callable drawing ``n`` paths with the official code on the same references."""
    module, name = OFFICIAL_MODULES[order]
    simulate = getattr(load_official(checkout, module), name)
    refs = np.concatenate([np.zeros((len(paths), 1, DIMS)), paths], axis=1)
    m = len(refs)

    def draw(n: int) -> None:
        args = (LENGTH, m, DIMS) + (() if order is None else (order,))
        simulate(*args, refs, SUBSTEPS, BANDWIDTH, 1.0 / LENGTH, n)

    return draw


def seconds_to_draw(draw, n: int) -> float:
    """Wall seconds of one call ``draw(n)``."""
    start = time.perf_counter()
    draw(n)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--official", default=os.environ.get("SBTS_OFFICIAL"),
                        help="checkout of github.com/alexouadi/SBTS (default: $SBTS_OFFICIAL)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    logger = get_logger("benchmarks")
    paths = training_paths()
    if args.official is None:
        print("official SBTS checkout not given (--official or SBTS_OFFICIAL): measuring ours "
              "only, no ratio", flush=True)
    rows = []
    for order in (None, MARKOV_ORDER):
        label = "whole past" if order is None else f"markov K={order}"
        model = SBTS.configured(seed=1, bandwidth=BANDWIDTH, n_substeps=SUBSTEPS,
                                markov_order=order, max_references=None)   # every path
        model.fit(paths)
        logger.info("compiling numba kernels...")
        model.sample(4)
        official = None
        if args.official is not None:
            official = official_sampler(Path(args.official), order, paths)
            with contextlib.redirect_stdout(io.StringIO()):   # it prints its own timings
                official(2)                                    # compile / load its numba cache
        ours = {1: np.inf, 2: np.inf}
        theirs = np.inf
        for _ in range(args.repeats):
            if official is not None:
                with contextlib.redirect_stdout(io.StringIO()):
                    theirs = min(theirs, seconds_to_draw(official, PATHS))
            for threads, best in ours.items():
                numba.set_num_threads(threads)
                ours[threads] = min(best, seconds_to_draw(model.sample, PATHS))
        for threads, seconds in ours.items():
            ratio = theirs / seconds if official is not None else np.nan
            rows.append({"condition": label, "paths": PATHS, "length": LENGTH, "dims": DIMS,
                         "references": len(paths), "n_substeps": SUBSTEPS,
                         "bandwidth": BANDWIDTH, "threads": threads,
                         "official_threads": 1, "seconds": seconds,
                         "official_seconds": theirs if official is not None else np.nan,
                         "speedup_vs_official": ratio})
            print(f"{label}, {threads} thread(s): ours {seconds:.3f} s, official "
                  f"{theirs:.3f} s, ratio {ratio:.1f}", flush=True)
    write_csv(pd.DataFrame(rows), REPO / "results" / "benchmarks" / "sbts.csv")


if __name__ == "__main__":
    main()

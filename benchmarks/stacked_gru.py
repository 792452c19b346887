"""CPU time of the published protocol's GRU classifiers trained one at a time and side by
side (:class:`synthvol.evaluation.scores.StackedGRU`), in one run on this machine.

    python benchmarks/stacked_gru.py                 # 30 networks: 6 sources x 5 runs
    python benchmarks/stacked_gru.py --iterations 2000

The calibration's market: 764 held-out windows of 60 returns against 6 candidate sets of
1,000, params.yaml's ``evaluation.stocks.scores`` (hidden 1) with ``--iterations`` mini-batch
steps. Both ways must give the same scores (checked here too, and in the tests). Writes
``results/benchmarks/stacked_gru.csv``: networks, iterations, CPU seconds each way, ratio.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import torch  # noqa: E402

from synthvol.config import study_defaults  # noqa: E402
from synthvol.evaluation.scores import (  # noqa: E402
    ScoreSettings,
    discriminative_score,
    discriminative_scores,
)
from synthvol.io import write_csv  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--sources", type=int, default=6)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", default=str(REPO / "results/benchmarks/stacked_gru.csv"))
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    settings = replace(ScoreSettings.from_mapping(study_defaults("evaluation.stocks.scores")),
                       discriminative_iterations=args.iterations)
    draws = np.random.default_rng(0)
    heldout = draws.uniform(-1.0, 1.0, (764, 60))
    tasks = [(heldout, draws.uniform(-1.0, 1.0, (1000, 60)), seed)
             for _ in range(args.sources) for seed in range(args.runs)]
    start = time.process_time()
    alone = [discriminative_score(real, synthetic, settings, seed)
             for real, synthetic, seed in tasks]
    alone_cpu = time.process_time() - start
    start = time.process_time()
    together = discriminative_scores(tasks, settings)
    stacked_cpu = time.process_time() - start
    if together != alone:
        raise SystemExit("side-by-side scores differ from one-at-a-time scores")
    row = {"networks": len(tasks), "iterations": args.iterations,
           "alone_cpu_s": alone_cpu, "stacked_cpu_s": stacked_cpu,
           "ratio": alone_cpu / stacked_cpu}
    write_csv(pd.DataFrame([row]), args.out)
    print(pd.DataFrame([row]).to_string(index=False, float_format="{:.2f}".format))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

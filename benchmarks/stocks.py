"""The Stocks benchmark (TimeGAN's protocol): train, time, sample and score every generator
on the Google stock data, beside each one's copy floor and the training windows themselves
-> results/benchmarks/stocks.csv (the headline two-sample test against the held-out windows
with the study's columns headline_score, headline_score_se, verdict, beats_copy_floor; beside
it the published protocol's GRU scores, whose discriminative split leaks; memorisation
checks, stylized-facts distance, timings) and results/benchmarks/stocks_goal.csv (the
issue-10 goal, line by line).

    python benchmarks/stocks.py                                   # generators.enabled, params.yaml
    python benchmarks/stocks.py --generators sbts timegan         # a subset
    python benchmarks/stocks.py --configfile config/quick.yaml    # quick score sizes

The same as ``snakemake --cores 2 benchmark_stocks`` (not part of the default target).
Published on this data (Diffusion-TS, ICLR 2024, Table 1): discriminative Diffusion-TS
0.067, TimeGAN 0.102, TimeVAE 0.145; predictive 0.036-0.039, real data 0.036.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from synthvol.config import load_params, load_yaml
from synthvol.evaluation.stocks import write_stocks_benchmark
from synthvol.progress import configure_logging

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configfile", type=Path, help="overrides merged over params.yaml")
    parser.add_argument("--generators", nargs="+", help="default: evaluation.stocks.generators "
                        "or generators.enabled")
    parser.add_argument("--output", type=Path, default=REPO / "results/benchmarks/stocks.csv")
    parser.add_argument("--goal-output", type=Path,
                        default=REPO / "results/benchmarks/stocks_goal.csv")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    configure_logging()
    overrides = load_yaml(args.configfile) if args.configfile else None
    params = load_params(REPO / "params.yaml", overrides)
    stocks = dict(params["evaluation"]["stocks"])
    if args.generators:
        stocks["generators"] = args.generators
    table, goal = write_stocks_benchmark(REPO / stocks["data"], stocks,
                                         params["generators"], params["seed"],
                                         args.output, args.goal_output, args.threads)
    print(table.to_string(index=False, float_format="{:.4f}".format))
    print(goal.to_string(index=False))


if __name__ == "__main__":
    main()

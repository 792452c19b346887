"""Size and power of the study's verdicts on simulated markets with known processes.

    python benchmarks/calibration.py                      # headline, 20 markets per kind
    python benchmarks/calibration.py --markets 5 --out /tmp/calibration.csv
    python benchmarks/calibration.py --scores published   # the GRU protocol, 20 markets per kind
    python benchmarks/calibration.py --seed 20261207 \
        --out results/benchmarks/calibration_fresh_seed.csv   # markets of another seed

For each of ``--markets`` GARCH(1,1)-t and stochastic-volatility markets (as long as the
study's data and cut the same way, :mod:`synthvol.evaluation.markets`), every calibration
generator gets each score's verdict against ``real_train``: ``headline`` (the two-sample
test, params.yaml's ``evaluation.headline``) and ``published`` (TimeGAN's GRU
discriminative score against the held-out windows, ``evaluation.stocks.scores``: 5 runs of
2,000 iterations per source, 30 GRU trainings per market trained side by side
and not in the default). Writes the rejection table (columns ``score, market, generator,
n_markets, rejection_rate, rejection_rate_se`` and the mean scores) to ``--out`` and the
per-market rows beside it (``*_markets.csv``); rows of a score and market kind not run this
time are kept from existing files, so runs of each score (or kind) add up to one table.
Size = the ``true`` generator's rejection rate (target <= 10%); power = the others' (target
>= 80% for iid_normal, garch_gaussian and copy_floor).
One BLAS and torch thread, two numba threads.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("NUMBA_NUM_THREADS", "2")

import pandas as pd  # noqa: E402
import torch  # noqa: E402
import yaml  # noqa: E402

from synthvol.evaluation.markets import (  # noqa: E402
    MARKETS,
    calibrate,
    headline_scorer,
    published_scorer,
    replace_runs,
)
from synthvol.evaluation.scores import ScoreSettings  # noqa: E402
from synthvol.evaluation.twosample import HeadlineSettings  # noqa: E402
from synthvol.io import write_csv  # noqa: E402
from synthvol.progress import configure_logging  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
#: Score name -> (params section of its settings, settings class, scorer).
SCORES = {"headline": ("evaluation.headline", HeadlineSettings, headline_scorer),
          "published": ("evaluation.stocks.scores", ScoreSettings, published_scorer)}


def merged(path: Path, rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` over the rows already in ``path``, if it exists (:func:`replace_runs`)."""
    return replace_runs(pd.read_csv(path), rows) if path.exists() else rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markets", type=int, default=20, help="markets per kind (default 20)")
    parser.add_argument("--out", default=str(REPO / "results/benchmarks/calibration.csv"))
    parser.add_argument("--params", default=str(REPO / "params.yaml"))
    parser.add_argument("--n-samples", type=int, default=None,
                        help="windows per generator (default: params generators.n_samples)")
    parser.add_argument("--scores", nargs="+", choices=tuple(SCORES), default=["headline"],
                        help="scores to calibrate (default: headline)")
    parser.add_argument("--kinds", nargs="+", choices=MARKETS, default=list(MARKETS),
                        help="market kinds (default: all)")
    parser.add_argument("--seed", type=int, default=None,
                        help="seed of the markets and tests (default: params seed); another "
                             "seed gives markets out of sample for the thresholds")
    args = parser.parse_args(argv)
    configure_logging()
    torch.set_num_threads(1)
    params = yaml.safe_load(Path(args.params).read_text(encoding="utf-8"))
    scorers = {}
    for score in dict.fromkeys(args.scores):
        section, settings, scorer = SCORES[score]
        node = params
        try:
            for key in section.split("."):
                node = node[key]
        except (KeyError, TypeError):
            print(f"{args.params}: lacks the section {section}", file=sys.stderr)
            return 2
        scorers[score] = scorer(settings.from_mapping(dict(node)))
    try:
        n_samples = args.n_samples or int(params["generators"]["n_samples"])
        seed = args.seed if args.seed is not None else int(params["seed"])
    except KeyError as err:
        print(f"{args.params}: lacks the key {err}", file=sys.stderr)
        return 2
    table, per_market = calibrate(args.markets, scorers, seed, n_samples, tuple(args.kinds))
    out = Path(args.out)
    table = merged(out, table)
    write_csv(table, out, index=False)
    markets_out = out.with_name(f"{out.stem}_markets{out.suffix}")
    write_csv(merged(markets_out, per_market), markets_out, index=False)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

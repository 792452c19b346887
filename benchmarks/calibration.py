"""Size and power of the headline two-sample verdict on simulated markets with known processes.

    python benchmarks/calibration.py                      # 20 markets per kind
    python benchmarks/calibration.py --markets 5 --out /tmp/calibration.csv
    python benchmarks/calibration.py --seed 20261207 --out /tmp/fresh.csv  # a second draw

For each of ``--markets`` GARCH(1,1)-t and stochastic-volatility markets (as long as the
study's data and cut the same way, :mod:`synthvol.evaluation.markets`), every calibration
generator gets the study's verdict against ``real_train`` with params.yaml's
``evaluation.headline`` settings, at params.yaml's ``seed`` unless ``--seed`` names another
(fresh markets and generators: a second draw of the table). Writes the rejection table
(columns ``score, market, generator, n_markets, rejection_rate, rejection_rate_se`` and the
mean AUCs) to ``--out``
and the per-market rows beside it (``*_markets.csv``). Size = the ``true`` generator's
rejection rate (target <= 10%); power = the others' (target >= 80% for iid_normal,
garch_gaussian and copy_floor). One BLAS and two numba threads (2 cores).

The published TimeGAN protocol (the GRU discriminative score) is not calibrated here: the
study no longer computes it (evaluation.scores is gone), see docs/evaluation.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("NUMBA_NUM_THREADS", "2")

import yaml  # noqa: E402

from synthvol.evaluation.markets import calibrate  # noqa: E402
from synthvol.evaluation.twosample import HeadlineSettings  # noqa: E402
from synthvol.io import write_csv  # noqa: E402
from synthvol.progress import configure_logging  # noqa: E402

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markets", type=int, default=20, help="markets per kind (default 20)")
    parser.add_argument("--out", default=str(REPO / "results/benchmarks/calibration.csv"))
    parser.add_argument("--params", default=str(REPO / "params.yaml"))
    parser.add_argument("--seed", type=int, default=None,
                        help="seed of the markets and generators (default: params seed)")
    parser.add_argument("--n-samples", type=int, default=None,
                        help="windows per generator (default: params generators.n_samples)")
    args = parser.parse_args(argv)
    configure_logging()
    params = yaml.safe_load(Path(args.params).read_text(encoding="utf-8"))
    try:
        settings = HeadlineSettings.from_mapping(dict(params["evaluation"]["headline"]))
        n_samples = args.n_samples or int(params["generators"]["n_samples"])
        seed = int(params["seed"]) if args.seed is None else args.seed
    except KeyError as err:
        print(f"{args.params}: lacks the key {err}", file=sys.stderr)
        return 2
    table, per_market = calibrate(args.markets, settings, seed, n_samples)
    write_csv(table, args.out, index=False)
    out = Path(args.out)
    write_csv(per_market, out.with_name(f"{out.stem}_markets{out.suffix}"), index=False)
    print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

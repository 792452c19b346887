"""Snakemake adapter: the headline verdict's size and power on simulated markets, at the
study's size (``evaluation.calibration``; the full size is benchmarks/calibration.py)."""

import numba

from synthvol.evaluation.markets import calibrate, headline_scorer
from synthvol.evaluation.twosample import HeadlineSettings
from synthvol.io import write_csv
from synthvol.workflow import run_rule


def main(smk):
    numba.set_num_threads(min(max(1, int(smk.params.threads)), numba.config.NUMBA_NUM_THREADS))
    headline = headline_scorer(HeadlineSettings.from_mapping(dict(smk.params.headline)))
    table, _ = calibrate(smk.params.calibration["n_markets"], {"headline": headline},
                         smk.params.seed, smk.params.n_samples)
    write_csv(table, smk.output[0])


run_rule(main, snakemake)  # noqa: F821

"""Snakemake adapter: the headline test's size and power on simulated markets, at the study's
size (benchmarks/calibration.py's ``calibrate``; its own default size is the benchmark's)."""

import importlib.util

from synthvol.io import write_csv
from synthvol.workflow import run_rule


def main(smk):
    spec = importlib.util.spec_from_file_location("calibration", smk.input.code)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    table = module.calibrate(smk.params.calibration["n_markets"], smk.params.headline,
                             smk.params.seed)
    write_csv(table, smk.output[0])


run_rule(main, snakemake)  # noqa: F821

"""Snakemake adapter: one generator's copy floor (matched noisy copies of training windows),
matched to all its trainings' samples."""

from synthvol.evaluation.compare import write_copy_floor
from synthvol.evaluation.sources import RealData
from synthvol.io import read_json
from synthvol.workflow import run_rule


def main(smk):
    i = smk.input
    real = RealData.load(i.train, i.test, i.scaler, i.windows, i.heldout)
    write_copy_floor(smk.wildcards.generator, real, list(i.samples),
                     float(read_json(i.summary)["last_train_price"]), smk.params.window_length,
                     smk.params.seed, smk.output.samples, smk.output.info)


run_rule(main, snakemake)  # noqa: F821

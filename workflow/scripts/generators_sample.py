"""Snakemake adapter: sample one trained generator into the shared sample format."""

from synthvol.generators.pipeline import sample_generator
from synthvol.workflow import run_rule


def main(smk):
    sample_generator(smk.input.model, smk.input.scaler, smk.input.summary,
                     smk.params.n_samples, smk.output.samples, smk.output.info,
                     smk.params.device, smk.params.torch_threads, smk.params.long)


run_rule(main, snakemake)  # noqa: F821

"""Snakemake adapter: train one generator on the prepared windows, write checkpoint + timing."""

from synthvol.generators.pipeline import train_generator
from synthvol.workflow import run_rule


def main(smk):
    train_generator(smk.wildcards.generator, int(smk.wildcards.training), smk.params.seed,
                    smk.params.generators, smk.input.windows, smk.output.model,
                    smk.output.train, smk.params.torch_threads)


run_rule(main, snakemake)  # noqa: F821

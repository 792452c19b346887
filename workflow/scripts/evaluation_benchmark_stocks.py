"""Snakemake adapter: the Stocks benchmark (train, sample and score every generator)."""

from synthvol.evaluation.stocks import write_stocks_benchmark
from synthvol.workflow import run_rule


def main(smk):
    write_stocks_benchmark(smk.input.data, smk.params.stocks, smk.params.generators,
                           smk.params.seed, smk.output.table, smk.output.goal,
                           smk.params.generators["threads"])


run_rule(main, snakemake)  # noqa: F821

"""Snakemake adapter: fit one baseline (AR, GARCH or fBm) and write its outputs."""

from synthvol.baselines.pipeline import run_baseline
from synthvol.workflow import run_rule


def main(smk):
    run_baseline(smk.params.model, smk.params.baselines, smk.params.seed, smk.input.train,
                 smk.input.test, smk.input.returns, smk.input.summary, dict(smk.output))


run_rule(main, snakemake)  # noqa: F821

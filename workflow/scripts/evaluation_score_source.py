"""Snakemake adapter: discriminative, predictive and one-step scores of one source."""

from synthvol.evaluation.compare import write_source_scores
from synthvol.workflow import param_threads, run_rule


def main(smk):
    write_source_scores(smk.wildcards.source, smk.input.train, smk.input.test, smk.input.scaler,
                        smk.input.get("samples"), smk.params.window_length, smk.params.scores,
                        smk.params.seed, smk.output[0], param_threads(smk, "evaluation"))


run_rule(main, snakemake)  # noqa: F821

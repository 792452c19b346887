"""Snakemake adapter: headline two-sample test and memorisation checks of one source."""

from synthvol.evaluation.compare import write_source_scores
from synthvol.evaluation.sources import RealData
from synthvol.workflow import run_rule


def main(smk):
    i = smk.input
    real = RealData.load(i.train, i.test, i.scaler, i.windows, i.heldout)
    write_source_scores(smk.wildcards.source, real, i.get("samples"), smk.params.window_length,
                        smk.params.headline, smk.params.seed, smk.output[0],
                        smk.params.threads)


run_rule(main, snakemake)  # noqa: F821

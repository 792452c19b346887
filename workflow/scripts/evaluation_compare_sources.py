"""Snakemake adapter: moments, stylized facts, timing, score tables and figures of all sources."""

from synthvol.evaluation.compare import compare_sources
from synthvol.evaluation.sources import RealData, synthetic_sources
from synthvol.workflow import run_rule


def main(smk):
    gens, bases = smk.params.generators, smk.params.baselines
    sources = synthetic_sources(
        dict(zip(gens, smk.input.generator_samples)), dict(zip(gens, smk.input.generator_train)),
        dict(zip(gens, smk.input.generator_sample)), dict(zip(bases, smk.input.baseline_samples)),
        dict(zip(bases, smk.input.baseline_fit)))
    compare_sources(RealData.load(smk.input.train, smk.input.test, smk.input.scaler), sources,
                    list(smk.input.scores), smk.params.evaluation, smk.params.window_length,
                    dict(smk.output))


run_rule(main, snakemake)  # noqa: F821

"""Snakemake adapter: moments, stylized facts, timing, score tables and figures of all sources."""

from synthvol.evaluation.compare import compare_sources
from synthvol.evaluation.sources import RealData, per_generator, synthetic_sources
from synthvol.workflow import run_rule


def main(smk):
    i = smk.input
    gens, bases = smk.params.generators, smk.params.baselines
    sources = synthetic_sources(
        per_generator(i.generator_samples, gens), per_generator(i.generator_train, gens),
        per_generator(i.generator_sample, gens), dict(zip(bases, i.baseline_samples)),
        dict(zip(bases, i.baseline_fit)), dict(zip(gens, i.copy_samples)),
        dict(zip(gens, i.copy_info)))
    compare_sources(RealData.load(i.train, i.test, i.scaler, i.windows, i.heldout), sources,
                    list(i.scores), smk.params.evaluation, smk.params.window_length,
                    dict(smk.output), dict(zip(smk.params.long_generators, i.long_samples)))


run_rule(main, snakemake)  # noqa: F821

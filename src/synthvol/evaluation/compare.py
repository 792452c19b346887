"""The comparison steps of the workflow: build the copy floors, score one source, then
tabulate and plot all.

:func:`write_copy_floor` draws a generator's copy floor (:mod:`.memorisation`);
:func:`score_source` (one job per source, so sources are scored in parallel) runs the
discriminative score of one source against the real test windows and against the held-out
windows of the training period, the predictive score, the one-step forecast comparison on
the real test split and the memorisation checks; :func:`compare_sources` computes the
moments, stylized facts and correlograms of every source (and the stylized facts of the
generators' long paths against the whole test split) and gathers timings and scores into
the tables the report shows.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import torch

from synthvol.errors import DataError
from synthvol.evaluation import figures
from synthvol.evaluation.memorisation import MemorisationReference, matched_copies
from synthvol.evaluation.metrics import (
    as_windows,
    mean_acf,
    mean_pacf,
    return_moments,
    stylized_facts,
)
from synthvol.evaluation.scores import (
    ScoreSettings,
    ScoreSummary,
    discriminative_score,
    naive_last_value_errors,
    one_step_errors,
    one_step_forecasts,
    repeat_score,
    train_predictor,
)
from synthvol.evaluation.sources import (
    REAL_TEST,
    REAL_TRAIN,
    RealData,
    SyntheticSource,
    copy_label,
    scaled_source_windows,
    source_label,
)
from synthvol.io import read_json, write_csv, write_figure, write_json, write_parquet
from synthvol.progress import Progress, get_logger
from synthvol.samples import read_samples, samples_frame
from synthvol.seeds import derive_seed

logger = get_logger("evaluation")


def score_source(source: str, real: RealData, synthetic_returns: np.ndarray | None,
                 window_length: int, scores: Mapping[str, Any], seed: int) -> dict[str, Any]:
    """Scores of one source over ``scores['n_runs']`` runs (``synthetic_returns=None`` scores
    the training windows themselves, ``real_train``).

    Per run: the discriminative score against the real test windows and against the
    held-out windows of the training period; a next-step GRU trained on the source's
    windows, whose MAE on the real test windows is the predictive score and whose one-step
    forecasts of the real test split (from the preceding ``window_length − 1`` returns) are
    compared with the naive last-value forecast. Once: the memorisation checks.
    """
    settings = ScoreSettings.from_mapping(dict(scores))
    real_windows = real.scaled_windows(REAL_TEST, window_length)
    if synthetic_returns is None:
        windows = real.train_windows
    else:
        windows = scaled_source_windows(synthetic_returns, real.scaler, window_length)
    start = time.perf_counter()
    # Three networks per run (discriminative, held-out discriminative, predictive): one
    # progress line, with an ETA, after each.
    progress = Progress(f"{source} score networks", 3 * settings.n_runs, every=1)
    memorisation = MemorisationReference(real.train_windows, real.heldout_windows).score(windows)
    logger.info("%s: nn_ratio %.3f, share_closer_q05 %.3f", source, memorisation.nn_ratio,
                memorisation.share_closer_q05)
    disc = repeat_score(progress.counted(
        lambda s: discriminative_score(real_windows, windows, settings, s)),
        settings.n_runs, seed, "evaluation", source, "discriminative")
    logger.info("%s: discriminative %.4f ± %.4f", source, disc.mean, disc.std)
    held = repeat_score(progress.counted(
        lambda s: discriminative_score(real.heldout_windows, windows, settings, s)),
        settings.n_runs, seed, "evaluation", source, "heldout_discriminative")
    logger.info("%s: held-out discriminative %.4f ± %.4f", source, held.mean, held.std)
    history = real.scaler.transform(np.concatenate([real.train_returns, real.test_returns]))
    predictive, return_mse, price_mse = [], [], []
    for run in range(settings.n_runs):
        predictor = train_predictor(windows, settings,
                                    derive_seed(seed, "evaluation", source, "predictive", run))
        predictive.append(predictor.mae(real_windows))
        forecasts = one_step_forecasts(predictor, history, first=len(real.train_returns),
                                       context=window_length - 1)
        errors = one_step_errors(real.test_prices, real.scaler.inverse_transform(forecasts))
        return_mse.append(errors.return_mse)
        price_mse.append(errors.price_mse)
        progress.advance(predictive=predictive[-1], return_mse=errors.return_mse)
    return {"source": source_label(source), "n_runs": settings.n_runs,
            "n_real_windows": len(real_windows), "n_heldout_windows": len(real.heldout_windows),
            "n_source_windows": len(windows),
            "discriminative": list(disc.runs), "heldout_discriminative": list(held.runs),
            "predictive": predictive,
            "one_step_return_mse": return_mse, "one_step_price_mse": price_mse,
            "memorisation": memorisation.to_dict(),
            "seconds": time.perf_counter() - start}


def write_source_scores(source: str, real: RealData, samples_path: str | None,
                        window_length: int, scores: Mapping[str, Any], seed: int, output: str,
                        threads: int = 1) -> None:
    """:func:`score_source` from the prepared files; write its JSON."""
    torch.set_num_threads(max(1, int(threads)))
    synthetic = read_samples(samples_path) if samples_path else None
    write_json(score_source(source, real, synthetic, window_length, scores, seed), output)


def write_copy_floor(generator: str, real: RealData, samples_path: str, start_price: float,
                     window_length: int, seed: int, samples_output: str,
                     info_output: str) -> dict[str, Any]:
    """``copy_train[generator]``: as many matched copies of training windows as the
    generator has windows, at its median NN distance; write them as samples and a JSON."""
    start = time.perf_counter()
    windows = scaled_source_windows(read_samples(samples_path), real.scaler, window_length)
    reference = MemorisationReference(real.train_windows, real.heldout_windows)
    target = reference.score(windows).median_nn
    floor = matched_copies(reference, len(windows), target, (window_length,), seed,
                           "evaluation", generator)
    seconds = time.perf_counter() - start
    write_parquet(samples_frame(real.scaler.inverse_transform(floor.windows), start_price),
                  samples_output)
    info = {"source": copy_label(generator), "generator": generator,
            "n_windows": len(windows), "target_median_nn": target,
            "median_nn": floor.median_nn, "noise_sd": floor.noise_sd, "seconds": seconds}
    write_json(info, info_output)
    logger.info("%s: noise sd %.4f (scaled units) matches median NN distance %.4f",
                info["source"], floor.noise_sd, target)
    return info


def _summary_columns(prefix: str, values: Sequence[float]) -> dict[str, float]:
    summary = ScoreSummary(tuple(values))
    return {f"{prefix}_mean": summary.mean, f"{prefix}_std": summary.std,
            f"{prefix}_se": summary.se}


def score_tables(score_jsons: Sequence[str], kinds: Mapping[str, str],
                 naive_return_mse: float, naive_price_mse: float
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``scores`` (each score's mean, std and standard error over runs, and the memorisation
    checks) and ``one_step`` tables."""
    score_rows, step_rows = [], [{
        "source": "naive last value", "kind": "benchmark", "return_mse_mean": naive_return_mse,
        "return_mse_std": 0.0, "price_mse_mean": naive_price_mse, "price_mse_std": 0.0,
        "mse_ratio_to_naive": 1.0}]
    for path in score_jsons:
        data = read_json(path)
        name = data["source"]
        if name not in kinds:
            raise DataError(f"{path}: source '{name}' is not among the compared sources")
        memo = data["memorisation"]
        score_rows.append({"source": name, "kind": kinds[name], "n_runs": data["n_runs"],
                           "n_source_windows": data["n_source_windows"],
                           "n_heldout_windows": data["n_heldout_windows"],
                           **_summary_columns("discriminative", data["discriminative"]),
                           **_summary_columns("heldout_discriminative",
                                              data["heldout_discriminative"]),
                           **_summary_columns("predictive", data["predictive"]),
                           "nn_ratio": memo["nn_ratio"],
                           "share_closer_q05": memo["share_closer_q05"],
                           "median_nn": memo["median_nn"]})
        r = ScoreSummary(tuple(data["one_step_return_mse"]))
        q = ScoreSummary(tuple(data["one_step_price_mse"]))
        step_rows.append({"source": name, "kind": kinds[name], "return_mse_mean": r.mean,
                          "return_mse_std": r.std, "price_mse_mean": q.mean,
                          "price_mse_std": q.std, "mse_ratio_to_naive": r.mean / naive_return_mse})
    return pd.DataFrame(score_rows), pd.DataFrame(step_rows)


def long_path_facts(real: RealData, long_samples: Mapping[str, str],
                    evaluation: Mapping[str, Any]) -> pd.DataFrame:
    """Stylized facts of the generators' long paths (test-split length) beside the real test
    split as one path: clustering and tails over the whole period, not within 60 days."""
    rows = []
    facts_of = {REAL_TEST: real.returns(REAL_TEST),
                **{name: read_samples(path) for name, path in long_samples.items()}}
    for name, paths in facts_of.items():
        facts = stylized_facts(paths, int(evaluation["clustering_lags"]),
                               float(evaluation["tail_fraction"]),
                               int(evaluation["aggregation_steps"]))
        rows.append({"source": name, "kind": "real" if name == REAL_TEST else "generator",
                     "n_paths": paths.shape[0], "path_length": paths.shape[1],
                     **facts.to_dict()})
    return pd.DataFrame(rows)


def compare_sources(real: RealData, sources: Sequence[SyntheticSource],
                    score_jsons: Sequence[str], evaluation: Mapping[str, Any],
                    window_length: int, outputs: Mapping[str, str | os.PathLike[str]],
                    long_samples: Mapping[str, str] | None = None) -> None:
    """Write moments, stylized facts, timing, scores and one-step tables and the figures.

    ``outputs`` maps ``moments``, ``stylized_facts``, ``stylized_facts_long``, ``timing``,
    ``scores``, ``one_step``, ``acf_returns``, ``acf_abs_returns``, ``pacf_returns``,
    ``sample_paths`` and ``return_hist`` to paths; ``long_samples`` maps generators to their
    ``samples_long.parquet``.
    """
    if not sources:
        raise DataError("no generator or baseline samples to compare with the real series")
    nlags = int(evaluation["acf_lags"])
    paths: dict[str, np.ndarray] = {REAL_TEST: real.returns(REAL_TEST),
                                    REAL_TRAIN: real.returns(REAL_TRAIN)}
    kinds = {REAL_TEST: "real", REAL_TRAIN: "real"}
    for source in sources:
        paths[source.name] = source.returns()
        kinds[source.name] = source.kind
    moment_rows, fact_rows = [], []
    acf_r, acf_abs, pacf_r = {}, {}, {}
    progress = Progress("sources", len(paths), every=1)
    for step, (name, returns) in enumerate(paths.items(), start=1):
        # The real splits are one long path each: all their stride-1 windows are samples.
        windows = as_windows(returns, window_length, stride=1 if kinds[name] == "real" else None)
        moment_rows.append({"source": name, "kind": kinds[name],
                            **return_moments(returns).to_dict()})
        facts = stylized_facts(windows, int(evaluation["clustering_lags"]),
                               float(evaluation["tail_fraction"]),
                               int(evaluation["aggregation_steps"]))
        fact_rows.append({"source": name, "kind": kinds[name], **facts.to_dict()})
        if kinds[name] != "copy":  # copy floors stay out of the figures (tables only)
            acf_r[name] = mean_acf(windows, nlags)
            acf_abs[name] = mean_acf(windows, nlags, absolute=True)
            pacf_r[name] = mean_pacf(windows, nlags)
        progress.update(step)
    timing = pd.DataFrame([{"source": s.name, "kind": s.kind,
                            "n_paths": paths[s.name].shape[0],
                            "path_length": paths[s.name].shape[1],
                            **dict(zip(("train_seconds", "sample_seconds"), s.timing()))}
                           for s in sources],
                          columns=["source", "kind", "n_paths", "path_length", "train_seconds",
                                   "sample_seconds"])
    naive = naive_last_value_errors(real.test_prices)
    scores, one_step = score_tables(score_jsons, kinds, naive.return_mse, naive.price_mse)
    write_csv(pd.DataFrame(moment_rows), outputs["moments"])
    write_csv(pd.DataFrame(fact_rows), outputs["stylized_facts"])
    write_csv(long_path_facts(real, long_samples or {}, evaluation),
              outputs["stylized_facts_long"])
    write_csv(timing, outputs["timing"])
    write_csv(scores, outputs["scores"])
    write_csv(one_step, outputs["one_step"])
    write_figure(figures.correlogram_figure(acf_r, "ACF of returns"), outputs["acf_returns"])
    write_figure(figures.correlogram_figure(acf_abs, "ACF of absolute returns"),
                 outputs["acf_abs_returns"])
    write_figure(figures.correlogram_figure(pacf_r, "PACF of returns"), outputs["pacf_returns"])
    shown = {name: p for name, p in paths.items() if kinds[name] != "copy"}
    synthetic = {name: p for name, p in shown.items() if kinds[name] != "real"}
    write_figure(figures.sample_paths_figure(synthetic, real.test_returns,
                                             int(evaluation["n_plot_paths"])),
                 outputs["sample_paths"])
    write_figure(figures.return_histogram_figure(shown), outputs["return_hist"])
    logger.info("compared %d sources", len(paths))

"""The comparison steps of the workflow: build the copy floors, score one source, then
tabulate and plot all.

:func:`write_copy_floor` draws a generator's copy floor (:mod:`.memorisation`) matched to
its trainings' pooled samples; :func:`score_source` (one job per source and training, so
they run in parallel) runs the headline two-sample test
(:func:`~synthvol.evaluation.twosample.headline_test`) of one source against the held-out
windows of the training period, and its memorisation checks; :func:`score_tables` pools each
generator's trainings (:func:`~synthvol.evaluation.verdicts.pooled`: the standard error
includes the variation between trainings) and gives every source its verdict against
``real_train`` (:func:`~synthvol.evaluation.verdicts.verdict`) and each generator whether it
beats its copy floor; :func:`compare_sources` computes the moments, stylized facts and
correlograms of every source (and the stylized facts of the generators' long paths against
the whole test split) and writes the tables the report shows.

The GRU scores of TimeGAN's protocol are not run on the S&P series: the discriminative one
leaks (random splits of stride-1 windows) and had no measured size, the predictive one and
the one-step comparison built on it separated no source (issue 18) and together they cost
most of the study's CPU. The Stocks benchmark keeps them as the published protocol.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from typing import Any

import numba
import numpy as np
import pandas as pd

from synthvol.errors import DataError
from synthvol.evaluation import figures
from synthvol.evaluation.memorisation import MemorisationReference, matched_copies, memorises
from synthvol.evaluation.metrics import (
    as_windows,
    mean_acf,
    mean_pacf,
    return_moments,
    stylized_facts,
)
from synthvol.evaluation.sources import (
    REAL_TEST,
    REAL_TRAIN,
    RealData,
    SyntheticSource,
    copy_label,
    scaled_source_windows,
    source_label,
    split_training_key,
)
from synthvol.evaluation.twosample import (
    FAMILIES,
    Z95,
    HeadlineSettings,
    TwoSampleResult,
    Windows,
    headline_test,
)
from synthvol.evaluation.verdicts import clearly_above, headline_scores, pooled, verdict
from synthvol.io import read_json, write_csv, write_figure, write_json, write_parquet
from synthvol.progress import Progress, get_logger
from synthvol.samples import read_samples, samples_frame
from synthvol.seeds import derive_seed

logger = get_logger("evaluation")

#: scores.csv's columns, in order.
SCORE_COLUMNS = ["source", "kind", "n_trainings", "n_source_windows", "n_heldout_windows",
                 "headline_score", "headline_score_se", "headline_ci_low", "headline_ci_high",
                 "headline_p_value", "headline_trainings", "tails_score", "tails_score_se",
                 "verdict", "beats_copy_floor",
                 "nn_ratio", "share_closer_q05", "share_nndr_q05", "median_nn", "memorises"]


def real_windows(windows: np.ndarray, starts: np.ndarray) -> Windows:
    """Windows of the real training split: one path (0) of the series ``real``, each window at
    its start (training and held-out windows share that time axis, so folds and embargoes
    apply across them)."""
    return Windows(np.asarray(windows, dtype=np.float64), np.zeros(len(windows), dtype=np.int64),
                   np.asarray(starts, dtype=np.int64), series="real")


def candidate_windows(source: str, real: RealData, synthetic_returns: np.ndarray | None,
                      window_length: int) -> Windows:
    """The headline test's windows of a source, scaled like the real data: the training
    windows (``real_train``); each one-window path a window of its own (generators, copy
    floors); longer paths cut into stride-1 windows, path by path (baselines)."""
    if synthetic_returns is None:
        return real_windows(real.train_windows, real.train_starts)
    scaled = real.scaler.transform(np.asarray(synthetic_returns, dtype=np.float64))
    if scaled.shape[1] == window_length:
        return Windows.independent(scaled)
    if scaled.shape[1] < window_length:
        raise DataError(f"{source}: paths of {scaled.shape[1]} returns hold no window of "
                        f"{window_length}")
    return Windows.cut(scaled, window_length, stride=1)


def score_source(source: str, real: RealData, synthetic_returns: np.ndarray | None,
                 window_length: int, headline: Mapping[str, Any], seed: int) -> dict[str, Any]:
    """The headline test of one source (``synthetic_returns=None``: the training windows
    themselves, ``real_train``) against the held-out windows, and its memorisation checks.

    ``source`` is the file key (a generator's training: ``sbts-t1``); the JSON names the
    table label and the training.
    """
    start = time.perf_counter()
    settings = HeadlineSettings.from_mapping(dict(headline))
    reference = real_windows(real.heldout_windows, real.heldout_starts)
    candidate = candidate_windows(source, real, synthetic_returns, window_length)
    if synthetic_returns is None:
        windows = real.train_windows
    else:
        windows = scaled_source_windows(synthetic_returns, real.scaler, window_length)
    memorisation = MemorisationReference(real.train_windows, real.heldout_windows,
                                         real.train_starts).score(windows)
    logger.info("%s: nn_ratio %.3f, share_closer_q05 %.3f, share_nndr_q05 %.3f", source,
                memorisation.nn_ratio, memorisation.share_closer_q05, memorisation.share_nndr_q05)
    results = headline_test(reference, candidate, settings,
                            derive_seed(seed, "evaluation", source, "headline"))
    for family, result in results.items():
        logger.info("%s: %s AUC %.3f ± %.3f (95%% CI %.3f–%.3f, p = %.3g)", source, family,
                    result.auc, result.se, result.ci_low, result.ci_high, result.p_value)
    return {"source": source_label(source), "training": split_training_key(source)[1],
            "n_heldout_windows": len(real.heldout_windows), "n_source_windows": len(windows),
            "headline": {family: _result_dict(result) for family, result in results.items()},
            "memorisation": memorisation.to_dict(), "seconds": time.perf_counter() - start}


def _result_dict(result: TwoSampleResult) -> dict[str, float]:
    return {name: float(getattr(result, name)) for name in
            ("auc", "se", "ci_low", "ci_high", "p_value", "n_reference", "n_candidate")}


def write_source_scores(source: str, real: RealData, samples_path: str | None,
                        window_length: int, headline: Mapping[str, Any], seed: int,
                        output: str, threads: int = 1) -> None:
    """:func:`score_source` from the prepared files, MiniRocket on ``threads`` numba threads;
    write its JSON."""
    numba.set_num_threads(min(max(1, int(threads)), numba.config.NUMBA_NUM_THREADS))
    synthetic = read_samples(samples_path) if samples_path else None
    write_json(score_source(source, real, synthetic, window_length, headline, seed), output)


def write_copy_floor(generator: str, real: RealData, samples_paths: Sequence[str],
                     start_price: float, window_length: int, seed: int, samples_output: str,
                     info_output: str) -> dict[str, Any]:
    """``copy_train[generator]``: as many matched copies of training windows as one training
    of the generator has windows, at the median NN distance of all its trainings' windows
    pooled (one floor per generator: the distance is the generator's, not one training's);
    write them as samples and a JSON."""
    start = time.perf_counter()
    per_training = [scaled_source_windows(read_samples(path), real.scaler, window_length)
                    for path in samples_paths]
    reference = MemorisationReference(real.train_windows, real.heldout_windows,
                                      real.train_starts)
    target = reference.score(np.concatenate(per_training)).median_nn
    floor = matched_copies(reference, len(per_training[0]), target, (window_length,), seed,
                           "evaluation", generator)
    seconds = time.perf_counter() - start
    write_parquet(samples_frame(real.scaler.inverse_transform(floor.windows), start_price),
                  samples_output)
    info = {"source": copy_label(generator), "generator": generator,
            "n_trainings": len(per_training), "n_windows": len(floor.windows),
            "target_median_nn": target, "median_nn": floor.median_nn,
            "noise_sd": floor.noise_sd, "seconds": seconds}
    write_json(info, info_output)
    logger.info("%s: noise sd %.4f (scaled units) matches median NN distance %.4f",
                info["source"], floor.noise_sd, target)
    return info


def _results(jsons: Sequence[Mapping[str, Any]], family: str) -> list[TwoSampleResult]:
    return [TwoSampleResult(**{k: (int(v) if k.startswith("n_") else v)
                               for k, v in data["headline"][family].items()}) for data in jsons]


def _pooled_row(name: str, kind: str, jsons: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """One source's row before its verdict: its trainings pooled (one for other sources); the
    headline score is the first family's (MiniRocket), the tail family's beside it."""
    results = _results(jsons, FAMILIES[0])
    score, se = pooled(results)
    tails, tails_se = (pooled(_results(jsons, FAMILIES[1]))
                       if FAMILIES[1] in jsons[0]["headline"] else (np.nan, np.nan))
    memo = [data["memorisation"] for data in jsons]
    one = len(results) == 1
    return {"source": name, "kind": kind, "n_trainings": len(jsons),
            "n_source_windows": int(np.mean([d["n_source_windows"] for d in jsons])),
            "n_heldout_windows": jsons[0]["n_heldout_windows"],
            "headline_score": score, "headline_score_se": se,
            # one test: its own interval; trainings pooled: the normal interval of the mean
            "headline_ci_low": results[0].ci_low if one else score - Z95 * se,
            "headline_ci_high": results[0].ci_high if one else score + Z95 * se,
            # every training's test rejects at least at this level: the largest p-value
            "headline_p_value": max(r.p_value for r in results),
            "headline_trainings": " ".join(f"{r.auc:.4f}" for r in results),
            "tails_score": tails, "tails_score_se": tails_se,
            **{key: float(np.mean([m[key] for m in memo])) for key in
               ("nn_ratio", "share_closer_q05", "share_nndr_q05", "median_nn")},
            # memorises when any training's checks flag it
            "memorises": any(memorises(m) for m in memo)}


def score_tables(score_jsons: Sequence[str], kinds: Mapping[str, str]) -> pd.DataFrame:
    """``scores``: per source (a generator's trainings pooled) the headline score and its
    standard error, confidence interval and p-value, the tail family's score, the
    memorisation checks, the verdict against ``real_train`` (each family against its own)
    and, for generators, whether they beat their copy floor on either family."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for path in score_jsons:
        data = read_json(path)
        name = data["source"]
        if name not in kinds:
            raise DataError(f"{path}: source '{name}' is not among the compared sources")
        grouped.setdefault(name, []).append(data)
    if REAL_TRAIN not in grouped:
        raise DataError(f"no {REAL_TRAIN} scores: the verdicts are relative to them")
    rows = {name: _pooled_row(name, kinds[name], jsons) for name, jsons in grouped.items()}
    for name, row in rows.items():
        row["verdict"] = verdict(headline_scores(row), headline_scores(rows[REAL_TRAIN]),
                                 row["memorises"])
        floor = rows.get(copy_label(name))
        row["beats_copy_floor"] = (
            bool(clearly_above(headline_scores(floor), headline_scores(row)))
            if row["kind"] == "generator" and floor is not None else pd.NA)
    return pd.DataFrame(list(rows.values()), columns=SCORE_COLUMNS)


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


def correlogram_table(acf_r: Mapping[str, np.ndarray], acf_abs: Mapping[str, np.ndarray],
                      pacf_r: Mapping[str, np.ndarray], kinds: Mapping[str, str]) -> pd.DataFrame:
    """The correlogram figures' data, one row per source and lag 1..k: the data series
    ``dvc plots diff`` overlays across experiments."""
    return pd.DataFrame([{"source": name, "kind": kinds[name], "lag": lag,
                          "acf_returns": acf_r[name][lag], "acf_abs_returns": acf_abs[name][lag],
                          "pacf_returns": pacf_r[name][lag]}
                         for name in acf_r for lag in range(1, len(acf_r[name]))])


def compare_sources(real: RealData, sources: Sequence[SyntheticSource],
                    score_jsons: Sequence[str], evaluation: Mapping[str, Any],
                    window_length: int, outputs: Mapping[str, str | os.PathLike[str]],
                    long_samples: Mapping[str, str] | None = None) -> None:
    """Write moments, stylized facts, timing, scores and one-step tables and the figures.

    ``outputs`` maps ``moments``, ``stylized_facts``, ``stylized_facts_long``, ``timing``,
    ``scores``, ``correlograms``, ``acf_returns``, ``acf_abs_returns``, ``pacf_returns``,
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
    scores = score_tables(score_jsons, kinds)
    write_csv(pd.DataFrame(moment_rows), outputs["moments"])
    write_csv(pd.DataFrame(fact_rows), outputs["stylized_facts"])
    write_csv(long_path_facts(real, long_samples or {}, evaluation),
              outputs["stylized_facts_long"])
    write_csv(timing, outputs["timing"])
    write_csv(scores, outputs["scores"])
    write_csv(correlogram_table(acf_r, acf_abs, pacf_r, kinds), outputs["correlograms"])
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

"""The report section "Synthetic series: generators vs baselines vs real"."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import pandas as pd

from synthvol.evaluation.memorisation import NOVEL_NN_RATIO, NOVEL_SHARE, is_novel
from synthvol.evaluation.sources import REAL_TEST, REAL_TRAIN
from synthvol.evaluation.verdicts import (
    Metric,
    best_generator,
    copy_floor_table,
    tie_marks,
    verdict_sentence,
)
from synthvol.report.model import Section, figure, note, paragraph, save_section, section, table

ANCHOR = "generators"
TITLE = "Synthetic series: generators vs baselines vs real"

SIMPLIFICATIONS = (
    "Method notes and simplifications. Every statistic is computed on daily log returns, "
    "never on prices or scaled prices (the seed notebook's mistake). Moments pool all returns "
    "of a source. Autocorrelations, stylized facts and scores use windows of the generators' "
    "window length: the real splits cut with stride 1 (the published protocol; overlapping "
    "windows), baseline paths cut into disjoint windows. ACF and PACF pool the lag products "
    "over a source's windows with one mean and variance (statsmodels' estimators for a single "
    "path); averaging each 60-step window's own ACF instead would demean away the volatility "
    "level and hide most of the clustering. The scores "
    "follow TimeGAN's metrics/ code (Yoon et al. 2019) re-written in torch, with the network "
    "size and iterations of params evaluation.scores, a linear output head for data scaled to "
    "[-1, 1], and the two classes balanced before the 80/20 split; as the protocol has no "
    "input for one feature, the univariate predictor uses the series' own past. "
    "Uncertainties are standard errors over runs (std with ddof = 1 over sqrt(runs)); two "
    "scores are a tie unless they differ by more than 2 standard errors of the difference. "
    "Neither score detects memorisation on its own: a generator that replays its training "
    "windows scores like the training windows themselves (real_train). Hence the "
    "memorisation checks and the copy floors beside every score. The held-out windows come "
    "from a time-block hold-out of the training split (params data.holdout): whole blocks of "
    "returns no generator trained on, windows kept only when wholly inside one side. "
    "Simplification: the AR, GARCH and fBm baselines are fitted on the whole training split, "
    "held-out blocks included (they are parametric and cannot replay windows).")

MEMORISATION_NOTE = (
    "Memorisation checks: nn_ratio is the median nearest-neighbour RMSE from a source's "
    "windows to the training windows divided by the same median for the held-out real "
    "windows (about 1 for data as new as unseen real windows, 0 for copies); "
    "share_closer_q05 is the share of its windows closer to a training window than the "
    "held-out windows' 5% quantile of that distance (0.05 for held-out-like data, 1 for "
    "copies). copy_train[g] is generator g's copy floor: random training windows plus "
    "N(0, s²) noise, s matched so that its median nearest-neighbour distance equals g's own "
    "(a Gaussian kernel density sampler of the training windows). A generator adds something "
    "only where it scores clearly better than its copy floor.")

MSE_NOTE = (
    "The seed notebook's \"MSE of synthetic vs real closes\" compared two unpaired series "
    "(a synthetic path has no reason to track the real one day by day) and measures nothing; "
    "it is replaced by this one-step comparison: a GRU trained on each source's windows "
    "forecasts every day of the real test split from the preceding window, and its squared "
    "error is set against the naive last-value forecast (tomorrow's price = today's, i.e. a "
    "zero log return). A ratio below 1 beats the naive forecast.")


SCORES = (Metric("discriminative", "discriminative_mean", "discriminative_se"),
          Metric("held-out discriminative", "heldout_discriminative_mean",
                 "heldout_discriminative_se"),
          Metric("predictive", "predictive_mean", "predictive_se"))
#: The scores on which a generator must beat its copy floor.
FLOOR_SCORES = SCORES[:2]
SCORES_ID, FLOOR_ID, LONG_ID = "generators-scores", "generators-copy-floor", "generators-long"


def _pm(mean: pd.Series, se: pd.Series, digits: int = 3) -> list[str]:
    return [f"{m:.{digits}f} ± {s:.{digits}f}" for m, s in zip(mean, se)]


def _candidates(scores: pd.DataFrame) -> list[str]:
    return list(scores.loc[scores["kind"].isin(["generator", "baseline"]), "source"])


def _generators(scores: pd.DataFrame) -> list[str]:
    return list(scores.loc[scores["kind"] == "generator", "source"])


def scores_table(scores: pd.DataFrame) -> pd.DataFrame:
    """The score table as shown: mean ± SE, tie marks among generators and baselines, and the
    memorisation checks."""
    out = pd.DataFrame({"source": scores["source"], "kind": scores["kind"],
                        "runs": scores["n_runs"], "windows": scores["n_source_windows"]})
    candidates = _candidates(scores)
    for metric in SCORES:
        digits = 4 if metric.name == "predictive" else 3
        out[metric.name] = _pm(scores[metric.mean], scores[metric.se], digits)
        out[f"{metric.name} rank"] = tie_marks(scores, metric, candidates).reindex(
            scores["source"]).to_numpy()
    out["nn_ratio"] = scores["nn_ratio"].to_numpy()
    out["share_closer_q05"] = scores["share_closer_q05"].to_numpy()
    return out


def floor_table(scores: pd.DataFrame) -> pd.DataFrame:
    """Each generator against its copy floor on the scores it must beat."""
    return copy_floor_table(scores, _generators(scores), FLOOR_SCORES)


def findings(scores: pd.DataFrame) -> list[tuple[str, str]]:
    """The section's headline results, generated from the score table."""
    floors = floor_table(scores)
    items = [(verdict_sentence(floors), FLOOR_ID)]
    items.append((best_generator(scores, floors, SCORES[1], _generators(scores))[1], SCORES_ID))
    rows = scores.set_index("source")
    gens = _generators(scores)
    if gens:
        flagged = [g for g in gens
                   if not is_novel(rows.loc[g, "nn_ratio"], rows.loc[g, "share_closer_q05"])]
        ratios = ", ".join(f"{g} {rows.loc[g, 'nn_ratio']:.2f}" for g in gens)
        rule = f"nn_ratio < {NOVEL_NN_RATIO} or share_closer_q05 > {NOVEL_SHARE}"
        items.append((f"Memorisation: nn_ratio (1 = as far from the training windows as unseen "
                      f"real windows) {ratios}; "
                      + (f"close to the training set ({rule}): {', '.join(flagged)}."
                         if flagged else f"none is close to the training set ({rule})."),
                      SCORES_ID))
    return items


def plain_reading(scores: pd.DataFrame, moments: pd.DataFrame, facts: pd.DataFrame,
                  one_step: pd.DataFrame) -> list[str]:
    """A few sentences: the copy-floor verdict, who is best where the floor allows, and the
    stylized facts."""
    synthetic = scores[scores["kind"].isin(["generator", "baseline"])]
    if synthetic.empty:
        return ["No generator or baseline was scored."]
    mom = moments.set_index("source")
    fac = facts.set_index("source")
    real_m, real_f = mom.loc[REAL_TEST], fac.loc[REAL_TEST]
    floors = floor_table(scores)
    gens = _generators(scores)
    text = [verdict_sentence(floors)]
    text += [best_generator(scores, floors, metric, gens)[1] for metric in FLOOR_SCORES]
    if REAL_TRAIN in set(scores["source"]):
        ref = scores.set_index("source").loc[REAL_TRAIN]
        text.append(
            f"For scale: the training windows themselves (real_train) score "
            f"{ref['discriminative_mean']:.3f} ± {ref['discriminative_se']:.3f} against the "
            f"test split and {ref['heldout_discriminative_mean']:.3f} ± "
            f"{ref['heldout_discriminative_se']:.3f} against the held-out windows: what a "
            f"generator that reproduced the training period perfectly would reach (training "
            f"std {mom.loc[REAL_TRAIN, 'std']:.4f}, test {real_m['std']:.4f}).")
    syn_names = list(synthetic["source"])
    tails = (fac.loc[syn_names, "hill_tail_index"] - real_f["hill_tail_index"]).abs().idxmin()
    clus = (fac.loc[syn_names, "acf_abs_mean"] - real_f["acf_abs_mean"]).abs().idxmin()
    lev = (fac.loc[syn_names, "leverage_mean"] - real_f["leverage_mean"]).abs().idxmin()
    text.append(
        f"Stylized facts closest to real (point estimates): tails {tails} (Hill index "
        f"{fac.loc[tails, 'hill_tail_index']:.2f}, real {real_f['hill_tail_index']:.2f}); "
        f"volatility clustering {clus} (mean ACF of |r| {fac.loc[clus, 'acf_abs_mean']:.3f}, "
        f"real {real_f['acf_abs_mean']:.3f}); leverage effect {lev} (mean corr(r_t, |r_t+k|) "
        f"{fac.loc[lev, 'leverage_mean']:.3f}, real {real_f['leverage_mean']:.3f}).")
    spread = synthetic["predictive_mean"].agg(["min", "max"])
    text.append(f"The predictive scores span only {spread['min']:.4f}–{spread['max']:.4f} "
                f"because daily returns are nearly unpredictable, so this score separates the "
                f"sources little (ties are marked in the table).")
    steps = one_step[one_step["kind"].isin(["generator", "baseline"])]
    if not steps.empty:
        beat = int((steps["mse_ratio_to_naive"] < 1).sum())
        best_step = steps.loc[steps["mse_ratio_to_naive"].idxmin()]
        text.append(f"One-step forecasts: {beat} of {len(steps)} synthetic sources train a "
                    f"forecaster that beats the naive last value; the best ratio is "
                    f"{best_step['mse_ratio_to_naive']:.3f} ({best_step['source']}).")
    return text


def render_section(tables: Mapping[str, pd.DataFrame], figure_paths: Mapping[str, str],
                   evaluation: Mapping[str, Any], window_length: int) -> Section:
    """The section from the comparison tables and figure files."""
    scores, moments = tables["scores"], tables["moments"]
    facts, timing, one_step = tables["stylized_facts"], tables["timing"], tables["one_step"]
    long_facts = tables["stylized_facts_long"]
    k = int(evaluation["clustering_lags"])
    n_heldout = scores["n_heldout_windows"].iloc[0] if "n_heldout_windows" in scores else None
    intro = paragraph(
        f"Generators trained on windows of {window_length} scaled returns of the training "
        f"blocks, their copy floors, and the AR, GARCH and fractional-Brownian baselines, "
        f"compared with the real test split ({REAL_TEST}), with held-out windows of "
        f"the training period that no generator saw"
        + (f" ({int(n_heldout)} windows)" if n_heldout is not None else "")
        + f" and, for scale, with the training windows themselves ({REAL_TRAIN}). "
        f"Lower discriminative and predictive scores are better; "
        f"{int(evaluation['scores']['n_runs'])} runs each.")
    reading = note(plain_reading(scores, moments, facts, one_step))
    fig_captions = {
        "acf_returns": "ACF of returns, pooled over windows.",
        "acf_abs_returns": "ACF of absolute returns (volatility clustering), pooled over windows.",
        "pacf_returns": "PACF of returns (Levinson-Durbin), pooled over windows.",
        "sample_paths": "Sample paths as cumulative log returns; black: the real test split.",
        "return_hist": "Return densities, log scale; black outline: the real test split.",
    }
    floors = floor_table(scores)
    long_part = (table(
        long_facts, "Stylized facts of the generators' long paths (samples_long: paths as "
        "long as the test split, from generators that allow them) beside the real test split "
        "as one path: clustering and tails over the whole period rather than within one "
        "window.", anchor=LONG_ID) if len(long_facts) > 1 else
        paragraph("No generator drew long paths (generators.n_long_paths = 0 or none "
                  "supports them)."))
    blocks = [
        intro, reading,
        table(scores_table(scores), (
            "Discriminative score |accuracy − 0.5| against the real test windows and against "
            "the held-out windows of the training period (classifier evaluated on a held-out "
            "20%), predictive score (MAE on real test windows of a GRU trained on the "
            "source), mean ± standard error over runs; rank: best among generators and "
            "baselines, tie = within 2 standard errors of the difference from the best; "
            "memorisation checks."), float_format="{:.3f}", anchor=SCORES_ID),
        paragraph(MEMORISATION_NOTE),
        table(floors, "Each generator against its copy floor: "
              "difference = copy floor − generator (positive: the "
              "generator is lower); beats = difference above 2 "
              "standard errors of the difference.",
              float_format="{:.4f}", anchor=FLOOR_ID),
        paragraph(MSE_NOTE),
        table(one_step, "One-step forecasts of the real test split: MSE of log returns "
                   "and of prices, and the return MSE relative to the naive last value.",
                   float_format="{:.4g}"),
        table(moments, "Moments of daily log returns, all paths pooled."),
        table(facts, f"Stylized facts: Hill tail index of |r| (top "
                   f"{float(evaluation['tail_fraction']):.0%}), ACF of r and |r| at lag 1 and "
                   f"mean over lags 1–{k}, leverage corr(r_t, |r_t+k|) at lag 1 and mean over "
                   f"1–{k}, excess kurtosis of {int(evaluation['aggregation_steps'])}-step "
                   f"returns (aggregational Gaussianity)."),
        long_part,
        table(timing, "Training (fitting) and sampling time in seconds (copy floors: the "
                   "time to match the noise).", float_format="{:.3g}"),
        *(figure(figure_paths[key], cap) for key, cap in fig_captions.items()),
        paragraph(SIMPLIFICATIONS),
    ]
    return section(ANCHOR, TITLE, blocks, findings(scores))


def write_section(tables: Mapping[str, str | os.PathLike[str]],
                  figure_paths: Mapping[str, str], evaluation: Mapping[str, Any],
                  window_length: int, output: str | os.PathLike[str]) -> None:
    """Read the comparison CSVs and write the section's data."""
    frames = {key: pd.read_csv(path) for key, path in tables.items()}
    save_section(render_section(frames, figure_paths, evaluation, window_length), output)

"""The report section "Synthetic series: generators vs baselines vs real"."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import pandas as pd

from synthvol.evaluation.sources import REAL_TEST, REAL_TRAIN
from synthvol.io import write_text
from synthvol.report.html import escape, image_file_html, paragraph, section, table_html

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
    "Standard deviations are over runs (ddof = 1). Neither score detects memorisation: a "
    "generator that replays its training windows scores like the training split itself.")

MSE_NOTE = (
    "The seed notebook's \"MSE of synthetic vs real closes\" compared two unpaired series "
    "(a synthetic path has no reason to track the real one day by day) and measures nothing; "
    "it is replaced by this one-step comparison: a GRU trained on each source's windows "
    "forecasts every day of the real test split from the preceding window, and its squared "
    "error is set against the naive last-value forecast (tomorrow's price = today's, i.e. a "
    "zero log return). A ratio below 1 beats the naive forecast.")


def _pm(mean: pd.Series, std: pd.Series, digits: int = 3) -> list[str]:
    return [f"{m:.{digits}f} ± {s:.{digits}f}" for m, s in zip(mean, std)]


def _scores_table(scores: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "source": scores["source"], "kind": scores["kind"], "runs": scores["n_runs"],
        "windows": scores["n_source_windows"],
        "discriminative": _pm(scores["discriminative_mean"], scores["discriminative_std"]),
        "predictive (MAE)": _pm(scores["predictive_mean"], scores["predictive_std"], 4)})


def plain_reading(scores: pd.DataFrame, moments: pd.DataFrame, facts: pd.DataFrame,
                  one_step: pd.DataFrame) -> list[str]:
    """A few sentences naming the source closest to the real test split, and why."""
    synthetic = scores[scores["kind"].isin(["generator", "baseline"])]
    if synthetic.empty:
        return ["No generator or baseline was scored."]
    mom = moments.set_index("source")
    fac = facts.set_index("source")
    real_m, real_f = mom.loc[REAL_TEST], fac.loc[REAL_TEST]
    best = synthetic.loc[synthetic["discriminative_mean"].idxmin()]
    name = best["source"]
    text = [
        f"Closest to the real test split by the discriminative score: {name} "
        f"({best['discriminative_mean']:.3f} ± {best['discriminative_std']:.3f}; 0 means the "
        f"classifier cannot tell it from real windows, 0.5 that it always can). Its returns "
        f"have {mom.loc[name, 'std'] / real_m['std']:.2f} times the real standard deviation, "
        f"excess kurtosis {mom.loc[name, 'excess_kurtosis']:.2f} (real "
        f"{real_m['excess_kurtosis']:.2f}) and a mean ACF of |r| over the clustering lags of "
        f"{fac.loc[name, 'acf_abs_mean']:.3f} (real {real_f['acf_abs_mean']:.3f})."]
    if REAL_TRAIN in set(scores["source"]):
        ref = scores.set_index("source").loc[REAL_TRAIN]
        text.append(
            f"For scale: the real training split itself scores "
            f"{ref['discriminative_mean']:.3f} against the test split (training std "
            f"{mom.loc[REAL_TRAIN, 'std']:.4f}, test {real_m['std']:.4f}). Generators learn "
            f"the training period, so a score near that of the training split is as close as "
            f"a faithful generator can come.")
    worst = synthetic.loc[synthetic["discriminative_mean"].idxmax()]
    text.append(f"Easiest to tell from real: {worst['source']} "
                f"({worst['discriminative_mean']:.3f}).")
    syn_names = list(synthetic["source"])
    tails = (fac.loc[syn_names, "hill_tail_index"] - real_f["hill_tail_index"]).abs().idxmin()
    clus = (fac.loc[syn_names, "acf_abs_mean"] - real_f["acf_abs_mean"]).abs().idxmin()
    lev = (fac.loc[syn_names, "leverage_mean"] - real_f["leverage_mean"]).abs().idxmin()
    text.append(
        f"Stylized facts closest to real: tails {tails} (Hill index "
        f"{fac.loc[tails, 'hill_tail_index']:.2f}, real {real_f['hill_tail_index']:.2f}); "
        f"volatility clustering {clus} (mean ACF of |r| {fac.loc[clus, 'acf_abs_mean']:.3f}); "
        f"leverage effect {lev} (mean corr(r_t, |r_t+k|) {fac.loc[lev, 'leverage_mean']:.3f}, "
        f"real {real_f['leverage_mean']:.3f}).")
    pred = synthetic.loc[synthetic["predictive_mean"].idxmin()]
    spread = synthetic["predictive_mean"].agg(["min", "max"])
    text.append(f"Best predictive score: {pred['source']} (MAE {pred['predictive_mean']:.4f}); "
                f"the scores span only {spread['min']:.4f}–{spread['max']:.4f} because daily "
                f"returns are nearly unpredictable, so this score separates the sources little.")
    steps = one_step[one_step["kind"].isin(["generator", "baseline"])]
    if not steps.empty:
        beat = int((steps["mse_ratio_to_naive"] < 1).sum())
        best_step = steps.loc[steps["mse_ratio_to_naive"].idxmin()]
        text.append(f"One-step forecasts: {beat} of {len(steps)} synthetic sources train a "
                    f"forecaster that beats the naive last value; the best ratio is "
                    f"{best_step['mse_ratio_to_naive']:.3f} ({best_step['source']}).")
    return text


def render_section(tables: Mapping[str, pd.DataFrame], figure_paths: Mapping[str, str],
                   evaluation: Mapping[str, Any], window_length: int) -> str:
    """The section HTML from the comparison tables and figure files."""
    scores, moments = tables["scores"], tables["moments"]
    facts, timing, one_step = tables["stylized_facts"], tables["timing"], tables["one_step"]
    k = int(evaluation["clustering_lags"])
    intro = paragraph(
        f"Generators trained on windows of {window_length} scaled training returns and the AR, "
        f"GARCH and fractional-Brownian baselines, compared with the real test split "
        f"({escape(REAL_TEST)}) and, for scale, the training split ({escape(REAL_TRAIN)}). "
        f"Lower discriminative and predictive scores are better; "
        f"{int(evaluation['scores']['n_runs'])} runs each.")
    reading = "<div class='note'>" + "".join(paragraph(t) for t in plain_reading(
        scores, moments, facts, one_step)) + "</div>"
    ratio_note = paragraph(MSE_NOTE)
    fig_captions = {
        "acf_returns": "ACF of returns, pooled over windows.",
        "acf_abs_returns": "ACF of absolute returns (volatility clustering), pooled over windows.",
        "pacf_returns": "PACF of returns (Levinson-Durbin), pooled over windows.",
        "sample_paths": "Sample paths as cumulative log returns; black: the real test split.",
        "return_hist": "Return densities, log scale; black outline: the real test split.",
    }
    parts = [
        intro, reading,
        table_html(_scores_table(scores), "Discriminative score |accuracy − 0.5| (real test vs "
                   "source windows, held-out 20%) and predictive score (MAE on real test "
                   "windows of a GRU trained on the source), mean ± std over runs."),
        ratio_note,
        table_html(one_step, "One-step forecasts of the real test split: MSE of log returns "
                   "and of prices, and the return MSE relative to the naive last value.",
                   float_format="{:.4g}"),
        table_html(moments, "Moments of daily log returns, all paths pooled."),
        table_html(facts, f"Stylized facts: Hill tail index of |r| (top "
                   f"{float(evaluation['tail_fraction']):.0%}), ACF of r and |r| at lag 1 and "
                   f"mean over lags 1–{k}, leverage corr(r_t, |r_t+k|) at lag 1 and mean over "
                   f"1–{k}, excess kurtosis of {int(evaluation['aggregation_steps'])}-step "
                   f"returns (aggregational Gaussianity)."),
        table_html(timing, "Training (fitting) and sampling time in seconds.",
                   float_format="{:.3g}"),
        *(image_file_html(figure_paths[key], cap) for key, cap in fig_captions.items()),
        paragraph(SIMPLIFICATIONS),
    ]
    return section(ANCHOR, TITLE, parts)


def write_section(tables: Mapping[str, str | os.PathLike[str]],
                  figure_paths: Mapping[str, str], evaluation: Mapping[str, Any],
                  window_length: int, output: str | os.PathLike[str]) -> None:
    """Read the comparison CSVs and write the section fragment."""
    frames = {key: pd.read_csv(path) for key, path in tables.items()}
    write_text(render_section(frames, figure_paths, evaluation, window_length), output)

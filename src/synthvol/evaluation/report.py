"""The report section "Synthetic series: generators vs baselines vs real"."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from synthvol.errors import DataError
from synthvol.evaluation.memorisation import (
    MEMORISES_NN_RATIO,
    MEMORISES_NNDR_SHARE,
    MEMORISES_SHARE,
)
from synthvol.evaluation.sources import REAL_TEST, REAL_TRAIN
from synthvol.evaluation.verdicts import VERDICTS, Metric, copy_floor_table, verdict_sentence
from synthvol.report.model import Section, figure, note, paragraph, save_section, section, table

ANCHOR = "generators"
TITLE = "Synthetic series: generators vs baselines vs real"

SIMPLIFICATIONS = (
    "Method notes and simplifications. Every statistic is computed on daily log returns, "
    "never on prices or scaled prices (the seed notebook's mistake). Moments pool all returns "
    "of a source (a generator: all its trainings). Autocorrelations and stylized facts use "
    "windows of the generators' window length: the real splits cut with stride 1, baseline "
    "paths cut into disjoint windows. ACF and PACF pool the lag products over a source's "
    "windows with one mean and variance (statsmodels' estimators for a single path); "
    "averaging each 60-step window's own ACF instead would demean away the volatility level "
    "and hide most of the clustering. The headline score is a classifier two-sample test "
    "(MiniRocket features and a ridge classifier) of the source's windows against the held-out "
    "windows of the training period, split by time blocks with an embargo so that no test "
    "window shares a return with a training window of the same classifier; it is reported as "
    "AUC (0.5: the classifier cannot tell the two apart) with its confidence interval and a "
    "permutation p-value. The held-out windows come from a time-block hold-out of the training "
    "split (params data.holdout): whole blocks of returns no generator trained on. "
    "TimeGAN's GRU discriminative and predictive scores are not run on this series: the "
    "discriminative one leaks through its random split of overlapping windows, the predictive "
    "one separated no source, and both cost most of the study's CPU (the Stocks benchmark "
    "keeps them as the published protocol). "
    "Simplification: the AR, GARCH and fBm baselines are fitted on the whole training split, "
    "held-out blocks included (they are parametric and cannot replay windows).")

MEMORISATION_NOTE = (
    "Memorisation checks: nn_ratio is the median nearest-neighbour RMSE from a source's "
    "windows to the training windows divided by the same median for the held-out real "
    "windows (about 1 for data as new as unseen real windows, 0 for copies); "
    "share_closer_q05 is the share of its windows closer to a training window than the "
    "held-out windows' 5% quantile of that distance (0.05 for held-out-like data, 1 for "
    "copies); share_nndr_q05 is the share of its windows whose nearest-neighbour distance "
    "ratio (the nearest training window's distance over that of the nearest one sharing no "
    "day with it) is below the held-out windows' 5% quantile of that ratio (0.05 for "
    "held-out-like data, near 1 for copies plus noise even at the distance of new data). "
    f"A source memorises when nn_ratio < {MEMORISES_NN_RATIO}, share_closer_q05 > "
    f"{MEMORISES_SHARE} or share_nndr_q05 > {MEMORISES_NNDR_SHARE} (thresholds set so "
    "that no simulated market's true process is flagged; for a generator: in any "
    "training). copy_train[g] is generator g's copy floor: random training windows plus "
    "N(0, s²) noise, s matched so that its median nearest-neighbour distance equals that of "
    "g's samples, all trainings pooled (a Gaussian kernel density sampler of the training "
    "windows). A generator adds something only where it scores clearly better than its copy "
    "floor.")

VERDICT_NOTE = (
    "Verdicts: indistinguishable = the source's headline AUC (MiniRocket) is not above "
    "real_train's (the training windows against the same held-out windows: what a generator "
    "that generalises reaches) by more than 2 standard errors of the difference, nor, where "
    "the tail-statistics classifier runs, its tail AUC above real_train's tail AUC; worse = "
    "above it by more on either; memorises = flagged by the memorisation checks, whatever its "
    "score. A generator's score is the mean over its trainings, and its standard error "
    "includes the variation between trainings (each trained from its own seed), not only the "
    "test's own.")

#: The headline score (MiniRocket's AUC) and the tail classifier's, lower (closer to an AUC
#: of 0.5) is better.
HEADLINE = Metric("headline", "headline_score", "headline_score_se")
TAILS = Metric("tails", "tails_score", "tails_score_se")
#: Wrong generators of the calibration whose rejection rate is the test's power.
POWER_GENERATORS = ("iid_normal", "garch_gaussian", "copy_floor", "block_shuffle")
SIZE_GENERATOR = "true"
#: The size above which no verdict of ``worse`` is trusted and nothing is ranked.
MAX_SIZE = 0.10
SCORES_ID, FLOOR_ID, LONG_ID, CALIBRATION_ID = ("generators-scores", "generators-copy-floor",
                                                "generators-long", "generators-calibration")


def _generators(scores: pd.DataFrame) -> list[str]:
    return list(scores.loc[scores["kind"] == "generator", "source"])


def scores_table(scores: pd.DataFrame) -> pd.DataFrame:
    """The score table as shown: headline AUC ± SE, its interval and p-value, the verdict,
    the copy-floor comparison and the memorisation checks."""
    return pd.DataFrame({
        "source": scores["source"], "kind": scores["kind"],
        "trainings": scores["n_trainings"], "windows": scores["n_source_windows"],
        "headline AUC": _with_se(scores["headline_score"], scores["headline_score_se"]),
        "tail AUC": _with_se(scores["tails_score"], scores["tails_score_se"]),
        "95% CI": [f"{lo:.3f}–{hi:.3f}" for lo, hi in
                   zip(scores["headline_ci_low"], scores["headline_ci_high"])],
        "p": scores["headline_p_value"], "per training": scores["headline_trainings"],
        "verdict": scores["verdict"],
        "beats copy floor": scores["beats_copy_floor"].map(
            lambda b: "" if pd.isna(b) else ("yes" if _true(b) else "no")),
        "nn_ratio": scores["nn_ratio"], "share_closer_q05": scores["share_closer_q05"],
        "share_nndr_q05": scores["share_nndr_q05"]})


def _with_se(values: pd.Series, ses: pd.Series) -> list[str]:
    """``value ± se`` cells, empty where the value was not scored."""
    return ["" if pd.isna(m) else f"{m:.3f} ± {s:.3f}" for m, s in zip(values, ses)]


def _true(value: object) -> bool:
    """A boolean cell of a CSV read back (bool, or the text True/False)."""
    return str(value).strip().lower() == "true"


def floor_table(scores: pd.DataFrame) -> pd.DataFrame:
    """Each generator against its copy floor on the headline score, and on the tail
    classifier's where it ran."""
    tails = (TAILS,) if scores["tails_score"].notna().any() else ()
    return copy_floor_table(scores, _generators(scores), (HEADLINE, *tails))


@dataclass(frozen=True)
class Calibration:
    """The headline test's measured size and power (pooled over the simulated markets)."""

    size: float
    size_markets: int
    power: dict[str, tuple[float, int]]   # wrong generator -> (rejection rate, markets)
    markets: tuple[str, ...]

    @classmethod
    def from_table(cls, table: pd.DataFrame, score: str = "headline") -> Calibration:
        """Pool each generator's rejection rate over the market kinds, weighted by markets."""
        rows = table[table["score"] == score]
        if rows.empty or SIZE_GENERATOR not in set(rows["generator"]):
            raise DataError(f"the calibration table has no '{SIZE_GENERATOR}' row of the "
                            f"'{score}' score")

        def rate(generator: str) -> tuple[float, int]:
            part = rows[rows["generator"] == generator]
            n = int(part["n_markets"].sum())
            return float((part["rejection_rate"] * part["n_markets"]).sum() / n), n

        size, n = rate(SIZE_GENERATOR)
        power = {g: rate(g) for g in POWER_GENERATORS if g in set(rows["generator"])}
        return cls(size, n, power, tuple(dict.fromkeys(rows["market"])))

    def sentence(self) -> str:
        """Size and power beside the verdicts, with the number of markets behind each."""
        power = "; ".join(f"{g} {r:.0%} ({n} markets)" for g, (r, n) in self.power.items())
        text = (f"The headline score's measured size (a perfect generator, fresh paths of the "
                f"true process, judged worse or memorises) is {self.size:.0%} over "
                f"{self.size_markets} "
                f"simulated markets ({', '.join(self.markets)}); its power (a wrong generator "
                f"judged worse or memorises): {power}.")
        if self.size > MAX_SIZE:
            text += (f" The size exceeds {MAX_SIZE:.0%}: a verdict of worse may be the test's "
                     "error, and no generator is ranked on this score.")
        return text


def findings(scores: pd.DataFrame, calibration: Calibration) -> list[tuple[str, str]]:
    """The section's headline results, from the verdicts only, with the score's measured
    size and power beside them."""
    rows = scores.set_index("source")
    items = [(calibration.sentence(), CALIBRATION_ID)]
    synthetic = scores[scores["kind"].isin(["generator", "baseline"])]
    by_verdict = {v: list(synthetic.loc[synthetic["verdict"] == v, "source"]) for v in VERDICTS}
    items.append(("Verdicts against the held-out real windows (real_train's AUC "
                  f"{rows.loc[REAL_TRAIN, 'headline_score']:.3f} ± "
                  f"{rows.loc[REAL_TRAIN, 'headline_score_se']:.3f} is the reference): "
                  + "; ".join(f"{v}: {', '.join(names) or 'none'}"
                              for v, names in by_verdict.items()) + ".", SCORES_ID))
    gens = _generators(scores)
    if gens:
        good = [g for g in gens if rows.loc[g, "verdict"] == "indistinguishable"
                and _true(rows.loc[g, "beats_copy_floor"])]
        tie = [g for g in gens if rows.loc[g, "verdict"] == "indistinguishable"
               and not _true(rows.loc[g, "beats_copy_floor"])]
        text = ("Indistinguishable from held-out real data without memorising and better "
                f"than its copy floor: {', '.join(good) or 'no generator'}.")
        if tie:
            text += (f" Indistinguishable but not better than its copy floor (noisy copies of "
                     f"training windows do as well): {', '.join(tie)}.")
        trainings = int(scores.loc[scores["kind"] == "generator", "n_trainings"].min())
        text += (f" Each generator was trained {trainings} times; its standard error "
                 "includes the variation between trainings.")
        items.append((text, FLOOR_ID))
    return items


def plain_reading(scores: pd.DataFrame, moments: pd.DataFrame,
                  facts: pd.DataFrame) -> list[str]:
    """A few sentences: the copy-floor comparison, the reference and the stylized facts."""
    synthetic = scores[scores["kind"].isin(["generator", "baseline"])]
    if synthetic.empty:
        return ["No generator or baseline was scored."]
    mom = moments.set_index("source")
    fac = facts.set_index("source")
    real_m, real_f = mom.loc[REAL_TEST], fac.loc[REAL_TEST]
    text = [verdict_sentence(floor_table(scores))]
    ref = scores.set_index("source").loc[REAL_TRAIN]
    text.append(
        f"For scale: the training windows themselves (real_train) reach a headline AUC of "
        f"{ref['headline_score']:.3f} ± {ref['headline_score_se']:.3f} against the held-out "
        f"windows: what a generator that generalises as well as the real data reaches "
        f"(training std {mom.loc[REAL_TRAIN, 'std']:.4f}, test {real_m['std']:.4f}).")
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
    return text


def calibration_table(table: pd.DataFrame) -> pd.DataFrame:
    """The calibration rows as shown: per market and generator, the rejection rate ± SE."""
    return pd.DataFrame({
        "score": table["score"], "market": table["market"], "generator": table["generator"],
        "markets": table["n_markets"],
        "rejected (worse or memorises)": [f"{r:.0%} ± {s:.0%}" for r, s in
                                          zip(table["rejection_rate"],
                                              table["rejection_rate_se"])]})


def render_section(tables: Mapping[str, pd.DataFrame], figure_paths: Mapping[str, str],
                   evaluation: Mapping[str, Any], window_length: int) -> Section:
    """The section from the comparison tables and figure files."""
    scores, moments = tables["scores"], tables["moments"]
    facts, timing = tables["stylized_facts"], tables["timing"]
    long_facts, calibration = tables["stylized_facts_long"], tables["calibration"]
    k = int(evaluation["clustering_lags"])
    intro = paragraph(
        f"Generators trained on windows of {window_length} scaled returns of the training "
        f"blocks, their copy floors, and the AR, GARCH and fractional-Brownian baselines, "
        f"compared with held-out windows of the training period that no generator saw "
        f"({int(scores['n_heldout_windows'].iloc[0])} windows) by the headline two-sample "
        f"test, beside the training windows themselves ({REAL_TRAIN}); moments and "
        f"stylized facts beside the real test split ({REAL_TEST}). A headline AUC "
        f"of 0.5 means the classifier cannot tell the source from held-out real windows.")
    reading = note(plain_reading(scores, moments, facts))
    fig_captions = {
        "acf_returns": "ACF of returns, pooled over windows.",
        "acf_abs_returns": "ACF of absolute returns (volatility clustering), pooled over windows.",
        "pacf_returns": "PACF of returns (Levinson-Durbin), pooled over windows.",
        "sample_paths": "Sample paths as cumulative log returns; black: the real test split.",
        "return_hist": "Return densities, log scale; black outline: the real test split.",
    }
    long_part = (table(
        long_facts, "Stylized facts of the generators' long paths (samples_long: paths as "
        "long as the test split, from the first training of generators that allow them) "
        "beside the real test split as one path: clustering and tails over the whole period "
        "rather than within one window.", anchor=LONG_ID) if len(long_facts) > 1 else
        paragraph("No generator drew long paths (generators.n_long_paths = 0 or none "
                  "supports them)."))
    blocks = [
        intro, reading,
        table(scores_table(scores), (
            "Headline two-sample test against the held-out windows: MiniRocket's AUC ± "
            "standard error (a generator: mean over its trainings, the error including the "
            "variation between them; per training: each training's AUC), 95% confidence "
            "interval, bootstrap p-value (a generator: the largest over its trainings), the "
            "tail-statistics classifier's AUC where it runs, verdict against real_train, "
            "copy-floor comparison and memorisation checks."),
            float_format="{:.3f}", anchor=SCORES_ID),
        paragraph(VERDICT_NOTE),
        paragraph(MEMORISATION_NOTE),
        table(floor_table(scores), "Each generator against its copy floor on the headline "
              "AUC (and the tail AUC where it runs): difference = copy floor − generator "
              "(positive: the generator is lower); beats = difference above 2 standard "
              "errors of the difference on either.",
              float_format="{:.4f}", anchor=FLOOR_ID),
        table(calibration_table(calibration), (
            "Size and power of the headline score, measured by the study on simulated markets "
            "cut like the S&P data (rule calibration): the share of markets in which a "
            "generator gets the verdict worse or memorises. true = fresh paths of the market's "
            "own process (the size; target at most 10%); the others are wrong generators (the "
            "power; target at least 80%). The full-size calibration is "
            "results/benchmarks/calibration.csv (benchmarks/calibration.py)."),
              anchor=CALIBRATION_ID),
        table(moments, "Moments of daily log returns, all paths pooled."),
        table(facts, f"Stylized facts: Hill tail index of |r| (top "
                   f"{float(evaluation['tail_fraction']):.0%}), ACF of r and |r| at lag 1 and "
                   f"mean over lags 1–{k}, leverage corr(r_t, |r_t+k|) at lag 1 and mean over "
                   f"1–{k}, excess kurtosis of {int(evaluation['aggregation_steps'])}-step "
                   f"returns (aggregational Gaussianity)."),
        long_part,
        table(timing, "Training (fitting) and sampling time in seconds, a generator's "
                   "mean over its trainings (copy floors: the time to match the noise).",
                   float_format="{:.3g}"),
        *(figure(figure_paths[key], cap) for key, cap in fig_captions.items()),
        paragraph(SIMPLIFICATIONS),
    ]
    return section(ANCHOR, TITLE, blocks,
                   findings(scores, Calibration.from_table(calibration)))


def write_section(tables: Mapping[str, str | os.PathLike[str]],
                  figure_paths: Mapping[str, str], evaluation: Mapping[str, Any],
                  window_length: int, output: str | os.PathLike[str]) -> None:
    """Read the comparison CSVs and write the section data."""
    frames = {key: pd.read_csv(path) for key, path in tables.items()}
    save_section(render_section(frames, figure_paths, evaluation, window_length), output)

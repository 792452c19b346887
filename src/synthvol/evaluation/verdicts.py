"""Which differences resolve: ties by standard error, and each generator against its copy floor.

A score is lower than another (better: every score here is lower-is-better) only when the
gap exceeds two standard errors of the difference (:func:`~.scores.clearly_lower`);
otherwise the two are a tie. A generator *beats its copy floor* ``copy_train[g]`` when it is
clearly lower on at least one of the scores checked; no generator is called best on a score
its copy floor matches (:func:`best_generator`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from synthvol.evaluation.scores import clearly_lower
from synthvol.evaluation.sources import copy_label
from synthvol.evaluation.twosample import FAMILIES, TwoSampleResult

#: The headline verdicts of a source against ``real_train`` (:func:`verdict`).
VERDICTS = ("indistinguishable", "worse", "memorises")


@dataclass(frozen=True)
class Metric:
    """A lower-is-better score's columns in a table: its mean and its standard error."""

    name: str
    mean: str
    se: str


def tie_marks(table: pd.DataFrame, metric: Metric, candidates: Sequence[str]) -> pd.Series:
    """``best`` for the candidate with the lowest mean, ``tie`` for candidates not clearly
    above it, empty for everything else (rows are indexed by ``source``)."""
    rows = table.set_index("source")
    marks = pd.Series("", index=rows.index)
    present = [c for c in candidates if c in rows.index]
    if not present:
        return marks
    best = rows.loc[present, metric.mean].idxmin()
    for name in present:
        if name == best:
            marks[name] = "best"
        elif not clearly_lower(rows.loc[best, metric.mean], rows.loc[best, metric.se],
                               rows.loc[name, metric.mean], rows.loc[name, metric.se]):
            marks[name] = "tie"
    return marks


def copy_floor_table(table: pd.DataFrame, generators: Sequence[str],
                     metrics: Sequence[Metric]) -> pd.DataFrame:
    """One row per (generator, score) with a copy floor: both means ± SE and whether the
    generator is clearly lower."""
    rows = table.set_index("source")
    out = []
    for g in generators:
        floor = copy_label(g)
        if g not in rows.index or floor not in rows.index:
            continue
        for m in metrics:
            gm, gs = rows.loc[g, m.mean], rows.loc[g, m.se]
            cm, cs = rows.loc[floor, m.mean], rows.loc[floor, m.se]
            out.append({"generator": g, "score": m.name, "generator_mean": gm,
                        "generator_se": gs, "copy_floor_mean": cm, "copy_floor_se": cs,
                        "difference": cm - gm, "beats_copy_floor": clearly_lower(gm, gs, cm, cs)})
    return pd.DataFrame(out, columns=["generator", "score", "generator_mean", "generator_se",
                                      "copy_floor_mean", "copy_floor_se", "difference",
                                      "beats_copy_floor"])


def beaten_floors(floors: pd.DataFrame) -> dict[str, bool]:
    """Generator -> whether it beats its copy floor on at least one score."""
    return {g: bool(rows["beats_copy_floor"].any()) for g, rows in floors.groupby("generator",
                                                                                   sort=False)}


def verdict_sentence(floors: pd.DataFrame) -> str:
    """The plain statement of which generators beat their copy floor and which do not."""
    beaten = beaten_floors(floors)
    if not beaten:
        return "No generator has a copy floor to compare with."
    scores = " or ".join(dict.fromkeys(floors["score"]))
    yes = [g for g, b in beaten.items() if b]
    no = [g for g, b in beaten.items() if not b]
    parts = []
    if yes:
        parts.append(f"Beat their copy floor (lower {scores} by more than 2 standard errors "
                     f"of the difference): {', '.join(yes)}.")
    if no:
        parts.append(f"Do not beat their copy floor (random training windows plus noise at "
                     f"the same nearest-neighbour distance score as well on {scores}): "
                     f"{', '.join(no)}.")
    return " ".join(parts)


def best_generator(table: pd.DataFrame, floors: pd.DataFrame, metric: Metric,
                   generators: Sequence[str]) -> tuple[str | None, str]:
    """The generator called best on ``metric`` and the sentence that says so.

    Only generators that beat their copy floor on ``metric`` qualify; when the lowest of
    them ties with another qualifying one, none is called best.
    """
    rows = table.set_index("source")
    beat = floors[(floors["score"] == metric.name) & floors["beats_copy_floor"]]
    qualified = [g for g in generators if g in set(beat["generator"])]
    if not qualified:
        return None, (f"No generator is called best on the {metric.name} score: none beats "
                      "its copy floor on it.")
    marks = tie_marks(table, metric, qualified)
    best = marks[marks == "best"].index[0]
    ties = list(marks[marks == "tie"].index)
    value = f"{rows.loc[best, metric.mean]:.3f} ± {rows.loc[best, metric.se]:.3f}"
    if ties:
        return None, (f"No generator is called best on the {metric.name} score: {best} "
                      f"({value}) ties with {', '.join(ties)} within 2 standard errors.")
    floor = copy_label(best)
    return best, (f"Best on the {metric.name} score among generators that beat their copy "
                  f"floor: {best}, {value} (its copy floor {rows.loc[floor, metric.mean]:.3f} "
                  f"± {rows.loc[floor, metric.se]:.3f}).")


def pooled(results: Sequence[TwoSampleResult]) -> tuple[float, float]:
    """Mean AUC over a source's trainings and its standard error
    ``sqrt(mean(se_i²)/k + var_between/k)``: the within-test bootstrap variance of the mean
    plus the sample variance (ddof 1) between the k trainings' AUCs over k. The between-term
    also holds within-test noise, so the SE errs on the wide side; with one training it is
    that test's SE."""
    if not results:
        raise ValueError("pooled() needs at least one two-sample result")
    auc = np.array([r.auc for r in results])
    se = np.array([r.se for r in results])
    k = len(results)
    between = float(np.var(auc, ddof=1)) if k > 1 else 0.0
    return float(auc.mean()), float(np.sqrt(np.mean(se ** 2) / k + between / k))


#: A source's scores for a verdict: statistic name -> (value, SE), lower is better (the
#: headline test: one AUC per classifier family; the published protocol: its one score).
Scores = Mapping[str, tuple[float, float]]


def family_scores(results: Mapping[str, TwoSampleResult]) -> Scores:
    """A headline test's results (:func:`~.twosample.headline_test`) as statistics for a
    verdict: each classifier family's AUC and SE."""
    return {family: (r.auc, r.se) for family, r in results.items()}


def headline_scores(row: Mapping[str, Any]) -> Scores:
    """A score table row's headline statistics: MiniRocket's AUC (``headline_score``), and
    the tail family's (``tails_score``) where it was scored."""
    rocket, tails = FAMILIES
    scores = {rocket: (float(row["headline_score"]), float(row["headline_score_se"]))}
    if pd.notna(row.get("tails_score", np.nan)):
        scores[tails] = (float(row["tails_score"]), float(row["tails_score_se"]))
    return scores


def clearly_above(scores: Scores, other: Scores) -> list[str]:
    """The statistics on which ``scores`` exceed ``other``'s by more than two standard errors
    of the difference (the statistics both have)."""
    return [name for name, (value, se) in scores.items() if name in other
            and clearly_lower(other[name][0], other[name][1], value, se)]


def verdict(scores: Scores, real_train: Scores, memorises: bool) -> str:
    """``memorises`` when the memorisation checks flag the source, whatever its scores;
    ``worse`` when on any statistic (any classifier family of the headline test) its score
    exceeds ``real_train``'s on the same statistic by more than two standard errors of the
    difference; otherwise ``indistinguishable``."""
    if memorises:
        return "memorises"
    return "worse" if clearly_above(scores, real_train) else "indistinguishable"

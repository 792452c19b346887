"""The headline real-vs-synthetic comparison: a cross-fitted classifier two-sample test.

Classifiers learn to tell candidate windows (a generator's) from reference windows
(held-out real ones), one per feature family, each a ridge (:func:`.minirocket.ridge_decision`):

* ``minirocket`` (:mod:`.minirocket`): shape and volatility level;
* ``tails`` (:mod:`.windowstats`, when ``tail_statistics``): kurtosis and extremes of each
  window standardised by its own sd, which MiniRocket's PPV features barely see.

Every window gets an *out-of-fold* decision value from each family's model that never saw it
nor any window sharing a value with it (time-block folds with an embargo of one window
length, :mod:`.splits`; MiniRocket's biases and the ridge penalty are fitted on the training
fold only). A family's AUC is that of its values (candidate = positive class), computed
within each fold and pooled over folds: 0.5 when the two samples cannot be told apart, 1
when they always can. The test reports each family's AUC on its own
(:data:`FAMILIES`), and the verdict (:func:`~.verdicts.verdict`) compares each with the same
family's AUC of ``real_train``: a generator is told apart when either family tells it apart
by more than the real data's own. The score is the AUC itself, not ``|AUC − 0.5|``: with
cross-fitting an AUC below 0.5 is noise, not evidence of a difference, so lower is better
and 0.5 is the target. The headline score is MiniRocket's AUC.

Why two families compared family by family (AUCs averaged over 6 simulated GARCH-t markets
of ``benchmarks/calibration.py``; against GARCH with Gaussian innovations / iid normal
returns / the copy floor): MiniRocket alone 0.48 / 0.82 / 0.80 (the first no higher than
``real_train``'s 0.52: blind to conditional tails); tail statistics alone 0.69 / 0.68 /
0.56; one ridge on both families 0.58 / 0.84 / 0.80, whatever share of its Gram matrix the
tail family gets (50%, 80% or 95% of the trace: its five directions are then hardly
penalised, and the 2,016 MiniRocket features add the noise); a rank sum of the two families'
values 0.62 / 0.81 / 0.74. The larger of the two AUCs (the previous statistic) compared one
family of the candidate with another of ``real_train``: on S&P ``real_train``'s tail AUC
(0.72 ± 0.10, the held-out years' tails differ from the training years') then stood in for
its MiniRocket AUC (0.22), and Gaussian AR and fBm baselines (MiniRocket AUC 0.90) tied the
real data. Compared family by family they do not (docs/evaluation.md).

Windows cut from one path are dependent, so the standard error comes from a block
bootstrap: the windows' groups (same path, same block of ``bootstrap_block`` starts;
each independent window its own group) are resampled with replacement within each class,
the out-of-fold values of both families held fixed and resampled together. The confidence
interval is the normal one, AUC ± 1.96 SE; the p-value (H0: AUC = 0.5 against AUC > 0.5) is
the shifted bootstrap's share of ``AUC* − AUC >= AUC − 0.5``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from synthvol.declare import build, param
from synthvol.errors import DataError
from synthvol.evaluation.minirocket import MiniRocket, ridge_decision
from synthvol.evaluation.splits import fold_masks, time_groups
from synthvol.evaluation.windowstats import normalise_windows, tail_statistics
from synthvol.seeds import derive_seed, rng

#: Normal quantile of the 95% confidence interval.
Z95 = 1.959963984540054
#: The classifier families, in the column order of the out-of-fold values; the first is the
#: headline score.
FAMILIES = ("minirocket", "tails")


@dataclass(frozen=True)
class Windows:
    """Windows plus where they were cut, for leak-free splits.

    ``series`` names the series the paths belong to: when the reference and the candidate
    name the same series (``real_train`` against the held-out windows: both ``"real"``),
    their path ids and starts are one time axis and share folds and embargoes.
    """

    values: np.ndarray    # (n, L) or (n, L, d) float
    path: np.ndarray      # (n,) int: the series/sample path each window was cut from
    start: np.ndarray     # (n,) int: index of the window's first value within its path
    series: str | None = None

    def __post_init__(self) -> None:
        n = np.shape(self.values)[0] if np.ndim(self.values) >= 2 else -1
        if np.ndim(self.values) not in (2, 3) or n < 1:
            raise DataError(f"windows must be (n >= 1, L[, d]), got {np.shape(self.values)}")
        if np.shape(self.path) != (n,) or np.shape(self.start) != (n,):
            raise DataError(f"{n} windows need {n} paths and starts, got "
                            f"{np.shape(self.path)} and {np.shape(self.start)}")

    @classmethod
    def independent(cls, values: np.ndarray) -> Windows:
        """Each window its own path (generator samples)."""
        n = len(values)
        return cls(np.asarray(values), np.arange(n), np.zeros(n, dtype=np.int64))

    @classmethod
    def cut(cls, paths_2d: np.ndarray, length: int, stride: int = 1) -> Windows:
        """Windows of ``length`` cut from each row of ``paths_2d`` ``(n_paths, T)``."""
        paths = np.asarray(paths_2d, dtype=np.float64)
        if paths.ndim != 2 or paths.shape[1] < length:
            raise DataError(f"paths {paths.shape} hold no window of {length}")
        starts = np.arange(0, paths.shape[1] - length + 1, stride)
        view = np.lib.stride_tricks.sliding_window_view(paths, length, axis=1)[:, starts]
        return cls(view.reshape(-1, length).copy(), np.repeat(np.arange(len(paths)), len(starts)),
                   np.tile(starts, len(paths)))

    @property
    def length(self) -> int:
        """Values per window."""
        return int(np.shape(self.values)[1])

    def take(self, index: np.ndarray) -> Windows:
        """The windows at ``index``."""
        return Windows(np.asarray(self.values)[index], np.asarray(self.path)[index],
                       np.asarray(self.start)[index], self.series)


@dataclass(frozen=True)
class HeadlineSettings:
    """Sizes of the headline test (params ``evaluation.headline`` and
    ``evaluation.stocks.headline``)."""

    n_features: int = param("MiniRocket features (rounded down to a multiple of 84)",
                            ge=84, le=100000)
    tail_statistics: bool = param("a second classifier on per-window tail statistics (kurtosis, "
                                  "mean and max |z|, shares beyond 2 and 3 sd), compared with "
                                  "real_train's on its own")
    normalise: bool = param("standardise each window per feature first (where levels differ, "
                            "e.g. prices)")
    n_folds: int = param("cross-fitting folds (time blocks per path, embargo of one window)",
                         ge=2, le=50)
    max_windows: int = param("windows per class at most (a seeded subsample beyond)", ge=2)
    bootstrap_block: int = param("window starts per block-bootstrap group (at least the "
                                 "window length)", ge=1)
    n_bootstrap: int = param("block-bootstrap resamples for the SE and the p-value",
                             ge=2, le=100000)

    @classmethod
    def from_mapping(cls, params: dict[str, Any],
                     section: str = "evaluation.headline") -> HeadlineSettings:
        """Settings from the params section; an unknown, missing or out-of-range key is an
        error naming it."""
        return build(cls, params, section)


@dataclass(frozen=True)
class TwoSampleResult:
    """AUC of one cross-fitted classifier family with its block-bootstrap SE, CI and
    p-value."""

    auc: float
    se: float
    ci_low: float
    ci_high: float
    p_value: float
    n_reference: int
    n_candidate: int


def out_of_fold_scores(values: np.ndarray, labels: np.ndarray,
                       folds: list[tuple[np.ndarray, np.ndarray]], n_features: int,
                       tails: bool, seed: int) -> np.ndarray:
    """Decision values ``(n, families)`` of each window from each family's fold model that
    did not train on it: MiniRocket fitted on the fold's training windows, then ridge; with
    ``tails``, ridge on the windows' tail statistics in a second column."""
    statistics = tail_statistics(values) if tails else None
    scores = np.full((len(labels), 2 if tails else 1), np.nan)
    for k, (train, test) in enumerate(folds):
        if not test.any():
            continue
        if len(np.unique(labels[train])) < 2:
            raise DataError(f"fold {k}: its training windows hold one class only; use fewer "
                            "folds or more windows")
        rocket = MiniRocket.fit(values[train], n_features, seed, "fold", k)
        used = train | test
        features = rocket.transform(values[used])
        pos = np.cumsum(used) - 1
        scores[test, 0] = ridge_decision(features[pos[train]], labels[train],
                                         features[pos[test]])
        if statistics is not None:
            scores[test, 1] = ridge_decision(statistics[train], labels[train], statistics[test])
    return scores


def _weighted_auc(scores: np.ndarray, labels: np.ndarray, fold: np.ndarray,
                  weights: np.ndarray) -> np.ndarray:
    """AUC pooled over folds (pairs within a fold) for each row of ``weights`` ``(B, n)``:
    Σ w_i w_j [s_i > s_j] (½ on ties) over candidate i, reference j, / Σ w_i w_j."""
    num = np.zeros(len(weights))
    den = np.zeros(len(weights))
    for k in np.unique(fold):
        idx = np.flatnonzero(fold == k)
        order = idx[np.argsort(scores[idx], kind="stable")]
        s, y, w = scores[order], labels[order], weights[:, order]
        w_ref = np.where(y == 0, w, 0.0)
        w_cand = np.where(y == 1, w, 0.0)
        # reference weight strictly below each score, plus half the weight tied with it
        _, first, counts = np.unique(s, return_index=True, return_counts=True)
        tie_group = np.repeat(np.arange(len(first)), counts)
        tie_start = np.cumsum(w_ref, axis=1)[:, first] - w_ref[:, first]
        tie_total = np.add.reduceat(w_ref, first, axis=1)
        below = tie_start[:, tie_group] + 0.5 * tie_total[:, tie_group]
        num += np.sum(w_cand * below, axis=1)
        den += w_cand.sum(axis=1) * w_ref.sum(axis=1)
    return num / den


def auc_with_bootstrap(scores: np.ndarray, labels: np.ndarray, fold: np.ndarray,
                       groups: np.ndarray, n_bootstrap: int, seed: int,
                       *stream: object) -> tuple[np.ndarray, np.ndarray]:
    """Each family's AUC pooled over folds ``(families,)`` and its block-bootstrap replicates
    ``(n_bootstrap, families)``, for decision values ``scores`` ``(n, families)``: groups
    resampled with replacement within each class, one resample for all families."""
    per_family = np.reshape(scores, (len(labels), -1)).T
    ones = np.ones((1, len(labels)))
    auc = np.array([_weighted_auc(s, labels, fold, ones)[0] for s in per_family])
    draws = rng(seed, "bootstrap", *stream)
    weights = np.zeros((n_bootstrap, len(scores)))
    for cls in (0, 1):
        members = labels == cls
        ids, inverse = np.unique(groups[members], return_inverse=True)
        picks = draws.integers(0, len(ids), (n_bootstrap, len(ids)))
        counts = np.zeros((n_bootstrap, len(ids)))
        np.add.at(counts, (np.arange(n_bootstrap)[:, None], picks), 1.0)
        weights[:, members] = counts[:, inverse.ravel()]
    return auc, np.stack([_weighted_auc(s, labels, fold, weights) for s in per_family], axis=1)


def _subsample(windows: Windows, cap: int, seed: int, name: str) -> Windows:
    if len(windows.values) <= cap:
        return windows
    keep = np.sort(rng(seed, "headline", "subsample", name).choice(len(windows.values), cap,
                                                                     replace=False))
    return windows.take(keep)


def headline_test(reference: Windows, candidate: Windows, settings: HeadlineSettings,
                  seed: int) -> dict[str, TwoSampleResult]:
    """Cross-fitted two-sample test of ``candidate`` against ``reference``: the result of each
    classifier family, keyed by name (:data:`FAMILIES`: MiniRocket, and tail statistics when
    set)."""
    ref = _subsample(reference, settings.max_windows, seed, "reference")
    cand = _subsample(candidate, settings.max_windows, seed, "candidate")
    ref_v, cand_v = np.asarray(ref.values, np.float64), np.asarray(cand.values, np.float64)
    if ref_v.shape[1:] != cand_v.shape[1:]:
        raise DataError(f"reference windows {ref_v.shape[1:]} and candidate windows "
                        f"{cand_v.shape[1:]} differ in (length, features)")
    if len(ref_v) < settings.n_folds or len(cand_v) < settings.n_folds:
        raise DataError(f"{len(ref_v)} reference and {len(cand_v)} candidate windows: each "
                        f"class needs at least n_folds={settings.n_folds}")
    values = np.concatenate([ref_v, cand_v])
    if not np.all(np.isfinite(values)):
        raise DataError("windows contain NaN or infinite values")
    if settings.normalise:
        values = normalise_windows(values)
    labels = np.r_[np.zeros(len(ref_v)), np.ones(len(cand_v))]
    shared = ref.series is not None and ref.series == cand.series
    offset = 0 if shared else int(np.max(ref.path)) + 1
    keys = np.r_[np.asarray(ref.path, np.int64), np.asarray(cand.path, np.int64) + offset]
    starts = np.r_[np.asarray(ref.start, np.int64), np.asarray(cand.start, np.int64)]
    length = ref_v.shape[1]
    folds = fold_masks(keys, starts, settings.n_folds, length, seed, "headline")
    scores = out_of_fold_scores(values, labels, folds, settings.n_features,
                                settings.tail_statistics,
                                derive_seed(seed, "headline", "minirocket"))
    fold_of = np.zeros(len(labels), dtype=np.int64)
    for k, (_, test) in enumerate(folds):
        fold_of[test] = k
    # Groups per class: independent windows are their own group; class in the group id.
    groups = time_groups(keys * 2 + labels.astype(np.int64), starts, settings.bootstrap_block)
    aucs, boot = auc_with_bootstrap(scores, labels, fold_of, groups, settings.n_bootstrap, seed,
                                    "headline")
    results = {}
    for name, auc, replicates in zip(FAMILIES, aucs, boot.T):
        se = float(np.std(replicates, ddof=1))
        p_value = (1.0 + np.sum(replicates - auc >= auc - 0.5)) / (len(replicates) + 1.0)
        results[name] = TwoSampleResult(auc=float(auc), se=se, ci_low=auc - Z95 * se,
                                        ci_high=auc + Z95 * se, p_value=float(p_value),
                                        n_reference=len(ref_v), n_candidate=len(cand_v))
    return results

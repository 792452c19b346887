"""How far a set of multivariate price windows is from a reference set on three stylized
facts: volatility clustering, heavy tails and the cross-correlation of the columns.

Returns are the step-to-step changes of each window's columns (:func:`window_changes`). On
min-max scaled prices (the Stocks benchmark) these are the price changes divided by each
column's range; the three statistics below are invariant to that per-column constant, so
they are those of the raw price changes. Log returns would need positive values, which
synthetic windows and the noisy copy floor do not guarantee (their scaled values dip below
0). The simplification, named: price changes, not log returns, so within the pooled windows
a change scales with the price level of its window.

From the changes of ``(n, length, d)`` windows (:func:`stylized_profile`):

* the ACF of ``|r|`` of one column at lags ``1..k``, pooled over windows
  (:func:`~.metrics.mean_acf`);
* the Hill tail index of that column's ``|r|`` (:func:`~.metrics.hill_tail_index`; Hill 1975);
* the ``d × d`` correlation matrix of all columns' changes, pooled over windows and steps.

The distance of a profile to the reference's (:func:`profile_distance`) is the sum of three
dimensionless parts: the root mean square difference of the ACF over lags ``1..k``, the
absolute log ratio of the tail indices, and the root mean square difference of the
``d(d − 1)/2`` off-diagonal correlations. Its standard error (:meth:`StylizedReference.score`)
is the standard deviation over a seeded bootstrap of the scored windows, the reference held
fixed: two sources scored against the same reference differ only by their own sampling
noise. The distance is biased upward by finite samples (it is positive even for a second
sample of the reference's law), by about as much for any two sources of the same size.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from synthvol.errors import ConfigError, DataError
from synthvol.evaluation.metrics import hill_tail_index, mean_acf
from synthvol.seeds import rng


@dataclass(frozen=True)
class StylizedSettings:
    """The column whose changes give the ACF and tail index, and the estimators' sizes."""

    column: int
    acf_lags: int
    tail_fraction: float
    n_bootstrap: int

    def __post_init__(self) -> None:
        if self.n_bootstrap < 2:
            raise ConfigError(f"the stylized-facts bootstrap needs at least 2 replicates, got "
                              f"{self.n_bootstrap}")


@dataclass(frozen=True)
class StylizedProfile:
    """The three stylized facts of one set of windows."""

    acf_abs: np.ndarray        # ACF of |r| at lags 1..k
    tail_index: float
    correlation: np.ndarray    # d × d correlations of the columns' changes


@dataclass(frozen=True)
class StylizedDistance:
    """The distance's three parts and their sum."""

    acf_abs: float
    tail_index: float
    cross_correlation: float

    @property
    def total(self) -> float:
        """The sum of the three parts."""
        return self.acf_abs + self.tail_index + self.cross_correlation


def window_changes(windows: np.ndarray) -> np.ndarray:
    """Step-to-step changes ``x[t+1] − x[t]`` of ``(n, length, d)`` windows."""
    arr = np.asarray(windows, dtype=np.float64)
    if arr.ndim != 3 or arr.shape[1] < 3 or not arr.size:
        raise DataError(f"stylized facts need (n, length >= 3, d) windows, got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise DataError("windows contain NaN or infinite values")
    return np.diff(arr, axis=1)


def stylized_profile(changes: np.ndarray, settings: StylizedSettings) -> StylizedProfile:
    """The stylized facts of ``(n, length − 1, d)`` window changes."""
    if not 0 <= settings.column < changes.shape[2]:
        raise DataError(f"column {settings.column} is not among the windows' "
                        f"{changes.shape[2]} columns")
    column = changes[:, :, settings.column]
    pooled = changes.reshape(-1, changes.shape[2])
    if not np.all(pooled.std(axis=0) > 0):
        raise DataError("a column of the windows never changes: its correlations are undefined")
    return StylizedProfile(
        acf_abs=mean_acf(column, settings.acf_lags, absolute=True)[1:],
        tail_index=hill_tail_index(column, settings.tail_fraction),
        correlation=np.corrcoef(pooled, rowvar=False))


def profile_distance(profile: StylizedProfile, reference: StylizedProfile) -> StylizedDistance:
    """The distance of ``profile`` to ``reference`` (module docstring)."""
    upper = np.triu_indices_from(reference.correlation, k=1)
    corr_gap = profile.correlation[upper] - reference.correlation[upper]
    return StylizedDistance(
        acf_abs=float(np.sqrt(np.mean((profile.acf_abs - reference.acf_abs) ** 2))),
        tail_index=float(abs(np.log(profile.tail_index / reference.tail_index))),
        cross_correlation=float(np.sqrt(np.mean(corr_gap ** 2))))


@dataclass(frozen=True)
class StylizedScore:
    """A source's distance to the reference and the bootstrap standard error of its total."""

    distance: StylizedDistance
    se: float

    def to_dict(self) -> dict[str, float]:
        """Table columns: the total, its standard error and the three parts."""
        parts = asdict(self.distance)
        return {"stylized_distance": self.distance.total, "stylized_distance_se": self.se,
                **{f"{name}_distance": value for name, value in parts.items()}}


class StylizedReference:
    """The reference windows' stylized facts, to score sources against."""

    def __init__(self, reference: np.ndarray, settings: StylizedSettings) -> None:
        self.settings = settings
        self.profile = stylized_profile(window_changes(reference), settings)

    def distance(self, changes: np.ndarray) -> StylizedDistance:
        """The distance of windows given by their changes."""
        return profile_distance(stylized_profile(changes, self.settings), self.profile)

    def score(self, windows: np.ndarray, seed: int, *keys: object) -> StylizedScore:
        """The distance of ``windows`` and its standard error over ``n_bootstrap`` resamples
        of the windows (with replacement), drawn from the stream ``(seed, *keys)``."""
        changes = window_changes(windows)
        draw = rng(seed, *keys, "stylized_bootstrap")
        replicates = [self.distance(changes[draw.integers(0, len(changes), len(changes))]).total
                      for _ in range(self.settings.n_bootstrap)]
        return StylizedScore(self.distance(changes), float(np.std(replicates, ddof=1)))

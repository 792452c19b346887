"""The series being compared: the real splits, the generators' and the baselines' samples.

Two real references enter the tables: ``real_test`` (the test split, for moments, stylized
facts and correlograms) and ``real_train`` (the training windows the generators learned
from). The headline two-sample test (:mod:`.compare`) compares every source with the
held-out windows of the training period, which no generator saw; its windows carry their
path and start (:class:`~synthvol.evaluation.twosample.Windows`) so that its split by time
blocks leaks no return: the real windows are path 0 with their start in the training split,
each generator window a path of its own, long baseline paths cut into stride-1 windows.
Generators are trained ``generators.training_seeds`` times; each training is a source of its
own for the test (file key ``<generator>-t<k>``), pooled into one row per generator.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from synthvol import registry
from synthvol.data.prepare import MinMaxScaler, read_split
from synthvol.errors import DataError
from synthvol.evaluation.metrics import as_windows
from synthvol.io import read_json
from synthvol.samples import read_samples

REAL_TEST = "real_test"
REAL_TRAIN = "real_train"
BASELINES = tuple(registry.BASELINES)
#: File-name prefix of a copy floor; its table label is ``copy_train[<generator>]``.
COPY_PREFIX = "copy_train_"
#: Separator of a generator training's file key, ``<generator>-t<k>``.
TRAINING_SEP = "-t"


def training_key(generator: str, training: int | str) -> str:
    """The file key of training ``training`` of ``generator`` (``sbts-t0``)."""
    return f"{generator}{TRAINING_SEP}{training}"


def split_training_key(key: str) -> tuple[str, int | None]:
    """``(generator, training)`` of a training's file key; ``(key, None)`` for other keys."""
    name, sep, number = key.rpartition(TRAINING_SEP)
    if sep and name and number.isdigit():
        return name, int(number)
    return key, None


def copy_label(generator: str) -> str:
    """The table label of ``generator``'s copy floor."""
    return f"copy_train[{generator}]"


def source_label(key: str) -> str:
    """Table label of a scored source from its file key: ``copy_train_sbts`` is shown as
    ``copy_train[sbts]``, a training ``sbts-t1`` as its generator ``sbts``, every other key
    as itself."""
    if key.startswith(COPY_PREFIX):
        return copy_label(key[len(COPY_PREFIX):])
    return split_training_key(key)[0]


def _windows_and_starts(path: str | os.PathLike[str], dates: pd.Series
                        ) -> tuple[np.ndarray, np.ndarray]:
    """A windows file's values and each window's start as a position in the training split."""
    frame = pd.read_parquet(path)
    starts = pd.Index(dates).get_indexer(frame["start"])
    if (starts < 0).any():
        row = int(np.flatnonzero(starts < 0)[0])
        raise DataError(f"{path}: row {row}: start {frame['start'].iloc[row]} is not a date "
                        "of the training split")
    return frame.drop(columns=["start"]).to_numpy(dtype=np.float64), starts.astype(np.int64)


@dataclass(frozen=True)
class RealData:
    """The prepared splits, the scaler fitted on the training blocks, and the scaled
    training-block and held-out-block windows with their starts in the training split."""

    train_returns: np.ndarray
    test_returns: np.ndarray
    test_prices: np.ndarray      # p_0 (last training price), then the test prices
    scaler: MinMaxScaler
    train_windows: np.ndarray    # what the generators learned from
    heldout_windows: np.ndarray  # real windows of the training period no generator saw
    train_starts: np.ndarray     # first return of each training window (training split index)
    heldout_starts: np.ndarray

    @classmethod
    def load(cls, train_path: str | os.PathLike[str], test_path: str | os.PathLike[str],
             scaler_path: str | os.PathLike[str], windows_path: str | os.PathLike[str],
             heldout_path: str | os.PathLike[str]) -> RealData:
        """Read ``train.parquet``, ``test.parquet``, ``scaler.json``, ``windows.parquet`` and
        ``heldout_windows.parquet``."""
        train, test = read_split(train_path), read_split(test_path)
        for path, frame in ((train_path, train), (test_path, test)):
            missing = {"price", "return"} - set(frame.columns)
            if missing:
                raise DataError(f"{path}: lacks column(s) {', '.join(sorted(missing))}")
        prices = np.concatenate([[train["price"].iloc[-1]], test["price"].to_numpy()])
        if "date" not in train.columns:
            raise DataError(f"{train_path}: lacks column date")
        windows, starts = _windows_and_starts(windows_path, train["date"])
        heldout, heldout_starts = _windows_and_starts(heldout_path, train["date"])
        if len(heldout) < 2:
            raise DataError(f"{heldout_path}: {len(heldout)} held-out windows, the memorisation "
                            "checks need at least 2")
        return cls(train["return"].to_numpy(np.float64), test["return"].to_numpy(np.float64),
                   prices.astype(np.float64), MinMaxScaler.from_dict(read_json(scaler_path)),
                   windows, heldout, starts, heldout_starts)

    def returns(self, name: str) -> np.ndarray:
        """The real returns of ``real_test`` or ``real_train`` as one path ``(1, T)``."""
        series = {REAL_TEST: self.test_returns, REAL_TRAIN: self.train_returns}[name]
        return series[None, :]


@dataclass(frozen=True)
class SyntheticSource:
    """A generator's (all its trainings), copy floor's or baseline's samples and the JSON
    file(s) with its timings."""

    name: str
    kind: str                          # "generator", "copy" or "baseline"
    samples_paths: tuple[str, ...]     # one per training for a generator, else one
    timing_paths: tuple[str, ...]      # generator: train.json per training, then sample.json

    def returns(self) -> np.ndarray:
        """The ``(N, T)`` log returns of the sample file(s), trainings stacked."""
        return np.concatenate([read_samples(path) for path in self.samples_paths])

    def timing(self) -> tuple[float, float]:
        """(training or fitting seconds, sampling seconds); a generator's mean per training."""
        if self.kind == "generator":
            half = len(self.timing_paths) // 2
            return (float(np.mean([_seconds(p, "seconds") for p in self.timing_paths[:half]])),
                    float(np.mean([_seconds(p, "seconds") for p in self.timing_paths[half:]])))
        if self.kind == "copy":
            (copy_json,) = self.timing_paths
            return (0.0, _seconds(copy_json, "seconds"))
        (fit_json,) = self.timing_paths
        return (_seconds(fit_json, "fit_seconds"), _seconds(fit_json, "sample_seconds"))


def _seconds(path: str, key: str) -> float:
    data = read_json(path)
    if not isinstance(data, dict) or key not in data:
        raise DataError(f"{path}: lacks the timing key '{key}'")
    return float(data[key])


def per_generator(paths: Sequence[str], generators: Sequence[str]) -> dict[str, list[str]]:
    """Split a generator-major list of per-training files (Snakemake's ``expand`` over
    generator, then training) into each generator's list."""
    if not generators or len(paths) % len(generators):
        raise DataError(f"{len(paths)} per-training files do not split evenly over "
                        f"{len(generators)} generators")
    n = len(paths) // len(generators)
    return {g: list(paths[i * n:(i + 1) * n]) for i, g in enumerate(generators)}


def synthetic_sources(generator_samples: Mapping[str, Sequence[str]],
                      generator_train_json: Mapping[str, Sequence[str]],
                      generator_sample_json: Mapping[str, Sequence[str]],
                      baseline_samples: Mapping[str, str], baseline_fit_json: Mapping[str, str],
                      copy_samples: Mapping[str, str] | None = None,
                      copy_json: Mapping[str, str] | None = None) -> list[SyntheticSource]:
    """Generators (each with its trainings' files), their copy floors (keyed by generator),
    then baselines, from name -> path(s) mappings."""
    sources = [SyntheticSource(g, "generator", tuple(paths),
                               (*generator_train_json[g], *generator_sample_json[g]))
               for g, paths in generator_samples.items()]
    copy_json = copy_json or {}
    sources += [SyntheticSource(copy_label(g), "copy", (path,), (copy_json[g],))
                for g, path in (copy_samples or {}).items()]
    sources += [SyntheticSource(b, "baseline", (path,), (baseline_fit_json[b],))
                for b, path in baseline_samples.items()]
    return sources


def scaled_source_windows(returns: np.ndarray, scaler: MinMaxScaler, length: int) -> np.ndarray:
    """Synthetic paths cut into disjoint windows of ``length`` and scaled like the real data."""
    return scaler.transform(as_windows(returns, length))

"""The series being compared: the real splits, the generators' and the baselines' samples.

Two real references enter every table: ``real_test`` (the held-out test split, the series
every synthetic source is compared with) and ``real_train`` (the training split the
generators learned from: how far two periods of real data differ). The scores use
windows of the generators' window length, min-max scaled with the study's scaler: the real
test split cut with stride 1 (the published protocol), long baseline paths cut into disjoint
windows.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from synthvol import registry
from synthvol.data.prepare import MinMaxScaler, load_windows, read_split
from synthvol.errors import DataError
from synthvol.evaluation.metrics import as_windows
from synthvol.io import read_json
from synthvol.samples import read_samples

REAL_TEST = "real_test"
REAL_TRAIN = "real_train"
BASELINES = tuple(registry.BASELINES)
#: File-name prefix of a copy floor; its table label is ``copy_train[<generator>]``.
COPY_PREFIX = "copy_train_"


def copy_label(generator: str) -> str:
    """The table label of ``generator``'s copy floor."""
    return f"copy_train[{generator}]"


def source_label(key: str) -> str:
    """Table label of a scored source from its file key: ``copy_train_sbts`` is shown as
    ``copy_train[sbts]``, every other key as itself."""
    return copy_label(key[len(COPY_PREFIX):]) if key.startswith(COPY_PREFIX) else key


@dataclass(frozen=True)
class RealData:
    """The prepared splits, the scaler fitted on the training blocks, and the scaled
    training-block and held-out-block windows."""

    train_returns: np.ndarray
    test_returns: np.ndarray
    test_prices: np.ndarray      # p_0 (last training price), then the test prices
    scaler: MinMaxScaler
    train_windows: np.ndarray    # what the generators learned from
    heldout_windows: np.ndarray  # real windows of the training period no generator saw

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
        windows, heldout = load_windows(windows_path), load_windows(heldout_path)
        if len(heldout) < 2:
            raise DataError(f"{heldout_path}: {len(heldout)} held-out windows, the memorisation "
                            "checks need at least 2")
        return cls(train["return"].to_numpy(np.float64), test["return"].to_numpy(np.float64),
                   prices.astype(np.float64), MinMaxScaler.from_dict(read_json(scaler_path)),
                   windows, heldout)

    def returns(self, name: str) -> np.ndarray:
        """The real returns of ``real_test`` or ``real_train`` as one path ``(1, T)``."""
        series = {REAL_TEST: self.test_returns, REAL_TRAIN: self.train_returns}[name]
        return series[None, :]

    def scaled_windows(self, name: str, length: int) -> np.ndarray:
        """Scaled stride-1 windows of a real split."""
        return self.scaler.transform(as_windows(self.returns(name), length, stride=1))


@dataclass(frozen=True)
class SyntheticSource:
    """A generator's or baseline's samples and the JSON file(s) with its timings."""

    name: str
    kind: str                     # "generator", "copy" or "baseline"
    samples_path: str
    timing_paths: tuple[str, ...]

    def returns(self) -> np.ndarray:
        """The ``(N, T)`` log returns of the sample file."""
        return read_samples(self.samples_path)

    def timing(self) -> tuple[float, float]:
        """(training or fitting seconds, sampling seconds)."""
        if self.kind == "generator":
            train_json, sample_json = self.timing_paths
            return (_seconds(train_json, "seconds"), _seconds(sample_json, "seconds"))
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


def synthetic_sources(generator_samples: dict[str, str], generator_train_json: dict[str, str],
                      generator_sample_json: dict[str, str], baseline_samples: dict[str, str],
                      baseline_fit_json: dict[str, str], copy_samples: dict[str, str] | None = None,
                      copy_json: dict[str, str] | None = None) -> list[SyntheticSource]:
    """Generators, their copy floors (keyed by generator), then baselines, from name -> path
    mappings."""
    sources = [SyntheticSource(g, "generator", path,
                               (generator_train_json[g], generator_sample_json[g]))
               for g, path in generator_samples.items()]
    copy_json = copy_json or {}
    sources += [SyntheticSource(copy_label(g), "copy", path, (copy_json[g],))
                for g, path in (copy_samples or {}).items()]
    sources += [SyntheticSource(b, "baseline", path, (baseline_fit_json[b],))
                for b, path in baseline_samples.items()]
    return sources


def scaled_source_windows(returns: np.ndarray, scaler: MinMaxScaler, length: int) -> np.ndarray:
    """Synthetic paths cut into disjoint windows of ``length`` and scaled like the real data."""
    return scaler.transform(as_windows(returns, length))

"""The generator steps of the workflow: train one generator, sample one into the shared format.

Each training ``k`` of a generator (``generators.training_seeds`` of them, so that the
scores' standard errors count the variation between trainings) gets its own seed
``derive_seed(seed, "generators", name, k)``, is trained on the prepared windows of scaled
returns, and is saved as a weights-only checkpoint next to a
``train.json`` with the wall time, the hyper-parameters and the loss history. Sampling
loads the checkpoint, draws windows (and, for generators that allow it, long paths of the
test-split length), maps them back to log returns with the scaler fitted on the training
returns, and writes :mod:`synthvol.samples` tables with prices rebuilt from the last
training price.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numba
import numpy as np
import torch

from synthvol.data.prepare import MinMaxScaler, load_windows
from synthvol.declare import as_params
from synthvol.errors import DataError
from synthvol.generators.base import Generator, generator_class, load_generator
from synthvol.io import read_json, write_json, write_parquet
from synthvol.progress import get_logger
from synthvol.samples import samples_frame
from synthvol.seeds import derive_seed

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class SampleResult:
    """Returns of the drawn paths ``(n, length)`` and the seconds it took to draw them."""

    returns: np.ndarray
    seconds: float


def use_threads(threads: int) -> None:
    """Cap torch's and numba's CPU threads for this process."""
    threads = max(1, int(threads))
    torch.set_num_threads(threads)
    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))


def build_generator(name: str, training: int, seed: int,
                    generators: Mapping[str, Any]) -> Generator:
    """Training number ``training`` of generator ``name``: its ``generators.models``
    hyper-parameters and a seed of its own."""
    cls = generator_class(name)   # an unknown name raises ConfigError before the lookup below
    return cls.configured(derive_seed(seed, "generators", name, int(training)),
                          generators["device"], **generators["models"][name])


def _history_summary(history: list[dict[str, float]]) -> dict[str, Any]:
    if not history:
        return {"rows": 0}
    return {"rows": len(history), "first": history[0], "last": history[-1]}


def train_generator(name: str, training: int, seed: int, generators: Mapping[str, Any],
                    windows_path: PathLike, model_path: PathLike, train_json_path: PathLike,
                    threads: int = 1) -> dict[str, Any]:
    """Fit training ``training`` of generator ``name`` on the prepared windows; write its
    checkpoint and ``train.json``."""
    logger = get_logger("generators")
    use_threads(threads)
    windows = load_windows(windows_path)
    generator = build_generator(name, training, seed, generators)
    logger.info("training %s (training %d) on %d windows of %d steps (device %s, %d threads)",
                name, int(training), windows.shape[0], windows.shape[1], generator.device,
                threads)
    report = generator.fit(windows)
    generator.save(model_path)
    info = {"generator": name, "training": int(training), "seconds": report.seconds,
            "seed": generator.seed,
            "device": str(generator.device), "threads": int(threads),
            "n_windows": int(windows.shape[0]), "window_length": int(windows.shape[1]),
            "hyper": as_params(generator.settings),
            "history_summary": _history_summary(report.history), "history": report.history}
    write_json(info, train_json_path)
    logger.info("trained %s in %.1fs", name, report.seconds)
    return info


def draw_returns(generator: Generator, scaler: MinMaxScaler, n: int,
                 length: int | None = None) -> SampleResult:
    """``n`` paths from ``generator`` mapped back to log returns, with the drawing time."""
    start = time.perf_counter()
    scaled = generator.sample(n, length)
    seconds = time.perf_counter() - start
    if scaled.shape[2] != 1:
        raise DataError(f"generator {generator.name} draws {scaled.shape[2]} features; the "
                        "study's sample format holds one return series")
    return SampleResult(scaler.inverse_transform(scaled[:, :, 0]), seconds)


def sample_generator(model_path: PathLike, scaler_path: PathLike, summary_path: PathLike,
                     n_samples: int, samples_path: PathLike, sample_json_path: PathLike,
                     device: str = "cpu", threads: int = 1, long: bool = False
                     ) -> dict[str, Any]:
    """Draw ``n_samples`` paths from a checkpoint into the shared sample format.

    Paths are one window long, or with ``long`` as long as the test split (generators
    whose :attr:`~synthvol.generators.base.Generator.supports_long_paths` is true).
    """
    logger = get_logger("generators")
    use_threads(threads)
    generator = load_generator(model_path, device)
    scaler = MinMaxScaler.from_dict(read_json(scaler_path))
    summary = read_json(summary_path)
    length = int(summary["n_test"]) if long else None
    result = draw_returns(generator, scaler, int(n_samples), length)
    write_parquet(samples_frame(result.returns, float(summary["last_train_price"])),
                  samples_path)
    info = {"generator": generator.name, "seconds": result.seconds,
            "n_samples": int(result.returns.shape[0]), "length": int(result.returns.shape[1]),
            "threads": int(threads)}
    write_json(info, sample_json_path)
    logger.info("sampled %d paths of %d steps from %s in %.2fs", info["n_samples"],
                info["length"], generator.name, result.seconds)
    return info

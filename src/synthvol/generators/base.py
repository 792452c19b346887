"""The one interface every generator implements, and checkpoint I/O shared by all.

A generator learns from windows of scaled returns, shape ``(n_windows, length, n_features)``
(a 2-D ``(n_windows, length)`` array is read as one feature), and samples new windows of the
same layout. Checkpoints are ``torch.save`` files holding only tensors and plain Python
values (``{"name", "seed", "hyper", "shape", "state"}``, ``hyper`` the settings as params),
read back with
``torch.load(weights_only=True)`` — no pickled objects.
"""

from __future__ import annotations

import io
import os
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import torch

from synthvol.declare import as_params, build
from synthvol.errors import ConfigError
from synthvol.io import write_bytes
from synthvol.registry import GENERATORS as REGISTRY  # noqa: F401  (re-exported)
from synthvol.registry import entry


@dataclass
class TrainingReport:
    """What ``fit`` measured: wall seconds and a per-epoch (or per-iteration) loss history."""

    seconds: float
    history: list[dict[str, float]] = field(default_factory=list)


def as_3d(windows: np.ndarray) -> np.ndarray:
    """Windows as float32 ``(n, length, n_features)``."""
    arr = np.asarray(windows, dtype=np.float32)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    if arr.ndim != 3 or arr.shape[0] < 2:
        raise ValueError(f"windows must be (n, length[, features]) with n >= 2, got {arr.shape}")
    return arr


def resolve_device(name: str) -> torch.device:
    """``cpu``, ``cuda`` (error if absent) or ``auto`` (cuda when present)."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise ConfigError("generators.device is 'cuda' but no CUDA device is available")
    if name not in ("cpu", "cuda"):
        raise ConfigError(f"generators.device must be cpu, cuda or auto, got {name!r}")
    return torch.device(name)


class Generator(ABC):
    """Base class: subclasses set ``name`` and ``Settings`` and implement fit/sample/state I/O.

    ``settings`` is the subclass's declaration (:mod:`synthvol.declare`) of its
    hyper-parameters, already validated; a checkpoint stores it as params so it can rebuild
    the object. ``seed`` drives every random draw of fit and sample.
    """

    name: ClassVar[str]
    Settings: ClassVar[type]

    def __init__(self, settings: Any, seed: int, device: str = "cpu") -> None:
        if not isinstance(settings, self.Settings):
            raise TypeError(f"{self.name} takes a {self.Settings.__name__}, "
                            f"not {type(settings).__name__}")
        self.settings = settings
        self.seed = int(seed)
        self.device = resolve_device(device)
        self.shape: tuple[int, int] | None = None   # (length, n_features) seen in fit

    @classmethod
    def configured(cls, seed: int, device: str = "cpu", **values: Any) -> Generator:
        """The generator with settings built from params ``values`` (``generators.models.<name>``),
        checked against its declaration: an unknown, missing or out-of-range key is an error
        naming it."""
        return cls(build(cls.Settings, values, f"generators.models.{cls.name}"), seed, device)

    @abstractmethod
    def _fit(self, windows: np.ndarray) -> list[dict[str, float]]:
        """Train on float32 ``(n, length, d)`` windows; return the loss history."""

    @abstractmethod
    def _sample(self, n: int, length: int) -> np.ndarray:
        """Draw ``n`` windows of ``length`` steps, ``(n, length, d)``."""

    @abstractmethod
    def state_dict(self) -> dict[str, Any]:
        """Tensors and plain values that restore the fitted generator."""

    @abstractmethod
    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Inverse of :meth:`state_dict`."""

    @property
    def supports_long_paths(self) -> bool:
        """Whether :meth:`sample` accepts a ``length`` longer than the training windows."""
        return False

    def fit(self, windows: np.ndarray) -> TrainingReport:
        """Train on windows of scaled returns and time it."""
        data = as_3d(windows)
        self.shape = (data.shape[1], data.shape[2])
        torch.manual_seed(self.seed)
        start = time.perf_counter()
        history = self._fit(data)
        return TrainingReport(time.perf_counter() - start, history)

    def sample(self, n: int, length: int | None = None) -> np.ndarray:
        """``n`` synthetic windows, ``(n, length, d)``; ``length`` defaults to the training one."""
        if self.shape is None:
            raise RuntimeError(f"{self.name}: sample() before fit() or load()")
        length = self.shape[0] if length is None else int(length)
        if length != self.shape[0] and not self.supports_long_paths:
            raise ValueError(f"{self.name} samples windows of {self.shape[0]} steps only")
        torch.manual_seed(self.seed + 1)
        with torch.no_grad():
            return np.asarray(self._sample(int(n), length), dtype=np.float64)

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write a weights-only checkpoint atomically, byte-identical for the same state.

        ``torch.save`` to a file records that file's name in the archive; saving to memory
        first keeps the temporary file's name out of the bytes.
        """
        checkpoint = {"name": self.name, "seed": self.seed, "hyper": as_params(self.settings),
                      "shape": list(self.shape or ()), "state": self.state_dict()}
        buffer = io.BytesIO()
        torch.save(checkpoint, buffer)
        write_bytes(buffer.getvalue(), path)


def generator_class(name: str) -> type[Generator]:
    """The class registered under ``name`` in :data:`synthvol.registry.GENERATORS`."""
    return entry("generators", name).load()


def make_generator(name: str, seed: int, device: str = "cpu", **hyper: Any) -> Generator:
    """Construct the generator registered under ``name``."""
    return generator_class(name).configured(seed, device, **hyper)


def load_generator(path: str | os.PathLike[str], device: str = "cpu") -> Generator:
    """Rebuild a generator from a checkpoint written by :meth:`Generator.save`."""
    checkpoint = torch.load(path, map_location=resolve_device(device), weights_only=True)
    generator = make_generator(checkpoint["name"], checkpoint["seed"], device,
                               **checkpoint["hyper"])
    generator.shape = tuple(checkpoint["shape"]) if checkpoint["shape"] else None
    generator.load_state_dict(checkpoint["state"])
    return generator

"""The same training writes the same checkpoint bytes (no temp file name inside)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from synthvol.config import deep_merge, study_defaults
from synthvol.generators.pipeline import build_generator


def test_training_twice_gives_identical_checkpoint_bytes(tmp_path: Path) -> None:
    windows = np.random.default_rng(0).uniform(-1, 1, (32, 12)).astype(np.float32)
    generators = deep_merge(study_defaults("generators"), {
        "device": "cpu", "models": {"cvae": {"latent_dim": 2, "hidden_dim": 8, "epochs": 2,
                                             "batch_size": 16}}})
    paths = [tmp_path / "a" / "model.pt", tmp_path / "b" / "other_name.pt"]
    for path in paths:
        generator = build_generator("cvae", 0, 7, generators)
        generator.fit(windows)
        generator.save(path)
    first, second = (p.read_bytes() for p in paths)
    assert len(first) > 1000
    assert first == second

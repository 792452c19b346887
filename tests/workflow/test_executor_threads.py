"""Results do not depend on the CPUs a job was given: the training adapter takes its torch
and numba thread count from params (``generators.threads``, declared by the rule), not from
the job's allocation, so 1 and 2 job threads write the same checkpoint bytes."""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

from synthvol.config import REPO_ROOT, deep_merge, study_defaults
from synthvol.data.prepare import prepare_series, series_options, windows_frame
from synthvol.io import write_parquet

#: params.yaml's window stride, period and feature range.
SERIES = series_options(study_defaults("data"))

SCRIPT = REPO_ROOT / "workflow/scripts/generators_train.py"


class _Named(list):
    """Snakemake's input/output objects: a list with named items."""

    def __init__(self, **items: str) -> None:
        super().__init__(items.values())
        self.__dict__.update(items)


def _train(tmp: Path, windows: Path, job_threads: int) -> tuple[bytes, dict]:
    out = tmp / f"job{job_threads}"
    out.mkdir()
    generators = deep_merge(study_defaults("generators"),
                            {"device": "cpu", "models": {"cvae": {"epochs": 3, "hidden_dim": 32}}})
    smk = SimpleNamespace(
        rule="train_generator", threads=job_threads, log=[str(out / "train.log")],
        wildcards=SimpleNamespace(generator="cvae", training="0"),
        input=_Named(windows=str(windows)),
        output=_Named(model=str(out / "model.pt"), train=str(out / "train.json")),
        params=SimpleNamespace(generators=generators, seed=7, torch_threads=1))
    runpy.run_path(str(SCRIPT), init_globals={"snakemake": smk})
    info = json.loads((out / "train.json").read_text())
    return (out / "model.pt").read_bytes(), info


def test_training_bytes_do_not_depend_on_job_threads(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    prices = pd.DataFrame({"date": pd.bdate_range("2010-01-01", periods=400),
                           "price": 100 * np.exp(np.cumsum(rng.normal(0, 0.01, 400)))})
    prepared = prepare_series(prices, 0.2, 20, holdout=None, seed=None, **SERIES)
    windows = tmp_path / "windows.parquet"
    write_parquet(windows_frame(prepared.windows, prepared.window_start), windows)
    model_1, info_1 = _train(tmp_path, windows, 1)
    model_2, info_2 = _train(tmp_path, windows, 2)
    assert info_1["threads"] == info_2["threads"] == 1
    assert model_1 == model_2
    assert info_1["history"] == info_2["history"]

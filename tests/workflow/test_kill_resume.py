"""``kill -9`` of Snakemake mid-run, then the recovery steps of docs/data.md, gives every
table of an uninterrupted run (data preparation and the three baselines, quick size)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from synthvol.config import REPO_ROOT

BIN = Path(sys.executable).parent
TARGETS = [f"results/baselines/{m}/fit.json" for m in ("ar", "garch", "fbm")]
RUN = ["--cores", "2", *TARGETS, "--configfile", "config/quick.yaml"]


def _copy(dest: Path) -> Path:
    dest.mkdir()
    for name in ("Snakefile", "params.yaml"):
        shutil.copy(REPO_ROOT / name, dest)
    for name in ("workflow", "config"):
        shutil.copytree(REPO_ROOT / name, dest / name)
    return dest


def _env() -> dict[str, str]:
    return {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}


def _snakemake(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "snakemake"), *args], cwd=repo, env=_env(),
                          capture_output=True, text=True, timeout=900)


def _jobs(repo: Path) -> list[str]:
    """docs/data.md's step 1: the job processes running a script of this folder."""
    proc = subprocess.run(["pgrep", "-af", f"{repo}/.snakemake/scripts/"],
                          capture_output=True, text=True)
    return proc.stdout.splitlines()


def _untimed(value: object) -> object:
    """A JSON value without its ``*_seconds`` entries (how long a fit took differs)."""
    if isinstance(value, dict):
        return {k: _untimed(v) for k, v in value.items() if not k.endswith("_seconds")}
    return value


def _tables(repo: Path) -> dict[str, object]:
    out: dict[str, object] = {}
    for path in sorted(p for d in ("data", "results") for p in (repo / d).rglob("*")
                       if p.is_file()):
        name = str(path.relative_to(repo))
        if path.suffix == ".parquet":
            out[name] = pd.read_parquet(path)
        elif path.suffix == ".json":
            out[name] = _untimed(json.loads(path.read_text()))
        else:
            out[name] = path.read_bytes()
    return out


@pytest.mark.slow
def test_kill_9_then_the_documented_steps_gives_the_uninterrupted_tables(
        tmp_path: Path) -> None:
    whole, killed = _copy(tmp_path / "whole"), _copy(tmp_path / "killed")
    assert _snakemake(whole, *RUN).returncode == 0

    run = subprocess.Popen([str(BIN / "snakemake"), *RUN], cwd=killed, env=_env(),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                           start_new_session=True)
    deadline = time.monotonic() + 600
    while not any("fit_baseline" in job for job in _jobs(killed)):   # a baseline is fitting
        assert run.poll() is None and time.monotonic() < deadline
        time.sleep(0.2)
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    assert _jobs(killed), "the jobs outlive a killed Snakemake"
    while _jobs(killed):                             # step 2: wait for them to end
        assert time.monotonic() < deadline
        time.sleep(0.5)
    assert "--rerun-incomplete" in _snakemake(killed, *RUN).stderr    # what was running
    assert "cannot be locked" in _snakemake(killed, *RUN, "--rerun-incomplete").stderr
    assert _snakemake(killed, "--unlock").returncode == 0            # step 3
    assert _snakemake(killed, *RUN, "--rerun-incomplete").returncode == 0

    expected, got = _tables(whole), _tables(killed)
    assert sorted(got) == sorted(expected) and len(expected) == 18
    for name, table in expected.items():
        if isinstance(table, pd.DataFrame):
            pd.testing.assert_frame_equal(got[name], table, check_exact=True, obj=name)
        else:
            assert got[name] == table, name

"""Where a report came from: code, parameters, software, machine and what each part cost.

Everything here is read without importing the heavy packages (versions come from
``importlib.metadata``, the GPU from ``nvidia-smi``), so the report rule stays cheap. The
block is a function of its inputs only: the same commit, params, installed versions,
machine and benchmark files give the same text, so the report stays byte-identical.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import platform
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from synthvol.progress import get_logger

#: Distributions whose versions the block lists, in this order.
PACKAGES = ("synthvol", "numpy", "scipy", "pandas", "torch", "numba", "statsmodels", "arch",
            "snakemake", "dvc")
#: Study order of the parts in the timing table; other benchmark folders follow by name.
PART_ORDER = ("data", "baselines", "generators", "evaluation", "sv", "forecast", "report")


@dataclass(frozen=True)
class PartTiming:
    """Summed benchmark times of one part's jobs (each rule's last run)."""

    part: str
    jobs: int
    wall_seconds: float
    cpu_seconds: float
    slowest_rule: str
    slowest_seconds: float


@dataclass(frozen=True)
class Provenance:
    """The facts the report's provenance block shows."""

    commit: str | None
    commit_date: str | None
    dirty: bool | None
    params_sha256: str
    configfiles: list[tuple[str, str]]            # (path, sha256 of the file)
    overrides: dict[str, str]                     # snakemake --config KEY=VALUE
    versions: dict[str, str]
    machine: dict[str, str]
    timings: list[PartTiming] = field(default_factory=list)


def _git(*args: str) -> str | None:
    if shutil.which("git") is None:
        return None
    done = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def _relative(path: str | os.PathLike[str]) -> str:
    full = Path(path).absolute()
    return str(full.relative_to(Path.cwd())) if full.is_relative_to(Path.cwd()) else str(full)


def configfiles_in_merge_order(own: Sequence[str | os.PathLike[str]],
                               command_line: Sequence[str | os.PathLike[str]]) -> list[str]:
    """The Snakefile's ``configfile:`` first, then each ``--configfile`` merged over it,
    relative to the working directory where they lie inside it."""
    cli = [_relative(f) for f in command_line]
    return list(dict.fromkeys([f for f in map(_relative, own) if f not in cli] + cli))


def params_digest(params: Mapping[str, Any]) -> str:
    """SHA-256 of the effective parameters as canonical JSON (key order does not matter)."""
    text = json.dumps(params, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_digest(path: str | os.PathLike[str]) -> str:
    """SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def package_versions(names: Sequence[str] = PACKAGES) -> dict[str, str]:
    """Python's and each distribution's installed version ("not installed" if absent)."""
    versions = {"python": platform.python_version()}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 2**20:.0f} GiB"
    except OSError:
        pass
    return "unknown"


def _gpus() -> str:
    if shutil.which("nvidia-smi") is None:
        return "none"
    try:
        done = subprocess.run(["nvidia-smi", "--query-gpu=name,memory.total",
                               "--format=csv,noheader"], capture_output=True, text=True,
                              timeout=20, check=False)
    except subprocess.TimeoutExpired:
        return "nvidia-smi did not answer"
    names = [line.strip() for line in done.stdout.splitlines() if line.strip()]
    return "; ".join(names) if done.returncode == 0 and names else "none"


def machine() -> dict[str, str]:
    """Cores, CPU, memory, GPU and operating system of the machine building the report."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    cores = f"{os.cpu_count()}" + (f" ({usable} usable)" if usable not in (None,
                                                                          os.cpu_count()) else "")
    return {"cores": cores, "CPU": _cpu_model(), "memory": _memory(), "GPU": _gpus(),
            "system": f"{platform.system()} {platform.release()} {platform.machine()}"}


def job_times(folder: str | os.PathLike[str]) -> list[tuple[str, float, float]]:
    """``(job, wall seconds, CPU seconds)`` of each ``<folder>/*.tsv`` (Snakemake
    ``benchmark:`` files; each holds the last run of one job, its first data row is used)."""
    jobs = []
    for tsv in sorted(Path(folder).glob("*.tsv")):
        with tsv.open(newline="") as fh:
            row = next(csv.DictReader(fh, delimiter="\t"), None)
        if row is None or "s" not in row:
            get_logger("report").warning("%s: no benchmark row, left out", tsv)
            continue
        cpu = row.get("cpu_time", "")
        jobs.append((tsv.stem, float(row["s"]),
                     float(cpu) if cpu not in ("", "NA", None) else 0.0))
    return jobs


def part_timings(benchmark_dir: str | os.PathLike[str],
                 skip: Sequence[str] = ("report",)) -> list[PartTiming]:
    """Sum each part's ``<benchmark_dir>/<part>/*.tsv`` (:func:`job_times`); the sums are
    job times, so with parallel jobs they exceed the elapsed time of the whole run."""
    root = Path(benchmark_dir)
    if not root.is_dir():
        return []
    timings = []
    for folder in sorted((p for p in root.iterdir() if p.is_dir() and p.name not in skip),
                         key=lambda p: (PART_ORDER.index(p.name) if p.name in PART_ORDER
                                        else len(PART_ORDER), p.name)):
        jobs = job_times(folder)
        if jobs:
            slowest = max(jobs, key=lambda j: j[1])
            timings.append(PartTiming(folder.name, len(jobs), sum(j[1] for j in jobs),
                                      sum(j[2] for j in jobs), slowest[0], slowest[1]))
    return timings


def collect(params: Mapping[str, Any], configfiles: Sequence[str],
            overrides: Mapping[str, Any] | None = None,
            benchmark_dir: str | os.PathLike[str] | None = None) -> Provenance:
    """Gather the provenance of a report built now, in the current working directory."""
    commit = _git("rev-parse", "HEAD")
    status = _git("status", "--porcelain") if commit else None
    return Provenance(
        commit=commit, commit_date=_git("show", "-s", "--format=%cI", "HEAD") if commit else None,
        dirty=None if status is None else bool(status),
        params_sha256=params_digest(params),
        configfiles=[(str(f), file_digest(f)) for f in configfiles],
        overrides={str(k): str(v) for k, v in (overrides or {}).items()},
        versions=package_versions(), machine=machine(),
        timings=part_timings(benchmark_dir) if benchmark_dir else [])

"""The study on a cluster: rule resources that grow on retry, the check that a run's measured
use fits them, and run-time estimates from a run's benchmark files.

``workflow/resources.yaml`` holds each rule's base ``mem_mb`` and ``runtime`` (minutes); the
rule files take them through :func:`growing` (``resources: **grow("rule")``, common.smk), so
attempt k of a job asks for k times the base (``retries`` in profiles/slurm). ``derive``
computes the bases from a run's benchmark files (``logs/benchmarks/**.tsv``) with headroom;
``check`` fails when a job's measured ``max_rss`` or wall time exceeds its rule's base;
``estimate`` gives the study's time on N cores from the jobs' measured CPU times and the DAG.

    python -m synthvol.cluster check    [--run DIR] [--configfile F ...]
    python -m synthvol.cluster derive   [--run DIR] [--configfile F ...] [--write]
    python -m synthvol.cluster estimate [--run DIR] [--configfile F ...] [--cores 1 2 8 32]

DIR is the run's working directory (default: this repository); the configfiles must be
those of the run, so that the DAG has the run's jobs.
"""

from __future__ import annotations

import argparse
import heapq
import math
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from synthvol.config import REPO_ROOT
from synthvol.errors import ConfigError

RESOURCES_FILE = REPO_ROOT / "workflow" / "resources.yaml"
#: Headroom of the derived bases over the largest measured use, and their floors.
MEM_HEADROOM, RUNTIME_HEADROOM = 1.5, 3.0
MIN_MEM_MB, MIN_RUNTIME = 500, 5
#: Rule-name prefixes of the parts whose scaling ``estimate`` reports on their own.
PARTS = {"sv": ("sv_",), "scoring": ("score_source", "compare_sources")}


def load_resources(path: Path = RESOURCES_FILE) -> dict[str, dict[str, int]]:
    """``{rule: {"mem_mb": int, "runtime": int}}``; a malformed entry raises ConfigError."""
    table = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    for rule, entry in table.items():
        if (not isinstance(entry, dict) or set(entry) != {"mem_mb", "runtime"}
                or not all(isinstance(v, int) and v > 0 for v in entry.values())):
            raise ConfigError(f"{path}: rule {rule}: need positive integers mem_mb and runtime, "
                              f"got {entry!r}")
    return table


def resource_key(rule: str) -> str:
    """The table entry of ``rule``: its name, or its family's for the rules generated per job
    size (``sv_chunk`` for ``sv_chunk_0``, ``sv_chunk_1``, ...)."""
    return re.sub(r"_\d+$", "", rule)


def growing(table: Mapping[str, Mapping[str, int]], rule: str) -> dict[str, Callable[..., int]]:
    """A rule's ``resources``: its bases times the attempt, so a retry asks for more."""
    if rule not in table:
        raise ConfigError(f"{RESOURCES_FILE}: no entry for rule {rule}")
    mem_mb, runtime = table[rule]["mem_mb"], table[rule]["runtime"]
    return {"mem_mb": lambda wildcards, attempt: mem_mb * attempt,
            "runtime": lambda wildcards, attempt: runtime * attempt}


def hand_jobs_the_package() -> None:
    """Put the source folder this package was imported from first on PYTHONPATH, which every
    job inherits, so that jobs import it whatever environment runs them: the conda
    environment (workflow/envs/synthvol.yaml) holds only the dependencies and works under any
    --conda-prefix and in a --containerize'd image. An installed package (not in a src/ of a
    checkout) is left to the environment."""
    import synthvol

    src = Path(synthvol.__file__).resolve().parents[1]
    if src.name != "src":
        return
    rest = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != str(src)]
    os.environ["PYTHONPATH"] = os.pathsep.join([str(src), *rest])


@dataclass(frozen=True)
class Job:
    """One job of the DAG and what its benchmark file measured (None: no file)."""

    name: str
    rule: str
    threads: int
    deps: tuple[str, ...]
    benchmark: str | None
    seconds: float | None = None
    cpu_seconds: float | None = None
    max_rss_mb: float | None = None


def _measured(path: Path) -> dict[str, float | None]:
    """Wall time, CPU time and max_rss of a Snakemake benchmark file (None where "NA")."""
    try:
        row = pd.read_csv(path, sep="\t").iloc[-1]
    except (pd.errors.ParserError, pd.errors.EmptyDataError, IndexError) as exc:
        raise ConfigError(f"{path}: not a Snakemake benchmark file ({exc})") from None
    value = {k: pd.to_numeric(row.get(k), errors="coerce") for k in ("s", "cpu_time", "max_rss")}
    return {name: None if pd.isna(value[k]) else float(value[k])
            for name, k in (("seconds", "s"), ("cpu_seconds", "cpu_time"),
                            ("max_rss_mb", "max_rss"))}


def dry_run_jobs(text: str) -> list[dict[str, object]]:
    """The job blocks of a ``snakemake --dry-run`` listing: rule, wildcards, inputs, outputs,
    benchmark file and threads of each (Snakemake's printed form, its public interface)."""
    jobs: list[dict[str, object]] = []
    current: dict[str, object] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        head = line.removeprefix("local")
        if head.startswith("rule ") and head.endswith(":"):
            current = {"rule": head[5:-1], "wildcards": {}, "input": [], "output": [],
                       "benchmark": None, "threads": 1}
            jobs.append(current)
            continue
        if current is None or ": " not in line:
            continue
        key, value = line.split(": ", 1)
        if key in ("input", "output"):
            current[key] = [v for v in value.split(", ") if v]
        elif key == "benchmark":
            current["benchmark"] = value
        elif key == "threads":
            current["threads"] = int(value)
        elif key == "wildcards":
            current["wildcards"] = dict(item.split("=", 1) for item in value.split(", "))
    return jobs


def dag_jobs(run: Path = REPO_ROOT, configfiles: Sequence[Path] = (),
             repo: Path = REPO_ROOT) -> list[Job]:
    """The jobs of ``repo``'s default target for these configfiles (from a forced dry run of
    Snakemake's command line), with what the benchmark files under ``run`` measured."""
    command = [sys.executable, "-m", "snakemake", "--dry-run", "--forceall", "--nolock",
               "--snakefile", str(repo / "Snakefile"), "--directory", str(repo)]
    if configfiles:
        command += ["--configfile", *map(str, configfiles)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise ConfigError(f"snakemake --dry-run of {repo} failed: {last}")
    # Target-only rules (all, generators) have no outputs and run nothing.
    blocks = [b for b in dry_run_jobs(done.stdout + done.stderr) if b["output"]]
    names = ["-".join([str(b["rule"]), *map(str, dict(b["wildcards"]).values())])
             for b in blocks]
    producer = {out: name for b, name in zip(blocks, names) for out in b["output"]}
    jobs = []
    for block, name in zip(blocks, names):
        benchmark = block["benchmark"]
        path = run / str(benchmark) if benchmark else None
        measured = _measured(path) if path is not None and path.is_file() else {}
        deps = tuple(sorted({producer[f] for f in block["input"] if f in producer}))
        jobs.append(Job(name, str(block["rule"]), int(block["threads"]), deps,
                        None if benchmark is None else str(benchmark), **measured))
    return sorted(jobs, key=lambda j: j.name)


def check(table: Mapping[str, Mapping[str, int]], jobs: Iterable[Job]) -> list[str]:
    """One line per job whose measured max_rss or wall time exceeds its rule's base."""
    problems = []
    for job in jobs:
        declared = table.get(resource_key(job.rule))
        if declared is None:
            problems.append(f"rule {resource_key(job.rule)}: no entry in {RESOURCES_FILE.name}")
            continue
        if job.max_rss_mb is not None and job.max_rss_mb > declared["mem_mb"]:
            problems.append(f"{job.benchmark}: max_rss {job.max_rss_mb:.0f} MB > mem_mb "
                            f"{declared['mem_mb']} of rule {job.rule}")
        if job.seconds is not None and job.seconds > 60 * declared["runtime"]:
            problems.append(f"{job.benchmark}: {job.seconds:.0f} s > runtime "
                            f"{declared['runtime']} min of rule {job.rule}")
    return problems


def derive(jobs: Iterable[Job]) -> dict[str, dict[str, int]]:
    """Bases from the largest measured use of each rule's jobs, with headroom and floors."""
    table: dict[str, dict[str, int]] = {}
    for job in jobs:
        if job.max_rss_mb is None or job.seconds is None:
            continue
        mem = max(MIN_MEM_MB, 100 * math.ceil(job.max_rss_mb * MEM_HEADROOM / 100))
        runtime = max(MIN_RUNTIME, math.ceil(job.seconds * RUNTIME_HEADROOM / 60))
        entry = table.setdefault(resource_key(job.rule), {"mem_mb": mem, "runtime": runtime})
        entry["mem_mb"], entry["runtime"] = max(entry["mem_mb"], mem), max(entry["runtime"],
                                                                           runtime)
    return table


def write_resources(table: Mapping[str, Mapping[str, int]], path: Path = RESOURCES_FILE
                    ) -> None:
    """Replace the entries of ``path`` by ``table``'s, keeping its header comment and the
    rules ``table`` has no measurement of."""
    from synthvol.io import write_text

    text = Path(path).read_text(encoding="utf-8")
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    merged = {**load_resources(path), **table}
    body = "".join(f"{rule}: {{mem_mb: {e['mem_mb']}, runtime: {e['runtime']}}}\n"
                   for rule, e in merged.items())
    write_text(header + body, path)


# ---- run-time estimate ----------------------------------------------------------------

def _duration(job: Job, cores: int | None = None) -> float:
    """Seconds the job takes on min(threads, cores) cores: its CPU time over them (the wall
    time of a loaded machine overstates it), or its wall time where no CPU time was measured."""
    if job.cpu_seconds:
        return job.cpu_seconds / min(job.threads, cores or job.threads)
    if job.seconds is None:
        raise ConfigError(f"no benchmark measurement for job {job.name} ({job.benchmark})")
    return job.seconds


def critical_path(jobs: Sequence[Job]) -> tuple[float, list[str]]:
    """The longest chain of dependent jobs by duration: (seconds, job names in order)."""
    by_name = {j.name: j for j in jobs}
    finish: dict[str, tuple[float, list[str]]] = {}

    def longest(name: str) -> tuple[float, list[str]]:
        if name not in finish:
            job = by_name[name]
            before = max((longest(d) for d in job.deps if d in by_name), default=(0.0, []),
                         key=lambda item: item[0])
            finish[name] = (before[0] + _duration(job), [*before[1], name])
        return finish[name]

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(jobs) + 100))
    return max((longest(j.name) for j in jobs), default=(0.0, []), key=lambda item: item[0])


def simulate(jobs: Sequence[Job], cores: int) -> float:
    """Makespan on ``cores`` cores of a list schedule that starts the ready job with the
    longest remaining path first (each job holding min(threads, cores) cores)."""
    by_name = {j.name: j for j in jobs}
    children: dict[str, list[str]] = {j.name: [] for j in jobs}
    waiting = {j.name: 0 for j in jobs}
    for job in jobs:
        for dep in job.deps:
            if dep in by_name:
                children[dep].append(job.name)
                waiting[job.name] += 1
    tail: dict[str, float] = {}

    def remaining(name: str) -> float:
        if name not in tail:
            tail[name] = _duration(by_name[name], cores) + max(
                (remaining(c) for c in children[name]), default=0.0)
        return tail[name]

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(jobs) + 100))
    ready = [(-remaining(n), n) for n, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    running: list[tuple[float, str]] = []
    now, free = 0.0, cores
    while ready or running:
        blocked = []
        while ready:
            priority, name = heapq.heappop(ready)
            need = min(by_name[name].threads, cores)
            if need <= free:
                free -= need
                heapq.heappush(running, (now + _duration(by_name[name], cores), name))
            else:
                blocked.append((priority, name))
        for item in blocked:
            heapq.heappush(ready, item)
        now, name = heapq.heappop(running)
        free += min(by_name[name].threads, cores)
        for child in children[name]:
            waiting[child] -= 1
            if waiting[child] == 0:
                heapq.heappush(ready, (-remaining(child), child))
    return now


def estimate(jobs: Sequence[Job], cores: Sequence[int]) -> pd.DataFrame:
    """Per core count: the critical path, the work bound (CPU time / cores) and the list
    schedule's makespan, for the whole study and for each of :data:`PARTS` alone."""
    rows = []
    for part, prefixes in {"study": ("",), **PARTS}.items():
        subset = [j for j in jobs if j.rule.startswith(prefixes)]
        if not subset:
            continue
        path_s, _ = critical_path(subset)
        work = sum(_duration(j) * j.threads for j in subset)
        for n in cores:
            rows.append({"part": part, "cores": n, "jobs": len(subset),
                         "cpu_seconds": round(work, 1), "critical_path_s": round(path_s, 1),
                         "work_bound_s": round(work / n, 1),
                         "estimate_s": round(simulate(subset, n), 1)})
    return pd.DataFrame(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m synthvol.cluster",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["check", "derive", "estimate"])
    parser.add_argument("--run", type=Path, default=REPO_ROOT,
                        help="working directory of the run whose logs/benchmarks to read")
    parser.add_argument("--configfile", type=Path, nargs="*", default=[],
                        help="the run's configfiles (merged over params.yaml)")
    parser.add_argument("--write", action="store_true",
                        help="derive: write the bases into workflow/resources.yaml")
    parser.add_argument("--cores", type=int, nargs="+", default=[1, 2, 8, 32])
    args = parser.parse_args(argv)
    try:
        jobs = [j for j in dag_jobs(args.run, args.configfile) if j.benchmark]
        measured = [j for j in jobs if j.max_rss_mb is not None or j.seconds is not None]
        if not measured:
            raise ConfigError(f"{args.run / 'logs/benchmarks'}: no benchmark file of this DAG")
        if args.command == "check":
            problems = check(load_resources(), measured)
            for line in problems:
                print(line)
            print(f"{len(measured)} benchmark files checked against {RESOURCES_FILE.name}: "
                  f"{len(problems)} over")
            return 1 if problems else 0
        if args.command == "derive":
            table = derive(measured)
            if args.write:
                write_resources(table)
            print(yaml.safe_dump(table, sort_keys=False, default_flow_style=None), end="")
            return 0
        missing = [j.name for j in jobs if j not in measured]
        if missing:
            raise ConfigError(f"{args.run}: no benchmark file for {len(missing)} jobs, e.g. "
                              f"{missing[0]}")
        print(estimate(jobs, args.cores).to_string(index=False))
        return 0
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

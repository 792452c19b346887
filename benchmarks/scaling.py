"""Scaling of the study: wall time, CPU time and efficiency locally on 1 and 2 cores and on a
one-node SLURM cluster (profiles/slurm), each run from scratch in its own copy of the repo.

    python benchmarks/scaling.py [--configfile F ...] [--runs local1 local2 slurm] [--keep]

Without --configfile it runs the default study (params.yaml; about 1 CPU-hour). The SLURM
run needs what `make test-slurm` needs (root, Debian's slurm-wlm and munge, the executor
plugin): it starts the same private one-node cluster (tests/slurm/cluster.sh) and stops it.
CPU time is the sum of the jobs' benchmark files (`cpu_time`, logs/benchmarks/**), which
counts the jobs wherever they ran; efficiency = CPU time / (wall time x cores), with the
cluster's CPUs (`nproc`) for the SLURM run. Writes results/benchmarks/scaling.csv (a --runs
subset replaces only its own rows), then estimates the same study's time on 1, 2, 8 and 32
cores from the 2-core (else 1-core) run's benchmark files (synthvol.cluster.estimate):
results/benchmarks/scaling_estimate.csv.
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import tempfile
import time
from pathlib import Path

import pandas as pd

from synthvol.cluster import dag_jobs, estimate

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "results" / "benchmarks"


def _copy(target: Path) -> None:
    """Tracked and untracked-but-not-ignored files, as a fresh clone would have them."""
    names = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO,
                           capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, names):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_bytes(source.read_bytes())
            os.chmod(target / name, source.stat().st_mode)


def _cpu_seconds(run: Path) -> float:
    total = 0.0
    for path in (run / "logs" / "benchmarks").rglob("*.tsv"):
        value = pd.to_numeric(pd.read_csv(path, sep="\t")["cpu_time"], errors="coerce").iloc[-1]
        total += 0.0 if pd.isna(value) else float(value)
    return total


def _run(kind: str, run: Path, configfiles: list[str], cluster: Path) -> dict[str, object]:
    """One run of the study in ``run``; returns its row of the table."""
    config = ["--configfile", *configfiles] if configfiles else []
    env = {**os.environ, "PYTHONPATH": str(run / "src")}
    if kind == "slurm":
        cores = os.cpu_count() or 1
        inner = " ".join(shlex.quote(a) for a in
                         ["snakemake", "--profile", "profiles/slurm", *config])
        script = (f"set -euo pipefail; source {shlex.quote(str(REPO / 'tests/slurm/cluster.sh'))}"
                  f"; trap 'cluster_stop {cluster}' EXIT; cluster_start {cluster} >&2; "
                  f"cd {shlex.quote(str(run))}; {inner}")
        cmd = ["bash", "-c", script]
    else:
        cores = int(kind.removeprefix("local"))
        cmd = ["snakemake", "--cores", str(cores), *config]
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=run, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    (run / f"{kind}.log").write_text(done.stdout + done.stderr)
    if done.returncode != 0:
        raise SystemExit(f"{kind} run failed (log: {run / f'{kind}.log'}):\n"
                         f"{done.stderr[-2000:]}")
    log = done.stdout + done.stderr
    cpu = _cpu_seconds(run)
    return {"run": kind, "cores": cores, "wall_s": round(wall, 1), "cpu_s": round(cpu, 1),
            "efficiency": round(cpu / (wall * cores), 3),
            "slurm_jobs": log.count("has been submitted with SLURM jobid") if kind == "slurm"
            else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configfile", nargs="*", default=[],
                        help="merged over params.yaml (default: none, the default study)")
    parser.add_argument("--runs", nargs="+", default=["local1", "local2", "slurm"],
                        choices=["local1", "local2", "slurm"])
    parser.add_argument("--keep", action="store_true", help="keep the runs' folders")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="synthvol-scaling."))
    rows = []
    for kind in args.runs:
        run = work / kind
        _copy(run)
        rows.append(_run(kind, run, args.configfile, work / "cluster"))
        print(rows[-1], flush=True)
    study = " ".join(args.configfile) or "params.yaml (default study)"
    frame = pd.DataFrame(rows).assign(study=study, load_average=round(os.getloadavg()[0], 1))
    OUT.mkdir(parents=True, exist_ok=True)
    if (OUT / "scaling.csv").is_file():           # keep the other runs' rows of a --runs subset
        old = pd.read_csv(OUT / "scaling.csv")
        old = old[~(old["study"].eq(study) & old["run"].isin(frame["run"]))]
        frame = pd.concat([old, frame], ignore_index=True)
    frame.to_csv(OUT / "scaling.csv", index=False)
    print(frame.to_string(index=False))
    basis = next((work / k for k in ("local2", "local1") if k in args.runs), None)
    if basis is not None:
        jobs = dag_jobs(basis, [Path(f) for f in args.configfile])
        table = estimate([j for j in jobs if j.benchmark], [1, 2, 8, 32])
        table.assign(study=study, measured_in=basis.name).to_csv(
            OUT / "scaling_estimate.csv", index=False)
        print(table.to_string(index=False))
    if not args.keep:
        subprocess.run(["rm", "-rf", str(work)], check=False)
    else:
        print(f"runs kept in {work}")


if __name__ == "__main__":
    main()

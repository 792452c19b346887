"""`dvc repro` against `snakemake --cores N` after the same params.yaml edit, on two copies.

    python benchmarks/dvc_repro.py [--study DIR] [--cores N] [--keep DIR]

Two identical copies of a finished quick-size study, in sync with DVC (``dvc status`` clean),
get the same edits one after the other: ``baselines.ar.order`` 5 -> 3, then
``generators.models.cvae.epochs`` -> 3. After each, ``dvc repro`` runs in one copy and
``snakemake --cores N`` in the other (which runs first alternates); both must run the same
Snakemake jobs. Writes results/benchmarks/dvc_repro.csv (edit, dvc_s, snakemake_s, ratio,
jobs; target: ratio <= 1.2). DIR is a finished quick study with params.yaml holding the
quick sizes, recorded with ``dvc commit``; without it one is built first (minutes).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from synthvol.config import deep_merge, load_yaml  # noqa: E402
from synthvol.io import write_csv  # noqa: E402

BIN = Path(sys.executable).parent
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
# A job in Snakemake's log: its rule line and indented details; target-only rules have no output.
_JOB = re.compile(r"^(?:local)?rule (\w+):\n((?:    .*\n)*)", re.M)


def _set(key: str, value: object) -> Callable[[dict], None]:
    def edit(params: dict) -> None:
        *parents, leaf = key.split(".")
        for part in parents:
            params = params[part]
        params[leaf] = value
    return edit


EDITS = {"baselines.ar.order=3": _set("baselines.ar.order", 3),
         "generators.models.cvae.epochs=3": _set("generators.models.cvae.epochs", 3)}


def _run(args: list[str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    env = {**ENV, "PYTHONPATH": str(cwd / "src")}         # the copy's own package
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed in {cwd}:\n{done.stdout[-2000:]}"
                         f"{done.stderr[-3000:]}")
    return seconds, done.stdout + done.stderr


def build_study(dest: Path, cores: int) -> Path:
    """A copy of this checkout at the quick size, run by Snakemake and recorded in DVC."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=REPO,
                            capture_output=True, text=True, check=True).stdout
    for name in filter(None, listed.split("\0")):
        if (REPO / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, dest / name)
    _run(["git", "init", "-q"], dest)
    quick = deep_merge(load_yaml(dest / "params.yaml"), load_yaml(dest / "config/quick.yaml"))
    (dest / "params.yaml").write_text(yaml.safe_dump(quick, sort_keys=False))
    _run(["snakemake", "--cores", str(cores)], dest)
    _run(["dvc", "commit", "--force", "--quiet"], dest)
    return dest


def _edit(repo: Path, change: Callable[[dict], None]) -> None:
    params = yaml.safe_load((repo / "params.yaml").read_text())
    change(params)
    (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))


def measure(study: Path, work: Path, cores: int) -> pd.DataFrame:
    """Time both tools on two copies of ``study`` after each edit of :data:`EDITS`."""
    copies = {"dvc": work / "dvc", "snakemake": work / "snakemake"}
    for copy in copies.values():
        subprocess.run(["cp", "-a", str(study), str(copy)], check=True)
    if "up to date" not in _run(["dvc", "status"], copies["dvc"])[1]:
        raise SystemExit(f"{study}: not in sync with DVC (run `dvc commit` there first)")
    commands = {"dvc": ["dvc", "repro"], "snakemake": ["snakemake", "--cores", str(cores)]}
    rows = []
    for i, (name, change) in enumerate(EDITS.items()):
        seconds, jobs = {}, {}
        for tool in (("dvc", "snakemake") if i % 2 == 0 else ("snakemake", "dvc")):
            _edit(copies[tool], change)
            seconds[tool], log = _run(commands[tool], copies[tool])
            jobs[tool] = sorted(rule for rule, body in _JOB.findall(log) if "    output:" in body)
        if jobs["dvc"] != jobs["snakemake"]:
            raise SystemExit(f"{name}: dvc repro ran {jobs['dvc']}, snakemake {jobs['snakemake']}")
        rows.append({"edit": name, "dvc_s": round(seconds["dvc"], 2),
                     "snakemake_s": round(seconds["snakemake"], 2),
                     "ratio": round(seconds["dvc"] / seconds["snakemake"], 3),
                     "jobs": len(jobs["dvc"]), "cores": cores})
        print(rows[-1], flush=True)
    if "up to date" not in _run(["dvc", "status"], copies["dvc"])[1]:
        raise SystemExit("dvc status is not clean after dvc repro")
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", type=Path, help="a finished quick study recorded in DVC")
    parser.add_argument("--cores", type=int, default=os.cpu_count())
    parser.add_argument("--keep", type=Path, help="keep the two copies here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        study = args.study
        if study is None:
            study = build_study(work / "study", args.cores)
        frame = measure(study.resolve(), work, args.cores)
    write_csv(frame, REPO / "results" / "benchmarks" / "dvc_repro.csv")
    print(frame.to_string(index=False))


if __name__ == "__main__":
    main()

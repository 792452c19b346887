"""No-op cost: `snakemake --cores 2` on a finished study against a 3-rule workflow's no-op.

    python benchmarks/noop.py [--study DIR] [--repeats N]

DIR must hold a finished study (default: this repository). Both no-ops run side by side,
alternating, on the same machine; the best of ``--repeats`` runs of each is kept. Writes
results/benchmarks/noop.csv (seconds of each, and the ratio; target: ratio <= 2).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
SMALL = '''rule all:
    input: "c.txt"

rule a:
    output: "a.txt"
    shell: "echo a > {output}"

rule b:
    input: "a.txt"
    output: "b.txt"
    shell: "cat {input} > {output}"

rule c:
    input: "b.txt"
    output: "c.txt"
    shell: "cat {input} > {output}"
'''


def _snakemake(cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([str(Path(sys.executable).parent / "snakemake"), "--cores", "2"],
                          cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"snakemake failed in {cwd}:\n{done.stderr[-2000:]}")
    return seconds, done.stdout + done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--study", type=Path, default=REPO)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp)
        (small / "Snakefile").write_text(SMALL)
        _snakemake(small)                                  # build the 3 files once
        times: dict[str, list[float]] = {"study": [], "three_rules": []}
        for _ in range(args.repeats):
            seconds, log = _snakemake(args.study)
            if "Nothing to be done" not in log:
                raise SystemExit(f"{args.study}: the study is not finished (jobs would run)")
            times["study"].append(seconds)
            seconds, log = _snakemake(small)
            assert "Nothing to be done" in log
            times["three_rules"].append(seconds)
    study, three = min(times["study"]), min(times["three_rules"])
    frame = pd.DataFrame([{"study_noop_s": round(study, 3), "three_rule_noop_s": round(three, 3),
                           "ratio": round(study / three, 3), "repeats": args.repeats}])
    out = REPO / "results" / "benchmarks" / "noop.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out, index=False)
    print(frame.to_string(index=False))


if __name__ == "__main__":
    main()

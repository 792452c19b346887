"""Compare every table of two study runs: CSV, parquet and JSON under data/prepared/ and results/.

    python tests/slurm/compare_runs.py RUN_A RUN_B

The report's own data (``results/report.json`` and the section files under
``results/report/``) is left out, as ``report.html`` is: it renders the tables compared here,
timing tables and throughputs included, as text and cells.

A file counts as equal when its bytes are, or when it is equal value for value (no
tolerance) once the fields that time the run itself are left out: JSON keys and table
columns named ``seconds``, ``*_seconds``, ``seconds_*`` or ``*_per_second``. Prints
one line per file that differs or is missing, a summary, and exits 1 on any difference.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import pandas as pd

TABLES = (".csv", ".parquet", ".json")
ROOTS = ("data/prepared", "results")
#: The report's data, a rendering of the tables compared here (timings included).
REPORT_DATA = ("results/report.json", "results/report/")
TIMING = re.compile(r"(^|_)seconds?($|_)")    # seconds, *_seconds, draws_per_second


def _tables(run: Path) -> set[str]:
    names = {p.relative_to(run).as_posix() for root in ROOTS for p in (run / root).rglob("*")
             if p.suffix in TABLES and p.is_file()}
    return {n for n in names if not n.startswith(REPORT_DATA)}


def _without_timing(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _without_timing(v) for k, v in obj.items() if not TIMING.search(str(k))}
    if isinstance(obj, list):
        return [_without_timing(v) for v in obj]
    return obj


def _frame(path: Path) -> pd.DataFrame:
    frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    return frame.drop(columns=[c for c in frame.columns if TIMING.search(str(c))])


def same(a: Path, b: Path) -> tuple[bool, bool]:
    """(equal, equal only once timing fields are left out)."""
    if a.read_bytes() == b.read_bytes():
        return True, False
    if a.suffix == ".json":
        def load(path: Path) -> Any:          # NaN kept as the text "NaN": NaN != NaN
            return _without_timing(json.loads(path.read_text(), parse_constant=str))
        equal = load(a) == load(b)
    else:
        equal = _frame(a).equals(_frame(b))
    return equal, equal


def main(run_a: Path, run_b: Path) -> int:
    names_a, names_b = _tables(run_a), _tables(run_b)
    problems = [f"only in {run_a}: {n}" for n in sorted(names_a - names_b)]
    problems += [f"only in {run_b}: {n}" for n in sorted(names_b - names_a)]
    identical = timing_only = 0
    for name in sorted(names_a & names_b):
        equal, by_value = same(run_a / name, run_b / name)
        if not equal:
            problems.append(f"differs: {name}")
        identical += equal and not by_value
        timing_only += by_value
    for line in problems:
        print(line)
    print(f"{len(names_a | names_b)} tables: {identical} byte-identical, {timing_only} equal "
          f"apart from timing fields, {len(problems)} differ or missing")
    return 1 if problems or not names_a else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), Path(sys.argv[2])))

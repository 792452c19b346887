"""What a whole study run cost, per part: the rules' benchmark files beside ``/usr/bin/time``.

The benchmark files (``logs/benchmarks/<part>/*.tsv``) give each job's wall and CPU seconds;
``/usr/bin/time -f "%e %U %S"`` of the ``snakemake`` process gives the run's elapsed time
and the CPU of everything it ran (jobs, Snakemake itself, the report), which is the
denominator of every share. Two more rows single out what issue 18 bounds: ``evaluation``
is all of the comparison's jobs (headline tests, copy floors, calibration, tables), and
``generator scoring`` the headline tests of the generators' trainings and copy floors with
the copy floors' construction.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from synthvol.errors import DataError
from synthvol.report.provenance import job_times, part_timings

#: ``/usr/bin/time`` format the study-time benchmark runs Snakemake under.
TIME_FORMAT = "%e %U %S"
#: Jobs of the evaluation part that score generators: a training's or copy floor's headline
#: test, or building a copy floor.
def is_generator_scoring(job: str) -> bool:
    """``copy_floor_<g>``, ``score_source_copy_train_<g>`` or ``score_source_<g>-t<k>``."""
    source = job.removeprefix("score_source_")
    training = source.rpartition("-t")[2]
    return (job.startswith("copy_floor_") or source.startswith("copy_train_")
            or (source != job and "-t" in source and training.isdigit()))


WHOLE_RUN = "study (/usr/bin/time)"


def read_time_log(path: str | os.PathLike[str]) -> tuple[float, float]:
    """(elapsed seconds, CPU seconds = user + system) from a ``/usr/bin/time -f "%e %U %S"``
    output file (its last line; earlier lines are the command's own messages)."""
    lines = [line for line in Path(path).read_text().splitlines() if line.strip()]
    fields = lines[-1].split() if lines else []
    try:
        elapsed, user, system = (float(x) for x in fields)
    except ValueError:
        raise DataError(f"{path}: last line {' '.join(fields)!r} is not '{TIME_FORMAT}' "
                        "(elapsed, user, system seconds)") from None
    return elapsed, user + system


def study_time_table(benchmark_dir: str | os.PathLike[str],
                     time_log: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """Per part (and for generator scoring): jobs, summed job wall and CPU seconds and the
    CPU share; then the whole run when ``time_log`` is given (shares are of its CPU, else of
    the jobs' summed CPU)."""
    parts = part_timings(benchmark_dir, skip=())
    if not parts:
        raise DataError(f"{benchmark_dir}: no benchmark files (run the study first)")
    rows = [{"part": p.part, "jobs": p.jobs, "wall_s": p.wall_seconds, "cpu_s": p.cpu_seconds}
            for p in parts]
    scoring = [j for j in job_times(Path(benchmark_dir) / "evaluation")
               if is_generator_scoring(j[0])]
    rows.append({"part": "generator scoring", "jobs": len(scoring),
                 "wall_s": sum(j[1] for j in scoring), "cpu_s": sum(j[2] for j in scoring)})
    total_cpu = sum(p.cpu_seconds for p in parts)
    if time_log is not None:
        elapsed, total_cpu = read_time_log(time_log)
        rows.append({"part": WHOLE_RUN, "jobs": sum(p.jobs for p in parts),
                     "wall_s": elapsed, "cpu_s": total_cpu})
    table = pd.DataFrame(rows, columns=["part", "jobs", "wall_s", "cpu_s"])
    table["share"] = table["cpu_s"] / total_cpu if total_cpu > 0 else float("nan")
    return table

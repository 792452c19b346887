"""The study's cost per part: ``/usr/bin/time`` of a whole Snakemake run and the rules'
benchmark files, written to results/benchmarks/study_time.csv.

    python benchmarks/study_time.py --run [--configfile config/quick.yaml] [--cores 2]
    python benchmarks/study_time.py [--time-log logs/study_time.txt]   # summarise only

``--run`` empties logs/benchmarks (so only this run's jobs are counted), then runs
``/usr/bin/time -f "%e %U %S" snakemake --cores N --forceall`` (every job, as from scratch)
with its time in ``--time-log``. Columns: part, jobs, wall_s (summed job wall seconds; the
whole run's elapsed seconds in its own row), cpu_s, share (of the whole run's CPU). Targets
(issue 18): the default study at most 40 CPU-minutes, generator scoring at most 25% of it.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from synthvol.io import write_csv
from synthvol.report.study_time import TIME_FORMAT, WHOLE_RUN, study_time_table

REPO = Path(__file__).resolve().parents[1]
BENCHMARKS = REPO / "logs" / "benchmarks"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", action="store_true", help="run the study under /usr/bin/time")
    parser.add_argument("--configfile", help="snakemake --configfile (e.g. config/quick.yaml)")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--time-log", default=str(REPO / "logs" / "study_time.txt"))
    parser.add_argument("--output", default=str(REPO / "results/benchmarks/study_time.csv"))
    args = parser.parse_args()
    time_log = Path(args.time_log)
    if args.run:
        shutil.rmtree(BENCHMARKS, ignore_errors=True)
        time_log.parent.mkdir(parents=True, exist_ok=True)
        snakemake = str(Path(sys.executable).parent / "snakemake")
        command = ["/usr/bin/time", "-f", TIME_FORMAT, "-o", str(time_log), snakemake,
                   "--cores", str(args.cores), "--forceall"]
        if args.configfile:
            command += ["--configfile", args.configfile]
        subprocess.run(command, cwd=REPO, check=True)
    table = study_time_table(BENCHMARKS, time_log if time_log.exists() else None)
    write_csv(table, args.output)
    print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    whole = table[table["part"] == WHOLE_RUN]
    if not whole.empty:
        print(f"whole run: {whole['cpu_s'].iloc[0] / 60:.1f} CPU-min, "
              f"{whole['wall_s'].iloc[0] / 60:.1f} min wall")


if __name__ == "__main__":
    main()

"""benchmarks/study_time.py's table: per-part sums of the rules' benchmark files, the
generator-scoring jobs singled out, shares of the whole run's /usr/bin/time CPU."""

from __future__ import annotations

from pathlib import Path

import pytest

from synthvol.errors import DataError
from synthvol.report.study_time import WHOLE_RUN, read_time_log, study_time_table

HEADER = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"


def _tsv(path: Path, wall: float, cpu: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER + f"{wall}\t0:00:01\t1\t1\t1\t1\t0\t0\t90\t{cpu}\n")


def test_parts_generator_scoring_and_shares(tmp_path: Path) -> None:
    bench = tmp_path / "benchmarks"
    _tsv(bench / "data/prepare_data.tsv", 2.0, 1.5)
    _tsv(bench / "generators/train_sbts_t0.tsv", 10.0, 9.0)
    _tsv(bench / "generators/train_sbts_t1.tsv", 12.0, 11.0)
    _tsv(bench / "evaluation/score_source_sbts-t0.tsv", 5.0, 4.0)
    _tsv(bench / "evaluation/score_source_copy_train_sbts.tsv", 3.0, 3.0)
    _tsv(bench / "evaluation/copy_floor_sbts.tsv", 1.0, 1.0)
    _tsv(bench / "evaluation/score_source_garch.tsv", 4.0, 4.0)       # a baseline: not counted
    _tsv(bench / "evaluation/score_source_real_train.tsv", 4.0, 4.0)  # nor the reference
    _tsv(bench / "report/report.tsv", 1.0, 0.5)
    log = tmp_path / "time.txt"
    log.write_text("Command exited with non-zero status 0\n60.5 70.0 5.0\n")
    table = study_time_table(bench, log).set_index("part")
    assert list(table.index) == ["data", "generators", "evaluation", "report",
                                 "generator scoring", WHOLE_RUN]
    assert table.loc["generators", "jobs"] == 2
    assert table.loc["generators", "cpu_s"] == pytest.approx(20.0)
    assert table.loc["evaluation", "cpu_s"] == pytest.approx(16.0)
    assert table.loc["generator scoring", "jobs"] == 3
    assert table.loc["generator scoring", "cpu_s"] == pytest.approx(8.0)
    assert table.loc[WHOLE_RUN, "wall_s"] == pytest.approx(60.5)
    assert table.loc[WHOLE_RUN, "jobs"] == 9
    assert table.loc["generator scoring", "share"] == pytest.approx(8.0 / 75.0)
    assert table.loc[WHOLE_RUN, "share"] == pytest.approx(1.0)
    # without the time log the shares are of the jobs' summed CPU
    alone = study_time_table(bench).set_index("part")
    assert WHOLE_RUN not in alone.index
    assert alone.loc["generators", "share"] == pytest.approx(20.0 / 38.0)


def test_bad_time_log_and_missing_benchmarks_are_named(tmp_path: Path) -> None:
    log = tmp_path / "time.txt"
    log.write_text("1:02.3 elapsed\n")
    with pytest.raises(DataError, match="time.txt.*not '%e %U %S'"):
        read_time_log(log)
    with pytest.raises(DataError, match="no benchmark files"):
        study_time_table(tmp_path / "nothing")

"""Progress lines with elapsed time and ETA, the numba announcement, the log watcher."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import pytest

from synthvol.progress import Progress, announce_compilation, latest_lines, main


@pytest.fixture
def log(caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
        ) -> pytest.LogCaptureFixture:
    """Capture the package logger's records (``configure_logging`` stops propagation)."""
    caplog.set_level(logging.INFO, logger="synthvol")
    monkeypatch.setattr(logging.getLogger("synthvol"), "propagate", True)
    return caplog


def test_progress_logs_share_elapsed_and_eta(log: pytest.LogCaptureFixture, monkeypatch) -> None:
    clock = iter([100.0, 110.0, 120.0, 160.0, 200.0])
    monkeypatch.setattr(time, "perf_counter", lambda: next(clock))
    progress = Progress("epochs", 4, every=1, min_interval=1e9)
    for step in (1, 2, 3, 4):
        progress.update(step, loss=0.5)
    assert log.messages == ["epochs 1/4 (25%) elapsed 10s, ETA 30s  loss=0.5",
                       "epochs 2/4 (50%) elapsed 20s, ETA 20s  loss=0.5",
                       "epochs 3/4 (75%) elapsed 1m00s, ETA 20s  loss=0.5",
                       "epochs 4/4 (100%) elapsed 1m40s, done  loss=0.5"]


def test_slow_loops_log_between_due_steps(log: pytest.LogCaptureFixture, monkeypatch) -> None:
    clock = iter([0.0, 5.0, 40.0, 45.0])
    monkeypatch.setattr(time, "perf_counter", lambda: next(clock))
    progress = Progress("paths", 1000, every=500, min_interval=30.0)
    progress.update(1)            # 5 s: not due, too soon
    progress.update(2)            # 40 s: not due, but 30 s since the start
    progress.update(3)            # 45 s: too soon again
    assert log.messages == ["paths 2/1000 (0%) elapsed 40s, ETA 5h32m"]


def test_track_reports_each_step(log: pytest.LogCaptureFixture) -> None:
    assert list(Progress("items", 3, every=1).track("abc")) == ["a", "b", "c"]
    assert [m.split(" elapsed")[0] for m in log.messages] == ["items 1/3 (33%)", "items 2/3 (67%)",
                                                         "items 3/3 (100%)"]


def test_counted_steps_share_one_loop(log: pytest.LogCaptureFixture) -> None:
    progress = Progress("score networks", 3, every=1)
    double, negate = progress.counted(lambda x: 2 * x), progress.counted(lambda x: -x)
    assert (double(4), negate(4)) == (8, -4)       # the wrapped values come back unchanged
    progress.advance(mae=0.25)
    assert [m.split(" elapsed")[0] for m in log.messages] == [
        "score networks 1/3 (33%)", "score networks 2/3 (67%)", "score networks 3/3 (100%)"]
    assert log.messages[-1].endswith("done  mae=0.25")


def test_numba_compilation_is_announced(log: pytest.LogCaptureFixture) -> None:
    with announce_compilation("SV samplers"):
        pass
    assert log.messages[0] == ("compiling numba kernels for SV samplers... "
                               "(first call; cached afterwards)")
    assert log.messages[1].startswith("numba kernels for SV samplers ready in ")


def test_watcher_shows_running_jobs_only(tmp_path: Path, capsys) -> None:
    (tmp_path / "sv").mkdir()
    (tmp_path / "sv" / "chunk.log").write_text("09:00 synthvol INFO sv chunk 3/10 (30%) ETA 28s\n")
    (tmp_path / "sv" / "done.log").write_text("09:00 synthvol INFO rule sv_chunk finished in 3s\n")
    old = tmp_path / "old.log"
    old.write_text("stale but unfinished\n")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    assert latest_lines(tmp_path) == [(str(tmp_path / "sv" / "chunk.log"),
                                       "09:00 synthvol INFO sv chunk 3/10 (30%) ETA 28s")]
    assert main([str(tmp_path)]) == 0
    assert "chunk.log: 09:00 synthvol INFO sv chunk 3/10" in capsys.readouterr().out

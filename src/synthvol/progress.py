"""Progress logging for long steps: one line per epoch, sweep or replication, with an ETA.

Rules route the ``synthvol`` logger to their ``log:`` file (see
:func:`synthvol.workflow.run_rule`); package code just calls :func:`get_logger`.
While a study runs, ``python -m synthvol.progress`` prints the latest line of every log
written to in the last minutes (``watch -n 10 python -m synthvol.progress`` follows it).
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ParamSpec, TypeVar

T = TypeVar("T")
P = ParamSpec("P")

LOGGER_NAME = "synthvol"


def get_logger(name: str | None = None) -> logging.Logger:
    """The package logger, or a child of it."""
    return logging.getLogger(LOGGER_NAME if name is None else f"{LOGGER_NAME}.{name}")


def configure_logging(log_path: str | None = None, level: int = logging.INFO) -> None:
    """Send package log records to ``log_path`` (and warnings and errors to stderr)."""
    root = logging.getLogger(LOGGER_NAME)
    root.setLevel(level)
    root.handlers.clear()
    fmt = logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s", "%H:%M:%S")
    if log_path:
        handler: logging.Handler = logging.FileHandler(log_path, mode="w", encoding="utf-8")
        handler.setFormatter(fmt)
        root.addHandler(handler)
    stderr = logging.StreamHandler(sys.stderr)
    stderr.setLevel(logging.WARNING if log_path else level)
    stderr.setFormatter(fmt)
    root.addHandler(stderr)
    root.propagate = False


def _duration(seconds: float) -> str:
    """Seconds as "42s", "3m05s" or "1h02m"."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


class Progress:
    """Log progress of a loop of ``total`` steps with elapsed time and an ETA.

    A line is written every ``every``-th step (default: 20 lines over the loop), at the
    last step, and whenever ``min_interval`` seconds have passed since the previous line,
    so even a slow loop shows life in its log::

        sv I phi0.99_tau20.0225_n100 chunk 0 3/10 (30%) elapsed 12s, ETA 28s  draws/s=4.1e+04

    The ETA assumes the remaining steps take as long as the finished ones on average.
    """

    def __init__(self, label: str, total: int, every: int | None = None,
                 logger: logging.Logger | None = None, min_interval: float = 30.0) -> None:
        self.label = label
        self.total = total
        self.every = every or max(1, total // 20)
        self.logger = logger or get_logger()
        self.min_interval = min_interval
        self.start = time.perf_counter()
        self._last_line = self.start
        self.done = 0

    def eta(self, step: int, now: float | None = None) -> float | None:
        """Seconds left after ``step`` of ``total`` steps, or None before the first step."""
        now = time.perf_counter() if now is None else now
        if step <= 0:
            return None
        return (now - self.start) / step * max(self.total - step, 0)

    def update(self, step: int, **metrics: float) -> None:
        """Report step ``step`` (1-based) if it is due, with optional metrics."""
        now = time.perf_counter()
        due = step % self.every == 0 or step == self.total
        if not due and now - self._last_line < self.min_interval:
            return
        self._last_line = now
        elapsed = now - self.start
        share = f" ({100 * step / self.total:.0f}%)" if self.total else ""
        left = self.eta(step, now)
        eta = "done" if step >= self.total else (f"ETA {_duration(left)}" if left is not None
                                                 else "ETA unknown")
        extra = " ".join(f"{k}={v:.5g}" for k, v in metrics.items())
        self.logger.info("%s %d/%d%s elapsed %s, %s%s", self.label, step, self.total, share,
                         _duration(elapsed), eta, f"  {extra}" if extra else "")

    def advance(self, **metrics: float) -> None:
        """Count one more finished step and report it if due (see :meth:`update`)."""
        self.done += 1
        self.update(self.done, **metrics)

    def counted(self, step: Callable[P, T]) -> Callable[P, T]:
        """``step`` wrapped so that each finished call advances this loop by one step
        (several wrapped functions may share one loop, e.g. the networks of a score)."""
        def run(*args: P.args, **kwargs: P.kwargs) -> T:
            value = step(*args, **kwargs)
            self.advance()
            return value
        return run

    def track(self, iterable: Iterable[T]) -> Iterator[T]:
        """Yield from ``iterable`` and report each step as it finishes."""
        for step, item in enumerate(iterable, start=1):
            yield item
            self.update(step)


@contextmanager
def announce_compilation(what: str, logger: logging.Logger | None = None) -> Iterator[None]:
    """Log "compiling numba kernels for <what>..." before the first call of jitted code,
    and how long compilation (with the first call) took after it::

        with announce_compilation("SV samplers"):
            sampler(first_small_input)
    """
    log = logger or get_logger()
    log.info("compiling numba kernels for %s... (first call; cached afterwards)", what)
    start = time.perf_counter()
    yield
    log.info("numba kernels for %s ready in %s", what, _duration(time.perf_counter() - start))


_FINISHED = re.compile(r"rule \S+ (finished in|failed)|synthvol study complete")


def latest_lines(log_dir: str | Path = "logs", minutes: float = 10.0,
                 now: float | None = None) -> list[tuple[str, str]]:
    """(path, last line) of each running job's log: a ``*.log`` under ``log_dir`` written to
    in the last ``minutes`` whose job has not logged that it finished."""
    now = time.time() if now is None else now
    found = []
    for path in sorted(Path(log_dir).rglob("*.log")):
        if now - path.stat().st_mtime > minutes * 60:
            continue
        lines = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        if lines and not _FINISHED.search(lines[-1]):
            found.append((str(path), lines[-1]))
    return found


def main(argv: list[str] | None = None) -> int:
    """``python -m synthvol.progress [LOG_DIR] [MINUTES]``: what the running jobs last said."""
    args = sys.argv[1:] if argv is None else argv
    log_dir = args[0] if args else "logs"
    minutes = float(args[1]) if len(args) > 1 else 10.0
    lines = latest_lines(log_dir, minutes)
    if not lines:
        print(f"no job under {log_dir}/ is running (no unfinished log written in the last "
              f"{minutes:g} min)")
    for path, line in lines:
        print(f"{path}: {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Progress logging for long steps: one line per epoch, sweep or replication.

Rules route the ``synthvol`` logger to their ``log:`` file (see
:func:`synthvol.workflow.run_rule`); package code just calls :func:`get_logger`.
"""

from __future__ import annotations

import logging
import sys
import time

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


class Progress:
    """Log ``every``-th step of ``total`` with elapsed time and a rate."""

    def __init__(self, label: str, total: int, every: int | None = None,
                 logger: logging.Logger | None = None) -> None:
        self.label = label
        self.total = total
        self.every = every or max(1, total // 20)
        self.logger = logger or get_logger()
        self.start = time.perf_counter()

    def update(self, step: int, **metrics: float) -> None:
        """Report step ``step`` (1-based) if it is due, with optional metrics."""
        if step % self.every and step != self.total:
            return
        elapsed = time.perf_counter() - self.start
        extra = " ".join(f"{k}={v:.5g}" for k, v in metrics.items())
        self.logger.info("%s %d/%d (%.1fs) %s", self.label, step, self.total, elapsed, extra)

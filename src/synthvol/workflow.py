"""Glue between Snakemake script jobs and the package.

Every ``workflow/scripts/*.py`` file is a thin adapter::

    from synthvol.workflow import run_rule
    run_rule(main, snakemake)

:func:`run_rule` routes the package logger to the rule's ``log:`` file, removes the
temporary files an interrupted earlier run of the job left beside its outputs, and turns a
:class:`~synthvol.errors.SynthvolError` or an :class:`OSError` (disk full, no permission)
into one line on stderr naming the file and exit status 1, after removing any output the
job had begun, so nothing half-written is left behind.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from synthvol.errors import SynthvolError
from synthvol.io import remove_stale_temporaries
from synthvol.progress import configure_logging, get_logger


def _remove_outputs(outputs: Any) -> None:
    for out in outputs:
        path = Path(out)
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.exists():
            path.unlink()


def _one_line(exc: BaseException) -> str:
    """The error's message on one line; an OSError names its file and the system's reason."""
    if isinstance(exc, OSError) and not isinstance(exc, SynthvolError) and exc.strerror:
        return f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    lines = str(exc).strip().splitlines() or [type(exc).__name__]
    return lines[0]


def run_rule(main: Callable[[Any], None], smk: Any) -> None:
    """Run ``main(smk)`` with logging to the rule's log and clean error handling."""
    log_path = smk.log[0] if len(smk.log) else None
    configure_logging(log_path)
    logger = get_logger()
    start = time.perf_counter()
    logger.info("rule %s started", smk.rule)
    for out in smk.output:
        for tmp in remove_stale_temporaries(out):
            logger.info("removed %s, left by an interrupted run", tmp)
    try:
        main(smk)
    except (SynthvolError, OSError) as exc:
        message = _one_line(exc)
        logger.info("rule %s failed: %s", smk.rule, message)   # the log; stderr gets one line
        _remove_outputs(smk.output)
        print(f"error: {message}", file=sys.stderr)
        sys.exit(1)
    except Exception:
        logger.exception("rule %s failed", smk.rule)
        _remove_outputs(smk.output)
        raise
    logger.info("rule %s finished in %.2fs", smk.rule, time.perf_counter() - start)


def param_threads(smk: Any, section: str) -> int:
    """The torch / numba thread count of a job: ``<section>.threads`` from params.

    Never the job's CPU allocation (``smk.threads``), which differs between executors
    (``--cores 1``, a cluster's ``set-threads``) and would change the floating-point
    reduction order, hence the numbers.
    """
    return int(smk.config[section]["threads"])

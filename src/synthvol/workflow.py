"""Glue between Snakemake script jobs and the package.

Every ``workflow/scripts/*.py`` file is a thin adapter::

    from synthvol.workflow import run_rule
    run_rule(main, snakemake)

:func:`run_rule` routes the package logger to the rule's ``log:`` file, and turns a
:class:`~synthvol.errors.SynthvolError` into one line on stderr and exit status 1, after
removing any output the job had begun, so nothing half-written is left behind.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from synthvol.errors import SynthvolError
from synthvol.progress import configure_logging, get_logger


def _remove_outputs(outputs: Any) -> None:
    for out in outputs:
        path = Path(out)
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        elif path.exists():
            path.unlink()


def run_rule(main: Callable[[Any], None], smk: Any) -> None:
    """Run ``main(smk)`` with logging to the rule's log and clean error handling."""
    log_path = smk.log[0] if len(smk.log) else None
    configure_logging(log_path)
    logger = get_logger()
    start = time.perf_counter()
    logger.info("rule %s started", smk.rule)
    try:
        main(smk)
    except SynthvolError as exc:
        logger.error("%s", exc)
        _remove_outputs(smk.output)
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
    except Exception:
        logger.exception("rule %s failed", smk.rule)
        _remove_outputs(smk.output)
        raise
    logger.info("rule %s finished in %.2fs", smk.rule, time.perf_counter() - start)

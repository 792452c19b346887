"""Glue between Snakemake and the package: rules' params, and script jobs.

A rule's params from params.yaml go through :class:`ParamReader` (``reads`` in the rule
files, see ``workflow/rules/common.smk``): each rule names the dotted keys it reads, so
Snakemake's params trigger reruns exactly the jobs whose keys changed.

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
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from synthvol.config import dotted_value
from synthvol.errors import ConfigError, SynthvolError
from synthvol.io import remove_stale_temporaries
from synthvol.progress import configure_logging, get_logger

#: The declared key that reads the whole config (the report's params hash).
EVERY_KEY = "*"


class Derived:
    """A params value ``function(values, wildcards)`` computed from the declared ``keys``."""

    def __init__(self, function: Callable[[Any, Any], Any], keys: str | Sequence[str]) -> None:
        self.function = function
        self.keys = (keys,) if isinstance(keys, str) else tuple(keys)


def from_outputs(value: Any) -> Callable[[Any, Any], Any]:
    """A params value the job's outputs determine (the SV job's replications: one output
    file each), given as a function of the outputs: Snakemake leaves such values out of the
    params whose change reruns a job, so changing only which job holds them reruns nothing."""
    return lambda wildcards, output: value


class ParamReader:
    """``reads(**declared)``: a rule's params from the config, plus the keys it reads.

    Each keyword is a params name and its dotted key(s): one key gives that value, a list
    gives a mapping of those keys under their common first component, ``{wildcard}`` in a
    key resolves per job, :class:`Derived` computes the value from the keys' values and the
    job's wildcards, :data:`EVERY_KEY` gives the whole config. A key absent from the config
    gives None.
    """

    def __init__(self, config: Mapping[str, Any]) -> None:
        self.config = config

    def value(self, key: str) -> Any:
        """The value of dotted ``key`` in the config (None when absent; all of it for ``*``)."""
        return dict(self.config) if key == EVERY_KEY else dotted_value(self.config, key)

    def values(self, keys: Sequence[str]) -> Any:
        """One key's value, or the mapping of several keys under their common first part."""
        if len(keys) == 1:
            return self.value(keys[0])
        if len({key.split(".")[0] for key in keys}) != 1 or any("." not in k for k in keys):
            raise ConfigError(f"reads: keys {list(keys)} must share their first component")
        out: dict[str, Any] = {}
        for key in keys:
            node = out
            *parents, leaf = key.split(".")[1:]
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = self.value(key)
        return out

    def param(self, spec: str | Sequence[str] | Derived) -> Any:
        """The value of one params entry (or a per-job function of the wildcards)."""
        if isinstance(spec, Derived):
            keys, function = spec.keys, spec.function
        else:
            keys, function = ((spec,) if isinstance(spec, str) else tuple(spec)), None
        if function is None and not any("{" in key for key in keys):
            return self.values(keys)

        def per_job(wildcards: Any) -> Any:
            values = self.values(tuple(key.format(**wildcards) for key in keys))
            return values if function is None else function(values, wildcards)

        return per_job

    def __call__(self, **declared: str | Sequence[str] | Derived) -> dict[str, Any]:
        return {name: self.param(spec) for name, spec in declared.items()}


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


"""Atomic output writers: every file appears whole or not at all.

Each writer writes to a temporary file ``.<name>.<random>.tmp`` in the target's directory and
renames it into place, so an interrupted or failed job never leaves a truncated output
behind. A write that the system refuses (disk full, no permission) raises
:class:`~synthvol.errors.OutputError` naming the target; a temporary file that a killed job
left behind is removed by :func:`remove_stale_temporaries` when its target is next written.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from synthvol.errors import OutputError

_UMASK = os.umask(0)
os.umask(_UMASK)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success."""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                        dir=target.parent)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write: {exc.strerror or exc}") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_UMASK)       # mkstemp creates 0600; give the usual mode
        os.replace(tmp, target)
    except OSError as exc:
        reason = exc.strerror or str(exc).splitlines()[0]
        raise OutputError(f"{target}: cannot write: {reason}") from exc
    finally:
        tmp.unlink(missing_ok=True)


def check_writable(folders: Iterable[str | os.PathLike[str]], depth: int | None = None) -> None:
    """Raise :class:`~synthvol.errors.OutputError` naming the first existing folder (each
    given one or a folder below it, down to ``depth`` levels) that this process cannot
    write, and why.

    Run before any job: Snakemake itself removes and creates outputs before a job starts,
    and a refusal there would end in its traceback rather than one line.
    """
    for folder in folders:
        root = Path(folder)
        if not root.is_dir():
            continue
        for here, subdirs, _ in os.walk(root):
            if not os.access(here, os.W_OK | os.X_OK):
                read_only = os.statvfs(here).f_flag & os.ST_RDONLY
                reason = "read-only file system" if read_only else "permission denied"
                raise OutputError(f"{here}: cannot write: {reason}")
            if depth is not None and len(Path(here).relative_to(root).parts) >= depth:
                subdirs.clear()
            subdirs.sort()


def remove_stale_temporaries(path: str | os.PathLike[str]) -> list[Path]:
    """Delete the temporary files of earlier, interrupted writes of ``path``; return them."""
    target = Path(path)
    stale = sorted(target.parent.glob(f".{glob.escape(target.name)}.*.tmp"))
    for tmp in stale:
        tmp.unlink(missing_ok=True)
    return stale


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (pd.Timestamp,)):
        return obj.isoformat()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"cannot serialise {type(obj).__name__} to JSON")


def write_json(obj: Any, path: str | os.PathLike[str]) -> None:
    """Write ``obj`` as indented JSON (numpy scalars and arrays converted)."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(obj, indent=2, default=_json_default, allow_nan=True) + "\n")


def read_json(path: str | os.PathLike[str]) -> Any:
    """Read a JSON file."""
    return json.loads(Path(path).read_text())


def write_bytes(data: bytes, path: str | os.PathLike[str]) -> None:
    """Write ``data`` to a binary file."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)


def write_text(text: str, path: str | os.PathLike[str]) -> None:
    """Write a UTF-8 text file."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


def write_parquet(frame: pd.DataFrame, path: str | os.PathLike[str]) -> None:
    """Write a data frame to parquet without its index."""
    with atomic_path(path) as tmp:
        frame.to_parquet(tmp, index=False)


def write_csv(frame: pd.DataFrame, path: str | os.PathLike[str], **kwargs: Any) -> None:
    """Write a data frame to CSV without its index."""
    kwargs.setdefault("index", False)
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, **kwargs)


def write_figure(fig: Any, path: str | os.PathLike[str], dpi: int = 110) -> None:
    """Save a matplotlib figure (format from the suffix) and close it."""
    import matplotlib.pyplot as plt

    suffix = Path(path).suffix.lstrip(".") or "png"
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=suffix, dpi=dpi, bbox_inches="tight")
    plt.close(fig)


def write_npz(path: str | os.PathLike[str], **arrays: np.ndarray) -> None:
    """Write arrays to a compressed ``.npz`` file."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            np.savez_compressed(fh, **arrays)

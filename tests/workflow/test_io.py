"""Atomic writers: whole files with the usual permissions, nothing left on failure."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from synthvol.io import atomic_path, read_json, write_json


def test_write_json_round_trip_and_mode(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "x.json"
    write_json({"a": 1.5}, target)
    assert read_json(target) == {"a": 1.5}
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_failed_write_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_check_writable_names_the_first_refused_folder_down_to_depth(tmp_path: Path,
                                                                    monkeypatch) -> None:
    from synthvol.errors import OutputError
    from synthvol.io import check_writable

    refused = tmp_path / "a" / "b" / "c"
    refused.mkdir(parents=True)
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: Path(p) != refused
                        and real_access(p, mode))
    check_writable([tmp_path / "missing", tmp_path], depth=2)       # c is three below
    with pytest.raises(OutputError) as info:
        check_writable([tmp_path])
    assert str(info.value) == f"{refused}: cannot write: permission denied"

"""Failures end in one line naming the path, and leave nothing behind.

A write the system refuses (disk full), an interrupted earlier write's temporary file, and
bad input files run through the ``prepare_data`` rule itself: exit status, the one
``error:`` line, and no file under ``data/`` or ``results/``.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml

from synthvol.config import REPO_ROOT
from synthvol.errors import OutputError
from synthvol.io import write_parquet
from synthvol.workflow import run_rule

BIN = Path(sys.executable).parent


def _disk_full(self, path, *args, **kwargs):
    Path(path).write_bytes(b"PAR1 half a file")
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_disk_full_names_the_target_and_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(pd.DataFrame, "to_parquet", _disk_full)
    target = tmp_path / "prices.parquet"
    with pytest.raises(OutputError) as info:
        write_parquet(pd.DataFrame({"x": [1]}), target)
    assert str(info.value) == f"{target}: cannot write: No space left on device"
    assert list(tmp_path.iterdir()) == []


def _smk(tmp_path: Path, outputs: list[Path]) -> SimpleNamespace:
    return SimpleNamespace(rule="demo", log=[str(tmp_path / "demo.log")],
                           output=[str(p) for p in outputs])


def test_run_rule_turns_os_errors_into_one_line(tmp_path: Path, capsys) -> None:
    out = tmp_path / "out" / "a.json"

    def main(smk):
        out.parent.mkdir()
        out.write_text("{")                                   # begun, then the disk fills
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(out))

    with pytest.raises(SystemExit) as info:
        run_rule(main, _smk(tmp_path, [out]))
    assert info.value.code == 1
    assert capsys.readouterr().err == f"error: {out}: No space left on device\n"
    assert not out.exists()


def test_run_rule_removes_stale_temporaries_of_its_outputs_only(tmp_path: Path) -> None:
    out = tmp_path / "a.parquet"
    stale = tmp_path / ".a.parquet.k3j2_x.tmp"
    other = tmp_path / ".b.parquet.k3j2_x.tmp"
    stale.write_bytes(b"x" * 1000)
    other.write_bytes(b"x")
    run_rule(lambda smk: write_parquet(pd.DataFrame({"x": [1]}), out), _smk(tmp_path, [out]))
    assert out.exists() and not stale.exists() and other.exists()
    assert "left by an interrupted run" in (tmp_path / "demo.log").read_text()


@pytest.fixture(scope="module")
def workflow_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Snakefile, rules, schemas and params in a scratch directory."""
    dest = tmp_path_factory.mktemp("wf")
    shutil.copy(REPO_ROOT / "Snakefile", dest)
    shutil.copy(REPO_ROOT / "params.yaml", dest)
    shutil.copytree(REPO_ROOT / "workflow", dest / "workflow")
    return dest


def _prepare(repo: Path, source: Path, stale: Path | None = None,
             **data: object) -> subprocess.CompletedProcess:
    """Run the prepare_data rule on ``source`` in a clean copy (``stale``: a leftover
    temporary file of an interrupted write, planted first)."""
    params = yaml.safe_load((repo / "params.yaml").read_text())
    params["data"].update({"source": str(source), "start": None, "end": None,
                           "date_column": None, "price_column": None, "date_format": None,
                           **data})
    (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    for name in ("data", "results", "logs", ".snakemake"):
        shutil.rmtree(repo / name, ignore_errors=True)
    if stale is not None:
        stale.parent.mkdir(parents=True)
        stale.write_bytes(b"x" * 4096)
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run([str(BIN / "snakemake"), "--cores", "1",
                           "data/prepared/summary.json"], cwd=repo, env=env,
                          capture_output=True, text=True)


def _files_under(repo: Path) -> list[Path]:
    return [p for name in ("data", "results") for p in (repo / name).rglob("*") if p.is_file()]


def _european(cents: int) -> str:
    return f"{cents / 100:,.2f}".translate(str.maketrans(",.", ".,"))


def test_rule_loads_a_european_file_and_clears_a_stale_temporary(workflow_copy: Path,
                                                                  tmp_path: Path) -> None:
    dates = pd.bdate_range("2015-01-01", periods=400)
    source = tmp_path / "eu.csv"
    cents = [99_000 + 37 * i for i in range(400)]                 # 990,00 to 1.137,63
    source.write_text("Datum;Schluss\n" + "".join(f"{d:%d.%m.%Y};{_european(c)}\n"
                                                  for d, c in zip(dates, cents)))
    stale = workflow_copy / "data/prepared/.prices.parquet.abc123.tmp"
    proc = _prepare(workflow_copy, source, stale, date_column="Datum", price_column="Schluss")
    assert proc.returncode == 0, proc.stderr[-3000:]
    prices = pd.read_parquet(workflow_copy / "data/prepared/prices.parquet")
    assert prices["date"].tolist() == list(dates)
    assert prices["price"].tolist() == [c / 100 for c in cents]
    assert not stale.exists()


@pytest.mark.parametrize("name,content,message", [
    ("ambiguous.csv", "Date,Close\n" + "".join(f"{d:%d/%m/%Y},{100 + i}\n" for i, d in
                                               enumerate(pd.date_range("2020-01-01",
                                                                       "2020-12-31"))
                                               if d.day <= 12),
     "column 'Date': ambiguous dates, day and month are both 12 or less in every row "
     "(e.g. '01/01/2020', row 2); set data.date_format to \"%d/%m/%Y\" or \"%m/%d/%Y\""),
    ("latin1.csv", "Date,Clôture\n2020-01-02,1\n",
     "row 1: not UTF-8 (likely Windows-1252 / Latin-1); re-save the file as UTF-8"),
])
def test_rule_refuses_bad_input_with_one_line(workflow_copy: Path, tmp_path: Path, name: str,
                                              content: str, message: str) -> None:
    source = tmp_path / name
    source.write_bytes(content.encode("cp1252"))
    proc = _prepare(workflow_copy, source)
    assert proc.returncode != 0
    errors = [line for line in (proc.stdout + proc.stderr).splitlines()
              if line.startswith("error:")]
    assert errors == [f"error: {source}: {message}"]
    assert _files_under(workflow_copy) == []


def _read_only_mounts_work(tmp_path: Path) -> bool:
    probe = tmp_path / "probe"
    probe.mkdir()
    script = f"mount --bind {probe} {probe} && mount -o remount,ro,bind {probe} && touch {probe}/x"
    proc = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True)
    return shutil.which("unshare") is not None and "Read-only" in proc.stderr.decode()


def test_a_read_only_output_folder_is_one_line_before_any_job(workflow_copy: Path,
                                                              tmp_path: Path) -> None:
    """data/prepared on a read-only mount (a user namespace's bind mount: root ignores
    permission bits, not a read-only file system)."""
    if not _read_only_mounts_work(tmp_path):
        pytest.skip("no user namespaces for a read-only bind mount here")
    for name in ("data", "results", "logs", ".snakemake"):
        shutil.rmtree(workflow_copy / name, ignore_errors=True)
    folder = workflow_copy / "data" / "prepared"
    folder.mkdir(parents=True)
    script = (f"mount --bind {folder} {folder} && mount -o remount,ro,bind {folder} && "
              f"cd {workflow_copy} && exec {BIN / 'snakemake'} --cores 1 "
              f"data/prepared/summary.json")
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = subprocess.run(["unshare", "-rm", "sh", "-c", script], env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    out = proc.stdout + proc.stderr
    assert [x for x in out.splitlines() if x.startswith("error:")] == [
        "error: data/prepared: cannot write: read-only file system"]
    assert "Traceback" not in out and "Job stats" not in out


def _snakemake(repo: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run([str(BIN / "snakemake"), *args], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=600)


def test_an_edited_price_reruns_data_preparation(workflow_copy: Path, tmp_path: Path) -> None:
    """The CSV named by data.source is prepare_data's input: correcting one price after a
    finished run reruns it (and so everything after it) with the corrected price."""
    dates = pd.bdate_range("2015-01-01", periods=400)
    cents = [10_000 + 25 * i for i in range(400)]
    source = tmp_path / "prices.csv"

    def write(cents: list[int]) -> None:
        source.write_text("Date,Close\n" + "".join(f"{d:%Y-%m-%d},{c / 100:.2f}\n"
                                                   for d, c in zip(dates, cents)))

    write(cents)
    assert _prepare(workflow_copy, source).returncode == 0
    target = "data/prepared/summary.json"
    assert "Nothing to be done" in _snakemake(workflow_copy, "-n", target).stdout
    cents[200] = 15_050
    write(cents)
    dry = _snakemake(workflow_copy, "-n", target)
    assert "prepare_data" in dry.stdout and f"Updated input files: {source}" in dry.stdout
    assert _snakemake(workflow_copy, "--cores", "1", target).returncode == 0
    prices = pd.read_parquet(workflow_copy / "data/prepared/prices.parquet")
    assert prices["price"].tolist() == [c / 100 for c in cents]


def test_a_missing_source_is_one_line_before_any_job(workflow_copy: Path,
                                                     tmp_path: Path) -> None:
    proc = _prepare(workflow_copy, tmp_path / "nowhere.csv")
    assert proc.returncode == 1
    out = proc.stdout + proc.stderr
    assert [x for x in out.splitlines() if x.startswith("error:")] == [
        f"error: {tmp_path / 'nowhere.csv'}: file not found"]
    assert "Traceback" not in out and "Job stats" not in out

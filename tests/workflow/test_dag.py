"""End to end: the quick study runs through Snakemake in a temporary copy of the repository,
is recorded in DVC, and ``dvc repro`` after one parameter change runs what the edit touches.

One full quick run serves both checks (it takes a few minutes on 2 cores).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from synthvol.config import REPO_ROOT, deep_merge, load_yaml

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


def _run(args: list[str], cwd: Path, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed ({proc.returncode}):\n"
                             f"{proc.stdout[-3000:]}\n{proc.stderr[-5000:]}")
    return proc


def _copy_repo(dest: Path) -> Path:
    """The tracked and untracked-but-not-ignored files of the checkout, plus a fresh git."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"],
                            cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    for name in filter(None, listed.stdout.split("\0")):
        src = REPO_ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    subprocess.run(["git", "init", "-q"], cwd=dest, check=True)
    quick = deep_merge(load_yaml(dest / "params.yaml"), load_yaml(dest / "config/quick.yaml"))
    (dest / "params.yaml").write_text(yaml.safe_dump(quick, sort_keys=False))
    (dest / "dvc.lock").unlink(missing_ok=True)
    return dest


@pytest.fixture(scope="module")
def quick_study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = _copy_repo(tmp_path_factory.mktemp("study"))
    done = _run([str(BIN / "snakemake"), "--cores", "2"], repo)
    (repo / "snakemake.out").write_text(done.stdout + done.stderr)
    return repo


def test_quick_study_builds_the_report(quick_study: Path) -> None:
    report = (quick_study / "results" / "report.html").read_text(encoding="utf-8")
    for anchor in ("data", "baselines", "generators", "sv", "forecast"):
        assert f'<section id="{anchor}"' in report
    assert report.count("data:image/png;base64,") >= 5
    summary = yaml.safe_load((quick_study / "data/prepared/summary.json").read_text())
    assert summary["first_date"] >= "2010-01-01"          # the quick override was applied


def test_recorded_run_stays_clean_and_shows_metrics_and_plots(quick_study: Path) -> None:
    repo = quick_study
    _run([str(BIN / "dvc"), "commit", "--force", "--quiet"], repo)
    assert "up to date" in _run([str(BIN / "dvc"), "status"], repo).stdout
    again = _run([str(BIN / "snakemake"), "--cores", "2"], repo)
    assert "Nothing to be done" in again.stdout + again.stderr
    assert "up to date" in _run([str(BIN / "dvc"), "status"], repo).stdout
    metrics = _run([str(BIN / "dvc"), "metrics", "show"], repo).stdout
    assert "headline_score" in metrics and "mape" in metrics
    _run([str(BIN / "dvc"), "plots", "show", "--out", "dvc_plots"], repo)
    page = (repo / "dvc_plots" / "index.html").read_text()
    assert "Rolling-origin MASE by horizon" in page and "fig1_acf.png" in page


def test_dvc_repro_runs_what_the_edit_touches(quick_study: Path) -> None:
    repo = quick_study
    params = load_yaml(repo / "params.yaml")
    params["baselines"]["ar"]["order"] = 3
    (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    done = _run([str(BIN / "dvc"), "repro"], repo)
    log = done.stdout + done.stderr
    assert set(re.findall(r"Running stage '([^']+)'", log)) == {"synthetic", "report"}
    jobs = [rule for rule, body in re.findall(r"^(?:local)?rule (\w+):\n((?:    .*\n)*)", log,
                                              re.M) if "    output:" in body]
    assert sorted(jobs) == ["baselines_report_section", "compare_sources",
                            "evaluation_report_section", "fit_ar", "metrics", "report",
                            "score_source"]
    fit = yaml.safe_load((repo / "results/baselines/ar/fit.json").read_text())
    assert fit["order"] == 3
    assert "up to date" in _run([str(BIN / "dvc"), "status"], repo).stdout
    assert "Nothing to be done" in _run([str(BIN / "snakemake"), "-n"], repo).stdout


def test_bad_csv_stops_with_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    repo = _copy_repo(tmp_path)
    days = [f"2020-{1 + i // 28:02d}-{1 + i % 28:02d}" for i in range(200)]
    cells = ["oops" if i == 1 else f"{100 + i}" for i in range(200)]
    rows = "".join(f"{day},{cell}\n" for day, cell in zip(days, cells))
    (repo / "bad.csv").write_text("Date,Close\n" + rows)
    proc = _run([str(BIN / "snakemake"), "--cores", "1", "data/prepared/summary.json",
                 "--config", "data={source: bad.csv}"], repo, check=False)
    assert proc.returncode != 0
    assert "error: bad.csv: row 3, column 'Close': unparseable price 'oops'" in proc.stderr
    prepared = repo / "data" / "prepared"
    assert not prepared.exists() or not any(prepared.iterdir())


def test_bad_parameter_is_rejected_before_anything_runs(tmp_path: Path) -> None:
    repo = _copy_repo(tmp_path)
    proc = _run([str(BIN / "snakemake"), "--cores", "1", "--config",
                 "baselines={garch: {distribution: cauchy}}"], repo, check=False)
    assert proc.returncode != 0
    assert "invalid parameter 'baselines.garch.distribution'" in proc.stdout + proc.stderr
    assert not (repo / "data" / "prepared").exists()

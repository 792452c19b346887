"""dvc.yaml: one hand-written stage per part, covering the workflow; each edit marks its part.

Cheap: nothing of the study runs. The coverage check asks Snakemake for the default target's
outputs; the ``dvc status`` test records placeholder outputs in a copy and edits params.yaml.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from synthvol import dvcparts
from synthvol.config import REPO_ROOT

BIN = Path(sys.executable).parent
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
       "PYTHONPATH": str(REPO_ROOT / "src")}
PARTS = ["data", "synthetic", "sv", "forecast", "report"]


def _run(args: list[str], cwd: Path) -> str:
    proc = subprocess.run(args, cwd=cwd, env=ENV, capture_output=True, text=True)
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed:\n"
                             f"{proc.stdout[-2000:]}{proc.stderr[-3000:]}")
    return proc.stdout


def _copy_repo(dest: Path) -> Path:
    listed = _run(["git", "ls-files", "-co", "--exclude-standard", "-z"], REPO_ROOT)
    for name in filter(None, listed.split("\0")):
        if (REPO_ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO_ROOT / name, dest / name)
    _run(["git", "init", "-q"], dest)
    return dest


def test_dvc_yaml_is_short_with_one_stage_per_part() -> None:
    text = (REPO_ROOT / "dvc.yaml").read_text()
    assert len(text.splitlines()) <= 200
    stages = dvcparts.stages(REPO_ROOT)
    assert list(stages) == PARTS
    document = yaml.safe_load(text)
    for name, stage in document["stages"].items():
        assert stage["cmd"].startswith(f"python -m synthvol.dvcparts run {name} ")
        for out in stage.get("outs", []):
            assert out[next(iter(out))]["persist"] is True, f"{name}: {out} must persist"
    assert document["stages"]["report"]["params"] == [{"params.yaml": None}]


def test_the_package_uses_no_private_snakemake_api() -> None:
    private = re.compile(r"\._(workflow|prepare_dag|build_dag|dag_settings)\b|"
                         r"\bfrom snakemake\.(?!api\b|utils\b|logging\b)")
    files = [*(REPO_ROOT / "src").rglob("*.py"), REPO_ROOT / "Snakefile",
             *(REPO_ROOT / "workflow").rglob("*.smk"), *(REPO_ROOT / "workflow").rglob("*.py")]
    used = [f"{f.relative_to(REPO_ROOT)}: {m.group(0)}" for f in files
            for m in private.finditer(f.read_text(encoding="utf-8"))]
    assert used == []


def test_stages_cover_every_output_and_its_code() -> None:
    outputs = dvcparts.workflow_outputs(REPO_ROOT)
    assert len(outputs) > 100 and "results/report.html" in outputs
    assert dvcparts.problems(REPO_ROOT, outputs) == []
    assert {dvcparts.owner(out, dvcparts.stages(REPO_ROOT)) for out in outputs} == set(PARTS)


def test_parsing_the_workflow_imports_neither_torch_nor_numba() -> None:
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "snakemake", "-n",
                           "--quiet", "--nolock"], cwd=REPO_ROOT, env=ENV, capture_output=True,
                          text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()
                if line.startswith("import time:")}
    assert "snakemake.workflow" in imported and "synthvol.registry" in imported
    assert {"torch", "numba"} & imported == set()


def test_check_names_an_output_and_a_script_that_no_stage_holds(tmp_path: Path) -> None:
    for name in ("Snakefile", "dvc.yaml"):
        shutil.copy2(REPO_ROOT / name, tmp_path / name)
    shutil.copytree(REPO_ROOT / "workflow" / "rules", tmp_path / "workflow" / "rules")
    document = yaml.safe_load((tmp_path / "dvc.yaml").read_text())
    document["stages"]["synthetic"]["deps"].remove("workflow/scripts/fit_baseline.py")
    document["stages"]["sv"]["outs"] = [o for o in document["stages"]["sv"]["outs"]
                                        if "results/sv" not in o]
    (tmp_path / "dvc.yaml").write_text(yaml.safe_dump(document))
    outputs = {"results/baselines/ar/fit.json": "fit_ar", "results/sv/summary.parquet":
               "sv_aggregate", "data/prepared/prices.parquet": "prepare_data"}
    assert dvcparts.problems(tmp_path, outputs) == [
        "dvc.yaml: stage synthetic holds the outputs of rule fit_ar but not its code "
        "workflow/scripts/fit_baseline.py in its deps",
        "dvc.yaml: results/sv/summary.parquet (rule sv_aggregate) is in no stage's outs"]


def test_changed_package_folder_forces_its_own_part_only() -> None:
    evaluation = ["benchmark_stocks", "calibration", "compare_sources", "copy_floor",
                  "evaluation_report_section", "score_source"]
    assert dvcparts.forced_rules("synthetic", ["src/synthvol/evaluation"]) == evaluation
    assert "train_generator" in dvcparts.forced_rules("synthetic", ["src/synthvol/generators"])
    assert dvcparts.forced_rules("report", ["src/synthvol/metrics.py"]) == [
        "all", "metrics", "report"]


def test_run_stage_forces_the_part_after_a_package_edit(tmp_path: Path, monkeypatch) -> None:
    for name in ("Snakefile", "dvc.yaml"):
        shutil.copy2(REPO_ROOT / name, tmp_path / name)
    shutil.copytree(REPO_ROOT / "workflow" / "rules", tmp_path / "workflow" / "rules")
    shutil.copytree(REPO_ROOT / "src" / "synthvol" / "baselines",
                    tmp_path / "src" / "synthvol" / "baselines")
    calls: list[list[str]] = []

    def fake_run(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
        calls.append(args)
        return subprocess.CompletedProcess(args, 0)

    monkeypatch.setattr(dvcparts.subprocess, "run", fake_run)
    assert dvcparts.run_stage("synthetic", ["baselines_report_section"], tmp_path) == 0
    assert "--forcerun" not in calls[-1]              # no digests yet: the outputs are current
    module = tmp_path / "src" / "synthvol" / "baselines" / "ar.py"
    module.write_text(module.read_text() + "\n# edited\n")
    dvcparts.run_stage("synthetic", ["baselines_report_section"], tmp_path)
    assert calls[-1][-5:] == ["--forcerun", "baselines_report_section", "fit_ar", "fit_fbm",
                              "fit_garch"]
    dvcparts.run_stage("synthetic", ["baselines_report_section"], tmp_path)
    assert "--forcerun" not in calls[-1]              # recorded after the forced run


def _set(key: str, value: object) -> Callable[[dict], None]:
    def change(params: dict) -> None:
        *parents, leaf = key.split(".")
        for part in parents:
            params = params[part]
        params[leaf] = value(params[leaf]) if callable(value) else value
    return change


EDITS = {
    "baselines.ar.order": (_set("baselines.ar.order", 3), {"synthetic"}),
    "drop a generator": (_set("generators.enabled", lambda g: g[:-1]), {"synthetic"}),
    "evaluation headline": (_set("evaluation.headline.n_bootstrap", 150), {"synthetic"}),
    "add an SV setting": (_set("sv.truth.n", lambda n: [*n, 1000]), {"sv"}),
    "sv.n_seeds": (_set("sv.n_seeds", 10), {"sv"}),
    "forecast models": (_set("forecast.models", ["linear", "exponential"]), {"forecast"}),
    "data.window_length": (_set("data.window_length", 30), {"data", "synthetic"}),
    "seed": (_set("seed", 1), set(PARTS) - {"report"}),
}


@pytest.mark.slow
def test_params_edit_makes_dvc_status_name_exactly_its_parts(tmp_path: Path) -> None:
    """Placeholder outputs recorded by ``dvc commit``; each edit marks its parts and the report
    (which tracks every param); a plain ``snakemake -n`` touches nothing DVC tracks."""
    repo = _copy_repo(tmp_path)
    for stage in dvcparts.stages(repo).values():
        for path in [*stage["outs"], *(d for d in stage["deps"] if d.startswith("results/"))]:
            target = repo / path if Path(path).suffix else repo / path / "placeholder.txt"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f"placeholder for {path}\n")
    _run(["dvc", "commit", "--force", "--quiet"], repo)
    assert json.loads(_run(["dvc", "status", "--json"], repo) or "{}") == {}
    saved = (repo / "params.yaml").read_text()
    for name, (change, parts) in EDITS.items():
        params = yaml.safe_load(saved)
        change(params)
        (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
        status = json.loads(_run(["dvc", "status", "--json"], repo))
        assert set(status) == parts | {"report"}, name
    (repo / "params.yaml").write_text(saved)
    assert json.loads(_run(["dvc", "status", "--json"], repo) or "{}") == {}

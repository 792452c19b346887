"""dvc.yaml is generated from the workflow, and each documented edit reruns exactly its dependents.

Cheap: nothing of the study runs. The workflow is copied; each edit of params.yaml is
followed by ``python -m synthvol.dvcgen`` (what ``make dvc`` runs). A stage is changed, as
``dvc status`` would say with unchanged sources, when it is new, its definition differs, or
a params key it lists has a new value; the stages that rerun are the changed ones and
everything downstream of them. One slow test checks that against real ``dvc status``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from synthvol import dvcgen
from synthvol.config import REPO_ROOT

BIN = Path(sys.executable).parent
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
       "PYTHONPATH": str(REPO_ROOT / "src")}


def _run(args: list[str], cwd: Path) -> str:
    proc = subprocess.run(args, cwd=cwd, env=ENV, capture_output=True, text=True)
    if proc.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed:\n"
                             f"{proc.stdout[-2000:]}{proc.stderr[-3000:]}")
    return proc.stdout


def _stages(repo: Path) -> dict:
    return yaml.safe_load((repo / "dvc.yaml").read_text())["stages"]


def _copy_repo(dest: Path) -> Path:
    listed = _run(["git", "ls-files", "-co", "--exclude-standard", "-z"], REPO_ROOT)
    for name in filter(None, listed.split("\0")):
        if (REPO_ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO_ROOT / name, dest / name)
    _run(["git", "init", "-q"], dest)
    return dest


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _copy_repo(tmp_path_factory.mktemp("dvc"))


def _value(params: dict, key: str) -> object:
    for part in key.split("."):
        params = params[part]
    return params


def _param_changed(params: dict, old: dict, key: str | dict) -> bool:
    """Whether a stage's params entry differs: a dotted key, or ``{file: None}`` (all of it)."""
    if isinstance(key, dict):
        return params != old
    return _value(params, key) != _value(old, key)


def _edit(repo: Path, change: Callable[[dict], None]) -> tuple[set[str], dict]:
    """The stages that would rerun after ``change`` of params.yaml and ``make dvc``."""
    saved = {name: (repo / name).read_text() for name in ("params.yaml", "dvc.yaml")}
    before, old = _stages(repo), yaml.safe_load(saved["params.yaml"])
    try:
        params = yaml.safe_load(saved["params.yaml"])
        change(params)
        (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
        _run([sys.executable, "-m", "synthvol.dvcgen", "--repo", str(repo)], repo)
        stages = _stages(repo)
    finally:
        for name, text in saved.items():
            (repo / name).write_text(text)
    changed = {name for name, stage in stages.items()
               if before.get(name) != stage
               or any(_param_changed(params, old, k) for k in stage.get("params", []))}
    return changed | _downstream(stages, changed), stages


def _downstream(stages: dict, roots: set[str]) -> set[str]:
    producer = {out: name for name, stage in stages.items() for out in stage["outs"]}
    children: dict[str, set[str]] = {}
    for name, stage in stages.items():
        for dep in stage.get("deps", []):
            if dep in producer:
                children.setdefault(producer[dep], set()).add(name)
    seen, todo = set(), list(roots)
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in seen:
                seen.add(child)
                todo.append(child)
    return seen


def _assert_no_dangling(repo: Path, stages: dict) -> None:
    outs = {out for stage in stages.values() for out in stage["outs"]}
    for name, stage in stages.items():
        for dep in stage.get("deps", []):
            assert dep in outs or (REPO_ROOT / dep).is_file(), f"{name}: dangling dep {dep}"


def _drop_generator(p: dict) -> None:
    p["generators"]["enabled"].remove("lstm_attention")


def _three_forecast_models(p: dict) -> None:
    p["forecast"]["models"] = ["linear", "exponential", "holt"]


def _drop_sv_scheme(p: dict) -> None:
    p["sv"]["schemes"].remove("V")


def _add_sv_setting(p: dict) -> None:
    p["sv"]["truth"]["n"].append(1000)


def _ar_order(p: dict) -> None:
    p["baselines"]["ar"]["order"] = 3


EXPECTED = {
    "drop a generator": (_drop_generator, {
        "compare_sources", "evaluation_report_section", "metrics", "report"}),
    "three forecast models": (_three_forecast_models, {
        "forecast_models", "forecast_rolling", "forecast_rolling_figure", "forecast_accuracy",
        "forecast_report", "metrics", "report",
        *(f"forecast_figures-{m}" for m in ("linear", "exponential", "holt"))}),
    "drop an SV scheme": (_drop_sv_scheme, {
        "sv_aggregate", "sv_real_data", "sv_report", "metrics", "report"}),
    "add an SV setting": (_add_sv_setting, {
        "sv_aggregate", "sv_mixture_error", "sv_real_data", "sv_report", "metrics", "report"}),
    "baselines.ar.order": (_ar_order, {
        "fit_ar", "baselines_report_section", "score_source-ar", "compare_sources",
        "evaluation_report_section", "metrics", "report"}),
}


@pytest.mark.parametrize("edit", list(EXPECTED))
def test_documented_edit_reruns_exactly_its_dependents(copy: Path, edit: str) -> None:
    change, expected = EXPECTED[edit]
    rerun, stages = _edit(copy, change)
    _assert_no_dangling(copy, stages)
    if edit == "add an SV setting":
        new = {name for name in stages if name.startswith("sv_chunk_") and "n1000" in name}
        assert len(new) == 5 * 2 * 5          # 5 jobs x 2 tau^2 x 5 schemes, nothing else
        expected = expected | new
    if edit == "drop a generator":
        assert not [name for name in stages if "lstm_attention" in name]
    assert rerun == expected


def test_committed_dvc_yaml_is_fresh_and_complete() -> None:
    assert dvcgen.main(["--check"]) == 0
    stages = _stages(REPO_ROOT)
    _assert_no_dangling(REPO_ROOT, stages)
    fit_ar = stages["fit_ar"]
    assert "baselines.ar" in fit_ar["params"] and "seed" in fit_ar["params"]
    for module in ("src/synthvol/seeds.py", "src/synthvol/samples.py", "src/synthvol/io.py",
                   "src/synthvol/baselines/ar.py", "workflow/scripts/fit_baseline.py"):
        assert module in fit_ar["deps"]
    assert "src/synthvol/generators/sbts.py" in stages["train_generator-sbts"]["deps"]
    assert "src/synthvol/generators/timegan.py" not in stages["train_generator-sbts"]["deps"]
    assert "src/synthvol/baselines/hurst.py" in stages["fit_fbm"]["deps"]
    for table in ("dubrova_table_4_1.csv", "durbin_watson_5pct.csv", "rs_critical_dhp1954.csv"):
        assert f"src/synthvol/forecast/data/{table}" in stages["forecast_models"]["deps"]
    # The report hashes the whole config into its provenance block: it tracks all of params.yaml.
    assert stages["report"]["params"] == [{"params.yaml": None}]


def test_package_data_a_module_names_becomes_a_dep_of_its_stages(tmp_path: Path) -> None:
    """A data file in a module's package is a dep exactly where the module names it."""
    part = tmp_path / "src" / "synthvol" / "part"
    (part / "data").mkdir(parents=True)
    (tmp_path / "src" / "synthvol" / "__init__.py").write_text("")
    (part / "__init__.py").write_text("")
    (part / "tables.py").write_text('TABLE = "table.csv"\n'
                                    'def read():\n    return open(f"data/{TABLE}")\n')
    (part / "other.py").write_text('"""No data here: table.csv is only named in prose."""\n')
    (part / "data" / "table.csv").write_text("a,b\n1,2\n")
    (part / "data" / "unused.csv").write_text("a\n1\n")
    script = tmp_path / "workflow" / "scripts" / "job.py"
    script.parent.mkdir(parents=True)
    script.write_text("from synthvol.part import tables\n")
    assert dvcgen.package_data(tmp_path / "src") == {
        "synthvol.part.tables": ["src/synthvol/part/data/table.csv"]}
    spec = dvcgen.JobSpec("job", (), (), ("out.txt",), "workflow/scripts/job.py", ())
    deps = dvcgen.stage_of(spec, {}, tmp_path)["deps"]
    assert "src/synthvol/part/data/table.csv" in deps
    assert "src/synthvol/part/data/unused.csv" not in deps


def test_parsing_the_workflow_imports_neither_torch_nor_numba() -> None:
    code = ("import sys; from synthvol.dvcgen import workflow_jobs; jobs = workflow_jobs(); "
            "print(len(jobs), sorted(m for m in ('torch', 'numba') if m in sys.modules))")
    out = _run([sys.executable, "-c", code], REPO_ROOT).split()
    assert int(out[0]) > 100 and out[1:] == ["[]"]


@pytest.mark.slow
def test_dvc_status_agrees(tmp_path: Path) -> None:
    """Placeholder outputs recorded by ``dvc commit``; after the AR edit ``dvc status`` names
    exactly fit_ar and the report (which tracks every param), and every other stage of the
    expected set is downstream of fit_ar."""
    repo = _copy_repo(tmp_path)
    for stage in _stages(repo).values():
        for out in stage["outs"]:
            (repo / out).parent.mkdir(parents=True, exist_ok=True)
            (repo / out).write_text(f"placeholder for {out}\n")
    _run(["dvc", "commit", "--force", "--quiet"], repo)
    assert json.loads(_run(["dvc", "status", "--json"], repo) or "{}") == {}
    params = yaml.safe_load((repo / "params.yaml").read_text())
    _ar_order(params)
    (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    _run([sys.executable, "-m", "synthvol.dvcgen", "--repo", str(repo)], repo)
    status = json.loads(_run(["dvc", "status", "--json"], repo))
    assert set(status) == {"fit_ar", "report"}
    assert {"fit_ar"} | _downstream(_stages(repo), {"fit_ar"}) == EXPECTED["baselines.ar.order"][1]


def test_only_a_default_params_yaml_run_is_recorded(copy: Path) -> None:
    from synthvol.config import coerce_scalars, deep_merge, load_yaml

    params = coerce_scalars(load_yaml(copy / "params.yaml"))
    quick = deep_merge(params, load_yaml(copy / "config" / "quick.yaml"))
    lock = copy / "dvc.lock"
    message = dvcgen.sync_after_run(quick, set(), copy)
    assert message.startswith("DVC: not recorded (this run's params differ from params.yaml")
    message = dvcgen.sync_after_run(params, {"results/baselines/ar/fit.json"}, copy)
    assert message.startswith("DVC: not recorded (the run built chosen targets")
    assert not lock.exists()

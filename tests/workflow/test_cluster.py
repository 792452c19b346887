"""Cluster execution: resources from workflow/resources.yaml that grow with the attempt, the
check of a run's benchmark files against them, and the run-time estimate."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from synthvol import cluster
from synthvol.cluster import Job
from synthvol.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]


def test_resources_grow_with_the_attempt() -> None:
    table = {"fit_ar": {"mem_mb": 700, "runtime": 6}}
    grown = cluster.growing(table, "fit_ar")
    assert [grown["mem_mb"](None, k) for k in (1, 2, 3)] == [700, 1400, 2100]
    assert [grown["runtime"](None, k) for k in (1, 2)] == [6, 12]
    with pytest.raises(ConfigError, match="no entry for rule fit_garch"):
        cluster.growing(table, "fit_garch")


def test_a_malformed_entry_is_named(tmp_path: Path) -> None:
    path = tmp_path / "resources.yaml"
    path.write_text("fit_ar: {mem_mb: 700}\n")
    with pytest.raises(ConfigError, match=r"resources.yaml: rule fit_ar: need positive"):
        cluster.load_resources(path)


@pytest.fixture(scope="module")
def default_jobs() -> list[Job]:
    return cluster.dag_jobs(REPO)


def test_every_rule_declares_the_table_s_resources(default_jobs: list[Job]) -> None:
    table = cluster.load_resources()
    keys = {cluster.resource_key(j.rule) for j in default_jobs}
    assert keys <= set(table)
    assert set(table) - keys == {"benchmark_stocks"}      # not in the default target
    # Every rule file takes its resources from the table, growing with the attempt.
    for rule_file in (REPO / "workflow" / "rules").glob("*.smk"):
        text = rule_file.read_text()
        assert "mem_mb=" not in text and "runtime=" not in text, rule_file.name
    for key, base in table.items():
        grown = cluster.growing(table, key)
        for attempt in (1, 2, 3):
            assert grown["mem_mb"](None, attempt) == attempt * base["mem_mb"], key
            assert grown["runtime"](None, attempt) == attempt * base["runtime"], key


def _benchmark(path: Path, seconds: float, max_rss: float) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\t"
                    f"cpu_time\n{seconds}\t0:00:01\t{max_rss}\t1\t1\t1\t0\t0\t90\t{seconds}\n")


def test_check_fails_on_a_job_over_its_declared_memory(tmp_path: Path, capsys) -> None:
    table = cluster.load_resources()
    _benchmark(tmp_path / "logs/benchmarks/data/prepare_data.tsv", 12.0,
               table["prepare_data"]["mem_mb"] + 1)
    _benchmark(tmp_path / "logs/benchmarks/baselines/fit_ar.tsv", 12.0, 100.0)
    assert cluster.main(["check", "--run", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "logs/benchmarks/data/prepare_data.tsv: max_rss" in out and "fit_ar" not in out
    _benchmark(tmp_path / "logs/benchmarks/data/prepare_data.tsv", 12.0, 100.0)
    assert cluster.main(["check", "--run", str(tmp_path)]) == 0
    assert "2 benchmark files checked" in capsys.readouterr().out


def test_derive_adds_headroom_and_floors() -> None:
    jobs = [Job("a-1", "sv_chunk_0", 1, (), "x", 10.0, 9.0, 150.0),
            Job("a-2", "sv_chunk_1", 1, (), "y", 200.0, 190.0, 1000.0),
            Job("b", "report", 1, (), "z", 1.0, 1.0, None)]
    assert cluster.derive(jobs) == {"sv_chunk": {"mem_mb": 1500, "runtime": 10}}


def test_write_keeps_the_header_and_unmeasured_rules(tmp_path: Path) -> None:
    path = tmp_path / "resources.yaml"
    path.write_text("# how\nfit_ar: {mem_mb: 700, runtime: 6}\nreport: {mem_mb: 500, "
                    "runtime: 5}\n")
    cluster.write_resources({"fit_ar": {"mem_mb": 900, "runtime": 7}}, path)
    assert path.read_text().startswith("# how\n")
    assert yaml.safe_load(path.read_text()) == {"fit_ar": {"mem_mb": 900, "runtime": 7},
                                                 "report": {"mem_mb": 500, "runtime": 5}}


def test_estimate_follows_the_critical_path_and_the_cores() -> None:
    #  a(10) -> b(30) -> d(5);  a -> c(20, 2 threads: 10 s on its cores) -> d
    jobs = [Job("a", "prepare_data", 1, (), "", None, 10.0),
            Job("b", "score_source", 1, ("a",), "", None, 30.0),
            Job("c", "sv_chunk_0", 2, ("a",), "", None, 20.0),
            Job("d", "report", 1, ("b", "c"), "", None, 5.0)]
    length, path = cluster.critical_path(jobs)
    assert (length, path) == (45.0, ["a", "b", "d"])
    assert cluster.simulate(jobs, 8) == 45.0
    assert cluster.simulate(jobs, 1) == 10 + 30 + 20 + 5     # c on 1 core: 20 s
    assert cluster.simulate(jobs, 2) == 10 + 30 + 10 + 5     # b first (longer tail), c waits
    frame = cluster.estimate(jobs, [1, 8]).set_index(["part", "cores"])
    assert frame.loc[("study", 8), "estimate_s"] == 45.0
    assert frame.loc[("study", 1), "cpu_seconds"] == 65.0
    assert frame.loc[("sv", 8), "jobs"] == 1 and frame.loc[("scoring", 1), "estimate_s"] == 30


def test_environment_holds_the_dependencies_and_jobs_find_the_package(monkeypatch) -> None:
    """No path in the conda environment (it would resolve against wherever the environment
    file is copied); the workflow hands its jobs the package's source folder instead."""
    import os
    import subprocess
    import sys

    env = yaml.safe_load((REPO / "workflow" / "envs" / "synthvol.yaml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    pins = {line.strip() for line in (REPO / "requirements.txt").read_text().splitlines()
            if "==" in line and not line.startswith("#")}
    assert set(pip) <= pins
    assert not [d for d in pip if "/" in d or d.startswith("-")]
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    cluster.hand_jobs_the_package()            # what the Snakefile does before any job
    assert os.environ["PYTHONPATH"].split(os.pathsep) == [str(REPO / "src"), "/elsewhere"]
    # An interpreter without site-packages (a bare environment) imports it from src/.
    done = subprocess.run([sys.executable, "-S", "-c", "import synthvol; print(synthvol.__file__)"],
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == str(REPO / "src" / "synthvol" / "__init__.py")

"""The assembled page: findings first, numbering, CSV links, provenance, byte identity."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from synthvol.errors import SynthvolError
from synthvol.report import provenance as prov
from synthvol.report.build import render_report, write_report
from synthvol.report.readme import BEGIN, END, report_findings, update_readme

PARAMS = {"seed": 1, "data": {"start": "2010-01-01", "test_fraction": 0.2}}


def build(fragment_files: list[Path], output: str = "results/report.html") -> str:
    Path("params.yaml").write_text("seed: 1\n")
    Path("quick.yaml").write_text("data: {start: '2010-01-01'}\n")
    write_report(fragment_files, output, params=PARAMS, configfiles=["params.yaml", "quick.yaml"],
                 overrides={"seed": "1"}, benchmark_dir="logs/benchmarks")
    return Path(output).read_text(encoding="utf-8")


def test_findings_come_first_and_link_to_their_evidence(fragment_files: list[Path]) -> None:
    page = build(fragment_files)
    body = page.split("<body>", 1)[1]
    assert body.index('id="findings"') < body.index("<nav>") < body.index('id="demo"')
    summary = body[body.index('id="findings"'):body.index("</section>")]
    assert ('<h3><a href="#demo">Demo part</a></h3><ul><li><a href="#demo-scores">SBTS scores '
            '0.21 ± 0.02 against 0.35 ± 0.03.</a></li>') in summary
    assert "No headline findings stated by: Other part." in summary
    for anchor in re.findall(r'href="#([^"]+)"', page):
        assert f'id="{anchor}"' in page, anchor


def test_tables_and_figures_are_numbered_in_page_order(fragment_files: list[Path]) -> None:
    page = build(fragment_files)
    numbers = re.findall(r'<span class="number">(Table|Figure) (\d+)\.</span>', page)
    assert numbers == [("Table", "1"), ("Figure", "1"), ("Figure", "2"), ("Table", "2"),
                       ("Table", "3")]                     # Table 3: provenance timings
    assert 'id="figure-2"' in page and 'id="table-2"' in page
    assert 'data-kind=' not in page


def test_csv_links_are_relative_to_the_page(fragment_files: list[Path]) -> None:
    page = build(fragment_files)
    assert '<a class="csv" href="demo/scores.csv" title="results/demo/scores.csv">CSV</a>' in page
    assert (Path("results") / "demo/scores.csv").exists()


def test_provenance_names_commit_params_software_machine_and_times(
        fragment_files: list[Path]) -> None:
    page = build(fragment_files)
    block = page[page.index('<section id="provenance"'):]
    assert "<code>params.yaml</code> + <code>quick.yaml</code>" in page   # the run line
    assert prov.params_digest(PARAMS)[:12] in page
    for name in ("python", "numpy", "torch", "numba", "statsmodels", "arch", "snakemake", "dvc"):
        assert f"{name} " in block
    assert "GPU: " in block and "cores: " in block
    assert "<code>seed=1</code>" in block
    assert "test_fraction: 0.2" in block                          # the effective params
    timings = prov.part_timings("logs/benchmarks")
    assert [(t.part, t.jobs, t.wall_seconds, t.cpu_seconds, t.slowest_rule) for t in timings] \
        == [("demo", 2, 15.0, 21.0, "fit"), ("other", 1, 2.0, 0.0, "make")]


def test_params_digest_ignores_key_order_and_sees_values() -> None:
    a = prov.params_digest({"x": 1, "y": {"b": 2, "a": 3}})
    assert a == prov.params_digest({"y": {"a": 3, "b": 2}, "x": 1})
    assert a != prov.params_digest({"x": 1, "y": {"b": 2, "a": 4}})


def test_same_inputs_give_a_byte_identical_page(fragment_files: list[Path]) -> None:
    first = build(fragment_files, "results/a.html")
    second = build(fragment_files, "results/b.html")
    assert first.replace("a.html", "b.html") == second
    assert Path("results/a.html").read_bytes() == Path("results/b.html").read_bytes()
    facts = prov.Provenance(None, None, None, "0" * 64, [], {}, {"python": "3"}, {"GPU": "none"})
    fragments = [p.read_text() for p in fragment_files]
    page = render_report(fragments, facts, {})
    assert dt.date.today().isoformat() not in page             # no build stamp
    assert "not built from a git checkout" in page


def test_readme_findings_are_copied_from_the_report(fragment_files: list[Path]) -> None:
    build(fragment_files)
    run, parts = report_findings(Path("results/report.html").read_text())
    assert run.startswith("synthvol ") and "params.yaml + quick.yaml" in run
    assert parts == [("Demo part", ["SBTS scores 0.21 ± 0.02 against 0.35 ± 0.03.",
                                    "The figure shows it."])]
    readme = Path("README.md")
    readme.write_text(f"# x\n\n{BEGIN}\nold hand-written numbers\n{END}\n\nmore\n")
    assert update_readme("results/report.html", readme)
    text = readme.read_text()
    assert "old hand-written" not in text and text.endswith(f"{END}\n\nmore\n")
    assert "- **Demo part**: SBTS scores 0.21 ± 0.02 against 0.35 ± 0.03. The figure shows it." \
        in text
    assert not update_readme("results/report.html", readme)          # idempotent
    readme.write_text("# no markers\n")
    with pytest.raises(SynthvolError, match="no findings markers"):
        update_readme("results/report.html", readme)


def test_config_files_are_listed_in_merge_order(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    quick = tmp_path / "config" / "quick.yaml"
    assert prov.configfiles_in_merge_order(["params.yaml", quick], [quick, "/elsewhere/x.yaml"]) \
        == ["params.yaml", "config/quick.yaml", "/elsewhere/x.yaml"]


def test_gpu_is_read_from_nvidia_smi_without_importing_torch(tmp_path: Path, monkeypatch) -> None:
    fake = tmp_path / "nvidia-smi"
    fake.write_text("#!/bin/sh\necho 'NVIDIA H200, 143771 MiB'\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert prov.machine()["GPU"] == "NVIDIA H200, 143771 MiB"
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert prov.machine()["GPU"] == "none"


def test_building_the_report_imports_neither_torch_nor_numba() -> None:
    code = ("import sys, synthvol.report.build as b; b.prov.package_versions(); "
            "print(sorted(m for m in ('torch', 'numba') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

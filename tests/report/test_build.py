"""The page rendered from the sections' data: findings first, numbering, CSV links,
provenance, byte identity, the README's findings, and the validation of the data."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from page import Page

from synthvol.errors import SynthvolError
from synthvol.report import provenance as prov
from synthvol.report.model import (
    ReportDataError,
    load_section,
    paragraph,
    save_section,
    section,
    table,
)
from synthvol.report.readme import BEGIN, END, update_readme
from synthvol.report.render import (
    Report,
    findings_markdown,
    load_report,
    render_html,
    write_report,
)

PARAMS = {"seed": 1, "data": {"start": "2010-01-01", "test_fraction": 0.2}}


def build(section_files: list[Path], output: str = "results/report.html") -> str:
    Path("params.yaml").write_text("seed: 1\n")
    Path("quick.yaml").write_text("data: {start: '2010-01-01'}\n")
    write_report(section_files, output, Path(output).with_suffix(".json"), params=PARAMS,
                 configfiles=["params.yaml", "quick.yaml"], overrides={"seed": "1"},
                 benchmark_dir="logs/benchmarks")
    return Path(output).read_text(encoding="utf-8")


def test_findings_come_first_and_link_to_their_evidence(section_files: list[Path]) -> None:
    page = build(section_files)
    body = page.split("<body>", 1)[1]
    assert body.index('id="findings"') < body.index("<nav>") < body.index('id="demo"')
    summary = body[body.index('id="findings"'):body.index("</section>")]
    assert ('<h3><a href="#demo">Demo part</a></h3><ul><li><a href="#demo-scores">SBTS scores '
            '0.21 ± 0.02 against 0.35 ± 0.03.</a></li>') in summary
    assert "No headline findings stated by: Other part." in summary
    seen = Page(page)
    assert seen.links and set(seen.links) <= set(seen.ids)
    assert "demo-scores" in seen.links and "demo-figure" in seen.links
    # the section repeats its findings at its top
    demo = body[body.index('<section id="demo"'):]
    assert demo.index('<aside class="findings" data-part="demo">') < demo.index("Table 1.")


def test_a_findings_link_leads_to_a_numbered_table(section_files: list[Path]) -> None:
    page = build(section_files)
    scores = page[page.index('id="demo-scores"'):]
    assert scores.startswith('id="demo-scores"><p class=\'caption\'><span class="number">'
                             "Table 1.</span> Scores.")


def test_tables_and_figures_are_numbered_in_page_order(section_files: list[Path]) -> None:
    page = build(section_files)
    assert Page(page).numbers == ["Table 1.", "Figure 1.", "Figure 2.", "Table 2.",
                                  "Table 3."]                # Table 3: provenance timings
    assert 'id="figure-2"' in page and 'id="table-2"' in page
    assert 'id="provenance-timings"' in page
    assert 'data-kind=' not in page


def test_csv_links_are_relative_to_the_page(section_files: list[Path]) -> None:
    page = build(section_files)
    assert '<a class="csv" href="demo/scores.csv" title="results/demo/scores.csv">CSV</a>' in page
    assert (Path("results") / "demo/scores.csv").exists()
    nested = build(section_files, "results/report/page.html")
    assert Page(nested).csv_links == [("../demo/scores.csv", "results/demo/scores.csv")]


def test_provenance_names_commit_params_software_machine_and_times(
        section_files: list[Path]) -> None:
    page = build(section_files)
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


def test_same_inputs_give_a_byte_identical_page(section_files: list[Path]) -> None:
    first = build(section_files, "results/a.html")
    second = build(section_files, "results/b.html")
    assert first == second
    assert Path("results/a.html").read_bytes() == Path("results/b.html").read_bytes()
    assert Path("results/a.json").read_bytes() == Path("results/b.json").read_bytes()
    facts = prov.Provenance(None, None, None, "0" * 64, [], {}, {"python": "3"}, {"GPU": "none"})
    page = render_html(Report("t", tuple(map(load_section, section_files)), facts, ""))
    assert dt.date.today().isoformat() not in page             # no build stamp
    assert "not built from a git checkout" in page


def test_the_report_data_round_trips(section_files: list[Path]) -> None:
    page = build(section_files)
    report = load_report("results/report.json")
    assert [s.anchor for s in report.sections] == ["demo", "other"]
    assert report.provenance is not None and report.provenance.configfiles[0][0] == "params.yaml"
    assert render_html(report, "results") == page


def test_readme_findings_come_from_the_report_data(section_files: list[Path]) -> None:
    build(section_files)
    block = findings_markdown(load_report("results/report.json"))
    run = block.splitlines()[0]
    assert run.startswith("From `results/report.html` of the run: synthvol ")
    assert "params params.yaml + quick.yaml with --config seed=1" in run
    readme = Path("README.md")
    readme.write_text(f"# x\n\n{BEGIN}\nold hand-written numbers\n{END}\n\nmore\n")
    assert update_readme("results/report.json", readme)
    text = readme.read_text()
    assert "old hand-written" not in text and text.endswith(f"{END}\n\nmore\n")
    assert "- **Demo part**: SBTS scores 0.21 ± 0.02 against 0.35 ± 0.03. The figure shows it." \
        in text
    assert "Other part" not in text                             # states no findings
    assert not update_readme("results/report.json", readme)          # idempotent
    readme.write_text("# no markers\n")
    with pytest.raises(SynthvolError, match="no findings markers"):
        update_readme("results/report.json", readme)


def test_table_columns_keep_their_kinds_through_json(tmp_path: Path) -> None:
    frame = pd.DataFrame({"nobs": pd.array([1805, None], dtype="Int64"), "n": [3, 4],
                          "ok": [True, False], "x": [np.nan, np.inf], "name": ["a", None],
                          "date": pd.to_datetime(["2020-01-02", "2020-01-03"])})
    path = tmp_path / "s.json"
    save_section(section("s", "S", [table(frame, "T.", anchor="t")], [("f", "t")]), path)
    back = load_section(path).blocks[0].frame()
    assert [str(t) for t in back.dtypes] == ["Int64", "int64", "bool", "float64", "object",
                                             "object"]
    assert back["nobs"].isna().tolist() == [False, True] and back["x"].iloc[1] == np.inf
    assert back["date"].tolist() == ["2020-01-02 00:00:00", "2020-01-03 00:00:00"]
    assert json.loads(path.read_text())["blocks"][0]["rows"][0][3] is None   # NaN as null


def _broken(tmp_path: Path, change) -> Path:
    frame = pd.DataFrame({"a": [1.0, 2.0]})
    path = tmp_path / "10_part.json"
    save_section(section("part", "Part", [paragraph("p"), table(frame, "T.", anchor="t")],
                         [("A finding.", "t")]), path)
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.pop("title"), r"10_part\.json\.title: missing"),
    (lambda d: d.update(format=2), r"10_part\.json\.format: expected 1"),
    (lambda d: d["findings"][0].update(target="nowhere"),
     r"10_part\.json\.findings\[0\]\.target: 'nowhere' is the id of no table or figure"),
    (lambda d: d["blocks"][1].update(caption=3),
     r"10_part\.json\.blocks\[1\]\.caption: expected str, got 3"),
    (lambda d: d["blocks"][1]["rows"][0].append(5),
     r"10_part\.json\.blocks\[1\]\.rows\[0\]: 2 values for 1 columns"),
    (lambda d: d["blocks"][1]["columns"][0].update(kind="complex"),
     r"10_part\.json\.blocks\[1\]\.columns\[0\]\.kind: expected one of"),
    (lambda d: d["blocks"][0].update(kind="video"),
     r"10_part\.json\.blocks\[0\]\.kind: expected one of"),
    (lambda d: d["blocks"][0].update(colour="red"),
     r"10_part\.json\.blocks\[0\]\.colour: unknown key"),
    (lambda d: d["blocks"][1]["columns"].append(d["blocks"][1]["columns"][0]),
     r"10_part\.json\.blocks\[1\]\.columns: a column name appears twice"),
    (lambda d: d["blocks"][1]["best"].update(a="median"),
     r"10_part\.json\.blocks\[1\]\.best\.a: expected one of"),
])
def test_bad_section_data_is_named_by_file_and_key(tmp_path: Path, change, message) -> None:
    with pytest.raises(ReportDataError, match=message):
        load_section(_broken(tmp_path, change))


def test_unreadable_and_changed_inputs_are_refused(section_files: list[Path]) -> None:
    Path("bad.json").write_text("{not json")
    with pytest.raises(ReportDataError, match=r"^bad\.json: not JSON"):
        load_section("bad.json")
    with pytest.raises(ReportDataError, match=r"^missing\.json: cannot be read"):
        load_section("missing.json")
    Path("results/demo/figure.png").write_bytes(b"\x89PNG changed")
    with pytest.raises(ReportDataError, match="figure results/demo/figure.png: changed since"):
        build(section_files)


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
    code = ("import sys, synthvol.report.render as r; r.prov.package_versions(); "
            "print(sorted(m for m in ('torch', 'numba') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_no_regular_expression_reads_the_report() -> None:
    package = Path(__file__).resolve().parents[2] / "src" / "synthvol" / "report"
    for module in package.glob("*.py"):
        text = module.read_text()
        assert "import re\n" not in text and "re.compile" not in text, module.name

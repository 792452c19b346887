"""The report as a reader's browser shows it: headless Chromium over the DevTools pipe."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from browser import find_chromium, inspect_page, screenshot

from synthvol.report.model import save_section, section, table
from synthvol.report.render import write_report

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (Debian: apt-get install -y chromium; "
                             ".ci/run installs it)")


def assert_reads_well(page: Path, findings: int | None = None) -> None:
    seen = inspect_page(page)
    assert seen.console_errors == []
    assert seen.external_requests == []
    assert seen.facts["images"] > 0 and seen.facts["broken_images"] == []
    assert seen.facts["dangling_links"] == []
    assert seen.facts["findings_items"] >= (findings or 0)
    assert seen.wide_in_print == []                            # nothing cut off on paper


def test_fixture_report_loads_cleanly(section_files: list[Path]) -> None:
    wide = pd.DataFrame(np.random.default_rng(0).normal(size=(3, 12)),
                        columns=[f"leverage_lag{k}" for k in range(1, 13)])
    save_section(section("wide", "Wide table", [table(wide, "Twelve columns.")]),
                 "results/report/sections/30_wide.json")
    write_report([*section_files, "results/report/sections/30_wide.json"],
                 "results/report.html", params={"seed": 1}, benchmark_dir="logs/benchmarks")
    assert_reads_well(Path("results/report.html"), findings=2)
    screenshot("results/report.html", "top.png", width=800, height=600)
    assert Path("top.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_checks_catch_a_broken_page(tmp_path: Path) -> None:
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><body><script>console.error('boom')</script>"
                    "<img alt='remote' src='http://192.0.2.1/x.png'>"
                    "<img alt='missing' src='missing.png'><a href='#nowhere'>x</a>"
                    "<table style='width:2000px'><tr><td>wide</td></tr></table></body></html>")
    seen = inspect_page(page)
    assert any("boom" in e for e in seen.console_errors)
    assert seen.external_requests == ["http://192.0.2.1/x.png"]
    assert "missing" in seen.facts["broken_images"]
    assert seen.facts["dangling_links"] == ["nowhere"]
    assert seen.facts["findings_items"] == 0
    assert seen.wide_in_print == ["table"]


@pytest.mark.skipif(not (REPO / "results" / "report.html").exists(),
                    reason="no results/report.html yet (run the study or the quick study)")
def test_the_real_report_reads_well() -> None:
    assert_reads_well(REPO / "results" / "report.html", findings=1)

"""A small report built from fixture fragments, in the real fragment format."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pandas as pd
import pytest

from synthvol.report.html import findings_html, png_bytes_html, section, table_html


def tiny_png(width: int = 4, height: int = 3) -> bytes:
    """A valid grey PNG image of the given size."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0,
                                                               0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.fixture
def fragment_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Two section fragments (one with findings, one without) and the CSV behind a table,
    laid out like a workflow run in ``tmp_path`` (which becomes the working directory)."""
    monkeypatch.chdir(tmp_path)
    csv = Path("results/demo/scores.csv")
    csv.parent.mkdir(parents=True)
    scores = pd.DataFrame({"source": ["sbts", "garch"], "discriminative_mean": [0.21, 0.35],
                           "seconds_q05": [1.71e4, 8090.0]})
    scores.to_csv(csv, index=False)
    first = section("demo", "Demo part", [
        findings_html("demo", [("SBTS scores 0.21 ± 0.02 against 0.35 ± 0.03.", "demo-scores"),
                               ("The figure shows it.", "demo-figure")]),
        table_html(scores, "Scores.", anchor="demo-scores", csv=csv,
                   best={"discriminative_mean": "min"}),
        png_bytes_html(tiny_png(), "A figure.", anchor="demo-figure"),
        png_bytes_html(tiny_png(2, 2), "A figure without an id."),
    ])
    second = section("other", "Other part", [table_html(scores.head(1), "No id.")])
    paths = [Path("results/report/sections/10_demo.html"),
             Path("results/report/sections/20_other.html")]
    paths[0].parent.mkdir(parents=True)
    for path, text in zip(paths, (first, second)):
        path.write_text(text, encoding="utf-8")
    bench = Path("logs/benchmarks")
    for part, rule, wall, cpu in (("demo", "fit", 10.5, 20.0), ("demo", "score", 4.5, 1.0),
                                  ("other", "make", 2.0, "NA"), ("report", "report", 9, 9)):
        (bench / part).mkdir(parents=True, exist_ok=True)
        (bench / part / f"{rule}.tsv").write_text(
            "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"
            f"{wall}\t0:00:10\t100\t200\t50\t60\t0.1\t0.2\t90\t{cpu}\n")
    return paths

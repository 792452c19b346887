"""A small report's section data, in the real JSON format, laid out like a workflow run."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pandas as pd
import pytest

from synthvol.report.model import figure, save_section, section, table


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
def section_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Two sections' data (one with findings, one without), the CSV behind a table and the
    figures, laid out like a workflow run in ``tmp_path`` (which becomes the working
    directory)."""
    monkeypatch.chdir(tmp_path)
    csv = Path("results/demo/scores.csv")
    csv.parent.mkdir(parents=True)
    scores = pd.DataFrame({"source": ["sbts", "garch"], "discriminative_mean": [0.21, 0.35],
                           "seconds_q05": [1.71e4, 8090.0]})
    scores.to_csv(csv, index=False)
    pngs = [Path("results/demo/figure.png"), Path("results/demo/small.png")]
    pngs[0].write_bytes(tiny_png())
    pngs[1].write_bytes(tiny_png(2, 2))
    first = section("demo", "Demo part", [
        table(scores, "Scores.", anchor="demo-scores", csv=csv,
              best={"discriminative_mean": "min"}),
        figure(pngs[0], "A figure.", anchor="demo-figure"),
        figure(pngs[1], "A figure without an id."),
    ], findings=[("SBTS scores 0.21 ± 0.02 against 0.35 ± 0.03.", "demo-scores"),
                 ("The figure shows it.", "demo-figure")])
    second = section("other", "Other part", [table(scores.head(1), "No id.")])
    paths = [Path("results/report/sections/10_demo.json"),
             Path("results/report/sections/20_other.json")]
    for path, sec in zip(paths, (first, second)):
        save_section(sec, path)
    bench = Path("logs/benchmarks")
    for part, rule, wall, cpu in (("demo", "fit", 10.5, 20.0), ("demo", "score", 4.5, 1.0),
                                  ("other", "make", 2.0, "NA"), ("report", "report", 9, 9)):
        (bench / part).mkdir(parents=True, exist_ok=True)
        (bench / part / f"{rule}.tsv").write_text(
            "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"
            f"{wall}\t0:00:10\t100\t200\t50\t60\t0.1\t0.2\t90\t{cpu}\n")
    return paths

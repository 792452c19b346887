"""Render the report's data into one self-contained HTML page and the README's findings.

The page opens with the run's identity (commit, config files, params hash) and "Findings
first": every section's findings, each linked to the table or figure behind it. Tables and
figures are numbered in page order as the sections are walked, CSV links are made relative
to the page, and a provenance block closes the page. Nothing depends on the clock: the same
sections and provenance give the same bytes. :func:`findings_markdown` writes the same
findings for the README from the same data.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from synthvol import __version__
from synthvol.io import write_text
from synthvol.progress import get_logger
from synthvol.report import provenance as prov
from synthvol.report.html import escape, png_html, table_html
from synthvol.report.model import (
    FORMAT,
    Figure,
    Note,
    Paragraph,
    ReportDataError,
    Section,
    Table,
    check_section,
    from_data,
    load_json,
    load_sections,
    to_data,
)

STYLE = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1100px;
margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{border-bottom:2px solid #345;margin-bottom:.2em}h2{border-bottom:1px solid #ccc;
margin-top:2em}nav ul{columns:2}figure{margin:1em 0}img{max-width:100%;height:auto}
figcaption,.caption{color:#555;font-size:.92em}.number{font-weight:600;color:#234}
.run{font-size:.92em;color:#444;margin-top:0}
.scroll{overflow-x:auto;max-width:100%}
table.data{border-collapse:collapse;font-size:.88em;margin:.3em 0 1em}
table.data th,table.data td{border:1px solid #ddd;padding:3px 7px}
table.data th{background:#f3f5f7;vertical-align:bottom;text-align:center;font-weight:600}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
td.text{text-align:left;white-space:nowrap}td.wrap{white-space:normal;min-width:14em}td.best{font-weight:700;background:#eef6ee}
a.csv{font-size:.85em;margin-left:.4em}
.note{background:#fff8e5;border-left:4px solid #e0b000;padding:.4em .8em}
code{background:#f3f3f3;padding:0 3px}
#findings{background:#f4f8fb;border:1px solid #cdd9e3;border-radius:4px;padding:.2em 1em .6em}
#findings h2{border:0;margin-top:.6em}#findings h3{margin:.6em 0 .2em;font-size:1.02em}
#findings ul{margin:.2em 0}#findings li{margin:.25em 0}#findings a{color:#123;
text-decoration:none;border-bottom:1px dotted #678}
aside.findings{background:#f4f8fb;border-left:4px solid #5a7fa0;padding:.2em .8em;
margin:1em 0}aside.findings::before{content:"Findings";font-weight:600;color:#345}
dl.provenance{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}
dl.provenance dt{font-weight:600}dl.provenance dd{margin:0}
@media print{body{max-width:none;margin:0}.scroll{overflow:visible}
table.data{font-size:7pt;width:100%}table.data th,table.data td{padding:1px 3px}
td.num,td.text{white-space:normal}
table.data th,table.data td{overflow-wrap:anywhere}td.wrap{min-width:0}
figure,div.table{break-inside:avoid}nav{display:none}}
"""


@dataclass(frozen=True)
class Report:
    """The whole page: its sections in order, where it came from and the effective params
    (as YAML text)."""

    title: str
    sections: tuple[Section, ...]
    provenance: prov.Provenance | None = None
    params_yaml: str = ""


def report_json(report: Report) -> str:
    """The JSON text of a whole report."""
    return json.dumps({"format": FORMAT, **to_data(report)}, indent=1, ensure_ascii=False,
                      allow_nan=False) + "\n"


def load_report(path: str | os.PathLike[str]) -> Report:
    """Read and validate a report's JSON file (written by the report rule)."""
    data = load_json(path)
    if data.get("format") != FORMAT:
        raise ReportDataError(f"{path}.format: expected {FORMAT}, got {data.get('format')!r}")
    built = from_data(Report, {k: v for k, v in data.items() if k != "format"}, str(path))
    for i, sec in enumerate(built.sections):
        check_section(sec, f"{path}.sections[{i}]")
    return built


class Numbering:
    """Numbers and ids of tables and figures, handed out in page order."""

    def __init__(self) -> None:
        self.count = {"table": 0, "figure": 0}

    def next(self, kind: str, anchor: str | None) -> tuple[str, str]:
        """("Table 3.", its id) for the next table or figure."""
        self.count[kind] += 1
        n = self.count[kind]
        return f"{kind.capitalize()} {n}.", anchor or f"{kind}-{n}"


def _csv_link(path: str, report_dir: str | os.PathLike[str]) -> str:
    if not Path(path).exists():
        get_logger("report").warning("table CSV %s does not exist", path)
    return Path(os.path.relpath(path, report_dir)).as_posix()


def _figure_bytes(fig: Figure) -> bytes:
    try:
        data = Path(fig.path).read_bytes()
    except OSError as exc:
        raise ReportDataError(f"figure {fig.path}: cannot be read ({exc.strerror})") from None
    if hashlib.sha256(data).hexdigest() != fig.sha256:
        raise ReportDataError(f"figure {fig.path}: changed since its section was written "
                              "(sha256 differs); rerun the section's rule")
    return data


def block_html(block: Paragraph | Note | Table | Figure, numbers: Numbering,
               report_dir: str | os.PathLike[str]) -> str:
    """One block's HTML; tables and figures take the next number."""
    if isinstance(block, Paragraph):
        return f"<p>{escape(block.text)}</p>"
    if isinstance(block, Note):
        items = ("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in block.items) + "</ul>"
                 if block.items else "")
        return ("<div class='note'>" + "".join(f"<p>{escape(p)}</p>" for p in block.paragraphs)
                + items + "</div>")
    if isinstance(block, Table):
        number, anchor = numbers.next("table", block.anchor)
        return table_html(block.frame(), block.caption, block.float_format, anchor=anchor,
                          best=block.best, labels=block.labels(), number=number,
                          csv_href=_csv_link(block.csv, report_dir) if block.csv else None,
                          csv_title=block.csv)
    number, anchor = numbers.next("figure", block.anchor)
    return png_html(_figure_bytes(block), block.caption, anchor, number)


def findings_list_html(sec: Section) -> str:
    """A section's findings as linked list items."""
    return "".join(f'<li><a href="#{escape(f.target)}">{escape(f.text)}</a></li>'
                   for f in sec.findings)


def section_html(sec: Section, report_dir: str | os.PathLike[str] = ".",
                 numbers: Numbering | None = None) -> str:
    """A section: heading, its findings, its blocks (numbered from 1 unless ``numbers``
    continues a page's count)."""
    numbers = numbers or Numbering()
    aside = (f'<aside class="findings" data-part="{escape(sec.anchor)}"><ul>'
             f"{findings_list_html(sec)}</ul></aside>\n" if sec.findings else "")
    body = "\n".join(block_html(b, numbers, report_dir) for b in sec.blocks)
    return (f'<section id="{escape(sec.anchor)}" data-title="{escape(sec.title)}">'
            f"<h2>{escape(sec.title)}</h2>\n{aside}{body}\n</section>\n")


def summary_html(sections: Sequence[Section]) -> str:
    """The "Findings first" block: each part's headline results, linked to their evidence."""
    stating = [s for s in sections if s.findings]
    parts = [f'<div class="part-findings" data-part="{escape(s.anchor)}">'
             f'<h3><a href="#{escape(s.anchor)}">{escape(s.title)}</a></h3>'
             f"<ul>{findings_list_html(s)}</ul></div>" for s in stating]
    silent = [s.title for s in sections if not s.findings]
    if silent:
        parts.append("<p class='caption'>No headline findings stated by: "
                     + ", ".join(escape(t) for t in silent) + ".</p>")
    body = "".join(parts)
    if not stating:
        body = "<p>No section states headline findings.</p>" + body
    return (f'<section id="findings" data-title="Findings first"><h2>Findings first</h2>'
            f"<p class='caption'>Each part's headline results, generated from this run's "
            f"outputs; every item links to the table or figure behind it.</p>{body}</section>")


def run_summary(p: prov.Provenance, code: Callable[[str], str] = str) -> str:
    """The run's identity in one line: version, commit, config files, overrides, params hash;
    ``code`` marks up the literal parts (the page wraps them in ``<code>``)."""
    commit = (f"commit {code(p.commit[:12])}" + (" with uncommitted changes" if p.dirty else "")
              if p.commit else "no git commit")
    files = " + ".join(code(f) for f, _ in p.configfiles) or "no config file"
    over = (" with " + code("--config " + " ".join(f"{k}={v}" for k, v in p.overrides.items()))
            if p.overrides else "")
    return (f"synthvol {__version__} · {commit} · params {files}{over} "
            f"(sha256 {code(p.params_sha256[:12])})")


def run_line(p: prov.Provenance) -> str:
    """One line under the title that tells this run from another."""
    summary = run_summary(p, lambda text: f"<code>{escape(text)}</code>")
    return f"<p class='run'>{summary} · <a href='#provenance'>provenance</a></p>"


def timings_frame(p: prov.Provenance) -> pd.DataFrame:
    """The per-part timing table, with a total row."""
    rows = [{"part": t.part, "jobs": t.jobs, "wall_seconds": t.wall_seconds,
             "cpu_seconds": t.cpu_seconds,
             "slowest_job": f"{t.slowest_rule} ({t.slowest_seconds:.1f} s)"} for t in p.timings]
    rows.append({"part": "all", "jobs": sum(t.jobs for t in p.timings),
                 "wall_seconds": sum(t.wall_seconds for t in p.timings),
                 "cpu_seconds": sum(t.cpu_seconds for t in p.timings), "slowest_job": ""})
    return pd.DataFrame(rows)


def provenance_html(p: prov.Provenance, params_yaml: str, numbers: Numbering) -> str:
    """The provenance section: code, params, software, machine, cost of each part."""
    if p.commit:
        state = {True: "uncommitted changes in the working tree", False: "clean working tree",
                 None: "working tree state unknown"}[p.dirty]
        code = f"<code>{escape(p.commit)}</code> ({escape(p.commit_date or '')}; {state})"
    else:
        code = "not built from a git checkout"
    files = "<br>".join(f"<code>{escape(f)}</code> sha256 <code>{h[:16]}</code>"
                        for f, h in p.configfiles) or "none"
    over = (", ".join(f"<code>{escape(k)}={escape(v)}</code>" for k, v in p.overrides.items())
            if p.overrides else "none")
    versions = ", ".join(f"{escape(k)} {escape(v)}" for k, v in p.versions.items())
    host = "; ".join(f"{escape(k)}: {escape(v)}" for k, v in p.machine.items())
    items = [("Commit", code), ("Config files merged, in order", files),
             ("Command-line overrides", over),
             ("Effective params", f"sha256 <code>{escape(p.params_sha256)}</code>"),
             ("Software", versions), ("Machine that built this page", host)]
    dl = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in items)
    if p.timings:
        number, anchor = numbers.next("table", "provenance-timings")
        timing = table_html(
            timings_frame(p), "Time of each part's jobs, summed from the rules' benchmark "
            "files (logs/benchmarks/<part>/*.tsv, the last run of each job). Jobs run in "
            "parallel, so the sums exceed the elapsed time of the run; CPU time above wall "
            "time means a job used several cores. These files are inputs of this page like "
            "the params: rebuilding from the same outputs and benchmark files gives the same "
            "page byte for byte, and a rerun of a job changes its time here.",
            anchor=anchor, number=number)
    else:
        timing = "<p>No benchmark files were found, so no timings are shown.</p>"
    return (f'<section id="provenance" data-title="Provenance"><h2>Provenance</h2>'
            f"<dl class='provenance'>{dl}</dl>{timing}"
            f"<details><summary>Effective params (after merging the config files)</summary>"
            f"<pre>{escape(params_yaml)}</pre></details></section>")


def render_html(report: Report, report_dir: str | os.PathLike[str] = ".") -> str:
    """The full HTML page: run line, findings, contents, the sections, provenance."""
    sections = [(s.anchor, s.title) for s in report.sections]
    tail = [("provenance", "Provenance")] if report.provenance else []
    toc = "".join(f'<li><a href="#{escape(a)}">{escape(t)}</a></li>'
                  for a, t in [("findings", "Findings first"), *sections, *tail])
    numbers = Numbering()
    body = (f"<h1>{escape(report.title)}</h1>"
            + (run_line(report.provenance) if report.provenance else "")
            + summary_html(report.sections)
            + "<p class='caption'>Every figure and table below is regenerated by "
              "<code>snakemake</code> or <code>dvc repro</code> from <code>params.yaml</code>."
              "</p>"
            + f"<nav><h2>Contents</h2><ul>{toc}</ul></nav>\n"
            + "\n".join(section_html(s, report_dir, numbers) for s in report.sections))
    if report.provenance:
        body += provenance_html(report.provenance, report.params_yaml, numbers)
    return (f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{escape(report.title)}</title><style>{STYLE}</style></head><body>"
            f"{body}</body></html>\n")


def findings_markdown(report: Report) -> str:
    """The README block: which run, then one bullet per part with its sentences."""
    run = run_summary(report.provenance) if report.provenance else "no provenance recorded"
    lines = [f"From `results/report.html` of the run: {run}.", ""]
    stating = [s for s in report.sections if s.findings]
    if not stating:
        lines.append("- The report states no headline findings.")
    for sec in stating:
        lines.append(f"- **{sec.title}**: " + " ".join(f.text for f in sec.findings))
    return "\n".join(lines)


def assemble(section_paths: Sequence[str | os.PathLike[str]],
             params: Mapping[str, Any] | None = None, configfiles: Sequence[str] = (),
             overrides: Mapping[str, Any] | None = None, benchmark_dir: str | None = None,
             title: str = "synthvol study report") -> Report:
    """The report's data: the sections read and validated, the provenance gathered now."""
    dump = yaml.safe_dump(dict(params or {}), sort_keys=False, allow_unicode=True, width=96)
    return Report(title, tuple(load_sections(section_paths)),
                  prov.collect(params or {}, configfiles, overrides, benchmark_dir), dump)


def write_report(section_paths: Sequence[str | os.PathLike[str]], output: str | Path,
                 data_output: str | Path | None = None,
                 params: Mapping[str, Any] | None = None, configfiles: Sequence[str] = (),
                 overrides: Mapping[str, Any] | None = None,
                 benchmark_dir: str | None = None) -> Report:
    """Assemble the report and write the page (and its data as JSON) atomically."""
    report = assemble(section_paths, params, configfiles, overrides, benchmark_dir)
    write_text(render_html(report, Path(output).parent), output)
    if data_output is not None:
        write_text(report_json(report), data_output)
    return report

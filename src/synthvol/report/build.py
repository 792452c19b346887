"""Assemble the parts' section fragments into one self-contained HTML page.

The page opens with the run's identity (commit, config files, params hash) and "Findings
first": every ``<aside class="findings">`` of the fragments (see
:func:`synthvol.report.html.findings_html`), lifted into one summary whose items link to the
tables and figures behind them. Tables and figures are numbered in page order, CSV links are
made relative to the page, and a provenance block closes the page. Nothing depends on the
clock: the same fragments and provenance give the same bytes.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from synthvol import __version__
from synthvol.io import write_text
from synthvol.progress import get_logger
from synthvol.report import provenance as prov
from synthvol.report.html import escape, table_html

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
td.num,td.text{white-space:normal}figure,div.table{break-inside:avoid}nav{display:none}}
"""

_SECTION = re.compile(r'<section id="([^"]+)" data-title="([^"]+)"')
_FINDINGS = re.compile(r'<aside class="findings" data-part="([^"]*)"><ul>(.*?)</ul></aside>',
                       re.DOTALL)
_NUMBERED = re.compile(r"""<(div|figure) class=['"](table|figure)['"]( id=['"][^'"]*['"])?""")
_PLACEHOLDER = re.compile(r'<span class="number" data-kind="(table|figure)"></span>')
_CSV = re.compile(r'<a class="csv" data-src="([^"]*)">')
KIND_NAMES = {"table": "Table", "figure": "Figure"}


@dataclass(frozen=True)
class PartFindings:
    """One part's findings as lifted from its fragment."""

    part: str
    section_id: str
    section_title: str
    items_html: str


def lift_findings(fragments: Sequence[str]) -> list[PartFindings]:
    """Every findings block of the fragments, with the section it stands in."""
    found = []
    for frag in fragments:
        sections = list(_SECTION.finditer(frag))
        for block in _FINDINGS.finditer(frag):
            owner = [s for s in sections if s.start() < block.start()]
            sec = owner[-1] if owner else None
            found.append(PartFindings(block.group(1), sec.group(1) if sec else "",
                                      html.unescape(sec.group(2)) if sec else block.group(1),
                                      block.group(2)))
    return found


def summary_html(findings: Sequence[PartFindings], sections: Sequence[tuple[str, str]]) -> str:
    """The "Findings first" block: each part's headline results, linked to their evidence."""
    parts = []
    for f in findings:
        parts.append(f'<div class="part-findings" data-part="{escape(f.part)}">'
                     f'<h3><a href="#{escape(f.section_id)}">{escape(f.section_title)}</a></h3>'
                     f"<ul>{f.items_html}</ul></div>")
    silent = [title for anchor, title in sections
              if anchor not in {f.section_id for f in findings}]
    if silent:
        parts.append("<p class='caption'>No headline findings stated by: "
                     + ", ".join(escape(t) for t in silent) + ".</p>")
    body = "".join(parts) if findings else "<p>No section states headline findings.</p>" + \
        "".join(parts)
    return (f'<section id="findings" data-title="Findings first"><h2>Findings first</h2>'
            f"<p class='caption'>Each part's headline results, generated from this run's "
            f"outputs; every item links to the table or figure behind it.</p>{body}</section>")


def number_items(page: str) -> str:
    """Number tables and figures in page order and give each without an id one."""
    counters = {"table": 0, "figure": 0}

    def add_id(m: re.Match[str]) -> str:
        counters[m.group(2)] += 1
        if m.group(3):
            return m.group(0)
        return f'{m.group(0)} id="{m.group(2)}-{counters[m.group(2)]}"'

    page = _NUMBERED.sub(add_id, page)
    counters = {"table": 0, "figure": 0}

    def fill(m: re.Match[str]) -> str:
        counters[m.group(1)] += 1
        return f'<span class="number">{KIND_NAMES[m.group(1)]} {counters[m.group(1)]}.</span>'

    return _PLACEHOLDER.sub(fill, page)


def link_csvs(page: str, report_dir: str | os.PathLike[str]) -> str:
    """Turn each table's CSV path into a link relative to the report's folder."""
    def link(m: re.Match[str]) -> str:
        path = html.unescape(m.group(1))
        if not Path(path).exists():
            get_logger("report").warning("table CSV %s does not exist", path)
        rel = Path(os.path.relpath(path, report_dir)).as_posix()
        return f'<a class="csv" href="{escape(rel)}" title="{escape(path)}">'

    return _CSV.sub(link, page)


def run_line(p: prov.Provenance) -> str:
    """One line under the title that tells this run from another."""
    commit = (f"commit <code>{escape(p.commit[:12])}</code>"
              + (" with uncommitted changes" if p.dirty else "") if p.commit
              else "no git commit")
    files = " + ".join(f"<code>{escape(f)}</code>" for f, _ in p.configfiles) or "no config file"
    over = (" with <code>--config " + escape(" ".join(f"{k}={v}" for k, v in
                                                      p.overrides.items())) + "</code>"
            if p.overrides else "")
    return (f"<p class='run'>synthvol {escape(__version__)} · {commit} · params {files}{over}"
            f" (sha256 <code>{p.params_sha256[:12]}</code>) · "
            f"<a href='#provenance'>provenance</a></p>")


def timings_frame(p: prov.Provenance) -> pd.DataFrame:
    """The per-part timing table, with a total row."""
    rows = [{"part": t.part, "jobs": t.jobs, "wall_seconds": t.wall_seconds,
             "cpu_seconds": t.cpu_seconds,
             "slowest_job": f"{t.slowest_rule} ({t.slowest_seconds:.1f} s)"} for t in p.timings]
    rows.append({"part": "all", "jobs": sum(t.jobs for t in p.timings),
                 "wall_seconds": sum(t.wall_seconds for t in p.timings),
                 "cpu_seconds": sum(t.cpu_seconds for t in p.timings), "slowest_job": ""})
    return pd.DataFrame(rows)


def provenance_html(p: prov.Provenance, params: Mapping[str, Any]) -> str:
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
        timing = table_html(
            timings_frame(p), "Time of each part's jobs, summed from the rules' benchmark "
            "files (logs/benchmarks/<part>/*.tsv, the last run of each job). Jobs run in "
            "parallel, so the sums exceed the elapsed time of the run; CPU time above wall "
            "time means a job used several cores. These files are inputs of this page like "
            "the params: rebuilding from the same outputs and benchmark files gives the same "
            "page byte for byte, and a rerun of a job changes its time here.",
            anchor="provenance-timings")
    else:
        timing = "<p>No benchmark files were found, so no timings are shown.</p>"
    dump = yaml.safe_dump(dict(params), sort_keys=False, allow_unicode=True, width=96)
    return (f'<section id="provenance" data-title="Provenance"><h2>Provenance</h2>'
            f"<dl class='provenance'>{dl}</dl>{timing}"
            f"<details><summary>Effective params (after merging the config files)</summary>"
            f"<pre>{escape(dump)}</pre></details></section>")


def render_report(fragments: Sequence[str], provenance: prov.Provenance | None = None,
                  params: Mapping[str, Any] | None = None, report_dir: str = ".",
                  title: str = "synthvol study report") -> str:
    """The full HTML page: run line, findings, contents, the fragments, provenance."""
    sections = [(m.group(1), html.unescape(m.group(2)))
                for frag in fragments for m in _SECTION.finditer(frag)]
    head_sections = [("findings", "Findings first")]
    tail_sections = [("provenance", "Provenance")] if provenance else []
    toc = "".join(f'<li><a href="#{escape(a)}">{escape(t)}</a></li>'
                  for a, t in head_sections + sections + tail_sections)
    top = (f"<h1>{escape(title)}</h1>" + (run_line(provenance) if provenance else "")
           + summary_html(lift_findings(fragments), sections)
           + "<p class='caption'>Every figure and table below is regenerated by "
             "<code>snakemake</code> or <code>dvc repro</code> from <code>params.yaml</code>."
             "</p>"
           + f"<nav><h2>Contents</h2><ul>{toc}</ul></nav>\n")
    body = top + "\n".join(fragments)
    if provenance:
        body += provenance_html(provenance, params or {})
    body = link_csvs(number_items(body), report_dir)
    return (f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
            f"{body}</body></html>\n")


def write_report(section_paths: Sequence[str | Path], output: str | Path,
                 params: Mapping[str, Any] | None = None, configfiles: Sequence[str] = (),
                 overrides: Mapping[str, Any] | None = None,
                 benchmark_dir: str | None = None) -> None:
    """Read the section fragments, gather the provenance and write the page atomically."""
    fragments = [Path(p).read_text(encoding="utf-8") for p in section_paths]
    facts = prov.collect(params or {}, configfiles, overrides, benchmark_dir)
    page = render_report(fragments, facts, params, report_dir=str(Path(output).parent))
    write_text(page, output)

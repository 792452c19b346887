"""Copy the report's findings into the README, so its numbers are never typed by hand.

    python -m synthvol.report.readme [results/report.html] [README.md]

replaces the lines between the README's ``<!-- findings:begin ... -->`` and
``<!-- findings:end -->`` markers with the report's "Findings first" summary and the line
that identifies the run (commit, config files, params hash).
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

from synthvol.errors import SynthvolError
from synthvol.io import write_text

BEGIN = ("<!-- findings:begin (generated from results/report.html by "
         "`python -m synthvol.report.readme`; do not edit by hand) -->")
END = "<!-- findings:end -->"
_PART = re.compile(r'<div class="part-findings" data-part="[^"]*"><h3><a href="#[^"]*">'
                   r"(.*?)</a></h3><ul>(.*?)</ul></div>", re.DOTALL)
_ITEM = re.compile(r"<li>(.*?)</li>", re.DOTALL)
_RUN = re.compile(r"<p class='run'>(.*?)</p>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def _text(fragment: str) -> str:
    return html.unescape(_TAG.sub("", fragment)).strip()


def report_findings(page: str) -> tuple[str, list[tuple[str, list[str]]]]:
    """The run line and each part's (title, sentences) from a built report page."""
    run = _RUN.search(page)
    if run is None:
        raise SynthvolError("report page has no run line: is it built by synthvol.report.build?")
    run_text = _text(run.group(1)).removesuffix("· provenance").strip(" ·")
    parts = [(_text(m.group(1)), [_text(i) for i in _ITEM.findall(m.group(2))])
             for m in _PART.finditer(page)]
    return run_text, parts


def findings_markdown(page: str) -> str:
    """The README block: which run, then one bullet per part with its sentences."""
    run, parts = report_findings(page)
    lines = [f"From `results/report.html` of the run: {run}.", ""]
    if not parts:
        lines.append("- The report states no headline findings.")
    for title, sentences in parts:
        lines.append(f"- **{title}**: " + " ".join(sentences))
    return "\n".join(lines)


def update_readme(report: str | Path, readme: str | Path) -> bool:
    """Rewrite the README's findings block from the report; True if the text changed."""
    text = Path(readme).read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise SynthvolError(f"{readme}: no findings markers ({BEGIN!r} ... {END!r})")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    block = findings_markdown(Path(report).read_text(encoding="utf-8"))
    new = f"{head}{BEGIN}\n{block}\n{END}{tail}"
    if new != text:
        write_text(new, readme)
    return new != text


def main(argv: list[str] | None = None) -> int:
    """Command line: ``[report] [readme]``, defaulting to the repository's paths."""
    args = sys.argv[1:] if argv is None else argv
    report = args[0] if args else "results/report.html"
    readme = args[1] if len(args) > 1 else "README.md"
    try:
        changed = update_readme(report, readme)
    except (SynthvolError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{readme}: findings {'updated' if changed else 'already current'} from {report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Copy the report's findings into the README, so its numbers are never typed by hand.

    python -m synthvol.report.readme [results/report.json] [README.md]

replaces the lines between the README's ``<!-- findings:begin ... -->`` and
``<!-- findings:end -->`` markers with the findings of the report's data
(``results/report.json``, written by the report rule with ``results/report.html`` and
rendered by the same code) and the line that identifies the run.
"""

from __future__ import annotations

import sys
from pathlib import Path

from synthvol.errors import SynthvolError
from synthvol.io import write_text
from synthvol.report.render import findings_markdown, load_report

BEGIN = ("<!-- findings:begin (generated from results/report.html by "
         "`python -m synthvol.report.readme`; do not edit by hand) -->")
END = "<!-- findings:end -->"


def update_readme(report: str | Path, readme: str | Path) -> bool:
    """Rewrite the README's findings block from the report's data; True if the text changed."""
    text = Path(readme).read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        raise SynthvolError(f"{readme}: no findings markers ({BEGIN!r} ... {END!r})")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    block = findings_markdown(load_report(report))
    new = f"{head}{BEGIN}\n{block}\n{END}{tail}"
    if new != text:
        write_text(new, readme)
    return new != text


def main(argv: list[str] | None = None) -> int:
    """Command line: ``[report.json] [readme]``, defaulting to the repository's paths."""
    args = sys.argv[1:] if argv is None else argv
    report = args[0] if args else "results/report.json"
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

"""The DVC stages of dvc.yaml, one per part of the study: run one, check that they cover all.

``python -m synthvol.dvcparts run STAGE TARGET...`` (each stage's ``cmd``) runs Snakemake with
every core on the part's targets, so Snakemake decides which jobs rerun. Snakemake reruns a
job when its inputs, params, rule or script changed, not when a package module its script
imports changed; so when a package folder among the stage's deps changed since the stage's
last run, the rules of that part are forced (``--forcerun``).

``python -m synthvol.dvcparts check`` (``make dvc-check``) asks Snakemake, through its command
line (``--detailed-summary``), for every output of the default target and the rule that
makes it, and fails when an output lies in no stage's ``outs``, or when the rule file or
script of a rule is not a dep of the stage holding its outputs: DVC would then neither
version that output nor rerun its part when that code changes.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from synthvol.config import REPO_ROOT

RULE_FILES = ("Snakefile", "workflow/rules")
#: Where each stage's package-code digests after its last run are kept (not data: no DVC).
STAMPS = Path(".snakemake") / "synthvol-dvc"
_RULE = re.compile(r"^(?:rule|checkpoint) (\w+):", re.M)
_SCRIPT = re.compile(r"^\s+script:\s*\n\s+\"([^\"]+)\"", re.M)


def _paths(entries: Iterable[str | Mapping[str, Any]]) -> list[str]:
    """The paths of a stage's ``deps``/``outs`` list (a path, or ``{path: options}``)."""
    return [entry if isinstance(entry, str) else next(iter(entry)) for entry in entries]


def stages(repo: Path = REPO_ROOT) -> dict[str, dict[str, list[str]]]:
    """Each stage's dep and out paths (metrics count as outs)."""
    document = yaml.safe_load((repo / "dvc.yaml").read_text(encoding="utf-8"))
    return {name: {"deps": _paths(stage.get("deps", [])),
                   "outs": _paths([*stage.get("outs", []), *stage.get("metrics", [])])}
            for name, stage in document["stages"].items()}


def _within(path: str, folders: Iterable[str]) -> bool:
    return any(path == f or path.startswith(f.rstrip("/") + "/") for f in folders)


def owner(path: str, stage_map: Mapping[str, Mapping[str, list[str]]]) -> str | None:
    """The stage whose ``outs`` hold ``path`` (the file or a folder above it), if any."""
    for name, stage in stage_map.items():
        if _within(path, stage["outs"]):
            return name
    return None


def workflow_outputs(repo: Path = REPO_ROOT, args: Sequence[str] = ()) -> dict[str, str]:
    """Every output of the default target -> its rule (``snakemake --detailed-summary``)."""
    done = subprocess.run([sys.executable, "-m", "snakemake", "--detailed-summary", "--nolock",
                           "--quiet", *args], cwd=repo, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"snakemake --detailed-summary failed: {done.stderr.strip()[-2000:]}")
    rows = csv.DictReader(done.stdout.splitlines(), delimiter="\t")
    return {row["output_file"]: row["rule"] for row in rows}


def rule_sources(repo: Path = REPO_ROOT) -> dict[str, list[str]]:
    """Rule -> the file that defines it and its script (repository-relative paths)."""
    files = [repo / RULE_FILES[0], *sorted((repo / RULE_FILES[1]).glob("*.smk"))]
    sources: dict[str, list[str]] = {}
    for path in files:
        text = path.read_text(encoding="utf-8")
        starts = [(m.start(), m.group(1)) for m in _RULE.finditer(text)] + [(len(text), "")]
        for (start, rule), (end, _) in zip(starts, starts[1:]):
            found = [path.relative_to(repo).as_posix()]
            script = _SCRIPT.search(text, start, end)
            if script:
                found.append((path.parent / script.group(1)).resolve()
                             .relative_to(repo.resolve()).as_posix())
            sources[rule] = found
    return sources


def problems(repo: Path = REPO_ROOT, outputs: Mapping[str, str] | None = None) -> list[str]:
    """What dvc.yaml misses of the workflow, one line each (none when it covers it)."""
    stage_map = stages(repo)
    outputs = workflow_outputs(repo) if outputs is None else outputs
    sources = rule_sources(repo)
    found, checked = [], set()
    for output, rule in sorted(outputs.items()):
        stage = owner(output, stage_map)
        if stage is None:
            found.append(f"dvc.yaml: {output} (rule {rule}) is in no stage's outs")
            continue
        for source in sources.get(rule, []):
            if (stage, source) not in checked and source not in stage_map[stage]["deps"]:
                found.append(f"dvc.yaml: stage {stage} holds the outputs of rule {rule} "
                             f"but not its code {source} in its deps")
            checked.add((stage, source))
    return found


def code_digests(stage: str, repo: Path = REPO_ROOT) -> dict[str, str]:
    """sha256 of each package folder or module among the stage's deps (``src/...``)."""
    digests = {}
    for dep in stages(repo)[stage]["deps"]:
        path = repo / dep
        if not dep.startswith("src/") or not path.exists():
            continue
        files = sorted(f for f in ([path] if path.is_file() else path.rglob("*"))
                       if f.is_file() and "__pycache__" not in f.parts)
        digest = hashlib.sha256()
        for file in files:
            digest.update(file.relative_to(repo).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(file.read_bytes()).digest())
        digests[dep] = digest.hexdigest()
    return digests


def forced_rules(stage: str, changed: Iterable[str], repo: Path = REPO_ROOT) -> list[str]:
    """The rules to force after ``changed`` package deps of a stage changed.

    A folder ``src/synthvol/<part>`` forces the rules of ``workflow/rules/<part>.smk`` when
    the stage lists that file, else every rule of the stage's rule files.
    """
    deps = stages(repo)[stage]["deps"]
    rule_files = [dep for dep in deps if dep.endswith(".smk") or dep == RULE_FILES[0]]
    chosen: set[str] = set()
    for dep in changed:
        own = f"workflow/rules/{Path(dep).stem}.smk"
        chosen.update([own] if own in rule_files else rule_files)
    return sorted(rule for rule, found in rule_sources(repo).items() if found[0] in chosen)


def _stamp(stage: str, repo: Path) -> Path:
    return repo / STAMPS / f"{stage}.json"


def run_stage(stage: str, targets: Sequence[str], repo: Path = REPO_ROOT) -> int:
    """Snakemake on ``targets`` with every core, forcing the rules of changed package code.

    The package code's digests after the stage's last successful run are kept in
    :data:`STAMPS`; without them (the stage never ran through DVC here) the code is taken to
    be what made the outputs.
    """
    digests = code_digests(stage, repo)
    stamp = _stamp(stage, repo)
    recorded = json.loads(stamp.read_text()) if stamp.is_file() else None
    changed = [dep for dep, digest in digests.items()
               if recorded is not None and recorded.get(dep, digest) != digest]
    args = [sys.executable, "-m", "snakemake", "--cores", "all", *targets]
    forced = forced_rules(stage, changed, repo) if changed else []
    if forced:
        print(f"{stage}: package code changed ({', '.join(changed)}); forcing "
              f"{' '.join(forced)}", file=sys.stderr, flush=True)
        args += ["--forcerun", *forced]
    code = subprocess.run(args, cwd=repo).returncode
    if code == 0 and digests != recorded:
        from synthvol.io import write_json  # imports pandas: only when there is news

        write_json(digests, stamp)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m synthvol.dvcparts check`` or ``run STAGE [TARGET...]``."""
    parser = argparse.ArgumentParser(prog="python -m synthvol.dvcparts",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--repo", type=Path, default=Path.cwd(),
                        help="the repository (default: the current folder, as DVC runs stages)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check", help="exit 1 listing what dvc.yaml misses of the workflow")
    run = commands.add_parser("run", help="run one stage's part through Snakemake")
    run.add_argument("stage")
    run.add_argument("targets", nargs="*")
    args = parser.parse_args(argv)
    if args.command == "run":
        return run_stage(args.stage, args.targets, args.repo)
    found = problems(args.repo)
    for line in found:
        print(line, file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

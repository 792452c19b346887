"""The report as data: what each part's section rule writes and the renderer reads.

A :class:`Section` holds a part's headline findings and its blocks in page order —
paragraphs, notes, tables (typed columns and rows, the CSV behind them) and figures (PNG
path and its SHA-256, so the section's JSON changes whenever a figure does). Sections are
written as JSON (:func:`save_section`) and read back with validation (:func:`load_section`):
a malformed file fails with one line naming the file and the key.
:mod:`synthvol.report.render` turns them into ``report.html`` and the README's findings.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

import numpy as np
import pandas as pd

from synthvol.errors import SynthvolError
from synthvol.io import write_text

#: Version of the JSON layout; a reader refuses files of another.
FORMAT = 1
#: How a table's best value is chosen, and how the page says it.
BEST_RULES = {"min": "lowest", "max": "highest", "abs_min": "closest to zero"}
#: Column kinds of a :class:`Table` and the pandas dtype each is rebuilt as.
KINDS = {"bool": "bool", "int": "int64", "nullable_int": "Int64", "float": "float64",
         "text": "object"}


class ReportDataError(SynthvolError):
    """A section or report JSON file that does not match the model."""


@dataclass(frozen=True)
class Finding:
    """One headline sentence and the id of the table or figure behind it."""

    text: str
    target: str


@dataclass(frozen=True)
class Paragraph:
    """Plain text."""

    text: str


@dataclass(frozen=True)
class Note:
    """Highlighted prose: paragraphs, then an optional bulleted list."""

    paragraphs: tuple[str, ...]
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class Column:
    """A shown column: its name (the CSV's), kind (one of :data:`KINDS`) and an optional
    header that replaces the registry's label (:mod:`synthvol.report.labels`)."""

    name: str
    kind: str
    label: str | None = None


@dataclass(frozen=True)
class Table:
    """A captioned table: typed columns, rows of JSON values (None: missing), the CSV it
    comes from (relative to the workflow's directory), its id, the number format and the
    columns whose best value is marked ("min", "max" or "abs_min")."""

    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    anchor: str | None = None
    csv: str | None = None
    float_format: str | None = None
    best: dict[str, str] = field(default_factory=dict)

    def frame(self) -> pd.DataFrame:
        """The rows as a data frame with each column's dtype."""
        data = {}
        for i, col in enumerate(self.columns):
            values = [row[i] for row in self.rows]
            if col.kind == "float":
                values = [math.nan if v is None else float(v) for v in values]
            data[col.name] = pd.Series(values, dtype=KINDS[col.kind])
        return pd.DataFrame(data, columns=[c.name for c in self.columns])

    def labels(self) -> dict[str, str]:
        """The header overrides, by column name."""
        return {c.name: c.label for c in self.columns if c.label is not None}


@dataclass(frozen=True)
class Figure:
    """A PNG file with its caption, its id and the SHA-256 of its bytes."""

    path: str
    caption: str
    sha256: str
    anchor: str | None = None


Block = Union[Paragraph, Note, Table, Figure]  # noqa: UP007 (a runtime value, read by _build)
BLOCK_KINDS: dict[str, type] = {"paragraph": Paragraph, "note": Note, "table": Table,
                                "figure": Figure}


@dataclass(frozen=True)
class Section:
    """One part of the study as the report shows it."""

    anchor: str
    title: str
    findings: tuple[Finding, ...]
    blocks: tuple[Block, ...]


# --- building from the parts' data ---------------------------------------------------------

def _kind(column: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(column):
        return "bool"
    if pd.api.types.is_integer_dtype(column):
        return "nullable_int" if isinstance(column.dtype, pd.api.extensions.ExtensionDtype) \
            else "int"
    if pd.api.types.is_float_dtype(column):
        return "float"
    return "text"


def _value(value: Any) -> Any:
    """A cell as a JSON value: None for missing, ±inf as text, numpy scalars unwrapped."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, (str, bool, int, float)):
        return value
    return str(value)                           # dates and other objects: as the page shows


def table(frame: pd.DataFrame, caption: str = "", float_format: str | None = None,
          index: bool = False, *, anchor: str | None = None,
          best: Mapping[str, str] | None = None, csv: str | os.PathLike[str] | None = None,
          labels: Mapping[str, str] | None = None) -> Table:
    """A table from a data frame (flattened column names; ``index`` keeps the index)."""
    data = frame.reset_index() if index else frame.reset_index(drop=True)
    names = [" ".join(map(str, c)).strip() if isinstance(c, tuple) else str(c)
             for c in data.columns]
    missing = [c for c in [*(best or {}), *(labels or {})] if c not in names]
    if missing:
        raise ValueError(f"table has no column {missing[0]!r} (columns: {names})")
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValueError(f"table has column {twice[0]!r} twice (columns: {names})")
    wrong = [r for r in (best or {}).values() if r not in BEST_RULES]
    if wrong:
        raise ValueError(f"best rule '{wrong[0]}' is not one of {sorted(BEST_RULES)}")
    kinds = [_kind(data.iloc[:, i]) for i in range(len(names))]
    columns = tuple(Column(n, k, (labels or {}).get(n)) for n, k in zip(names, kinds))
    rows = tuple(tuple(_value(data.iat[r, i]) for i in range(len(names)))
                 for r in range(len(data)))
    return Table(caption, columns, rows, anchor, None if csv is None else Path(csv).as_posix(),
                 float_format, dict(best or {}))


def figure(path: str | os.PathLike[str], caption: str = "", anchor: str | None = None
           ) -> Figure:
    """A figure from a PNG file written by a rule."""
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return Figure(Path(path).as_posix(), caption, digest, anchor)


def paragraph(text: str) -> Paragraph:
    """A paragraph of plain text."""
    return Paragraph(text)


def note(paragraphs: Iterable[str], items: Iterable[str] = ()) -> Note:
    """A highlighted note."""
    return Note(tuple(paragraphs), tuple(items))


def section(anchor: str, title: str, blocks: Iterable[Block],
            findings: Iterable[tuple[str, str]] = ()) -> Section:
    """A section from its blocks and its (sentence, target id) findings."""
    return Section(anchor, title, tuple(Finding(text, target) for text, target in findings),
                   tuple(blocks))


# --- JSON ------------------------------------------------------------------------------------

def to_data(obj: Any) -> Any:
    """A model object as plain JSON data; each block carries its ``kind``."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        data = {f.name: to_data(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        kind = next((k for k, cls in BLOCK_KINDS.items() if isinstance(obj, cls)), None)
        return {"kind": kind, **data} if kind else data
    if isinstance(obj, (list, tuple)):
        return [to_data(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): to_data(v) for k, v in obj.items()}
    return obj


def from_data(hint: Any, data: Any, where: str) -> Any:
    """``data`` checked against the type ``hint`` and built into it (dataclasses, lists,
    tuples, mappings, optional and block unions, scalars); ``where`` names the key."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        if not (data is None or isinstance(data, (str, int, float, bool))):
            raise ReportDataError(f"{where}: expected a number, text, true/false or null")
        return data
    if origin in (Union, types.UnionType):
        if data is None and type(None) in args:
            return None
        if all(dataclasses.is_dataclass(a) for a in args):           # a block
            kind = data.get("kind") if isinstance(data, dict) else None
            if kind not in BLOCK_KINDS:
                raise ReportDataError(f"{where}.kind: expected one of {sorted(BLOCK_KINDS)}, "
                                      f"got {kind!r}")
            return from_data(BLOCK_KINDS[kind], {k: v for k, v in data.items() if k != "kind"},
                          where)
        return from_data(next(a for a in args if a is not type(None)), data, where)
    if origin in (tuple, list):
        if not isinstance(data, list):
            raise ReportDataError(f"{where}: expected a list, got {type(data).__name__}")
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            if len(data) != len(args):
                raise ReportDataError(f"{where}: expected {len(args)} items, got {len(data)}")
            return tuple(from_data(a, v, f"{where}[{i}]")
                         for i, (a, v) in enumerate(zip(args, data)))
        items = [from_data(args[0], v, f"{where}[{i}]") for i, v in enumerate(data)]
        return tuple(items) if origin is tuple else items
    if origin is dict:
        if not isinstance(data, dict):
            raise ReportDataError(f"{where}: expected a mapping, got {type(data).__name__}")
        return {str(k): from_data(args[1], v, f"{where}.{k}") for k, v in data.items()}
    if dataclasses.is_dataclass(hint):
        if not isinstance(data, dict):
            raise ReportDataError(f"{where}: expected a mapping, got {type(data).__name__}")
        fields = {f.name: f for f in dataclasses.fields(hint)}
        unknown = sorted(set(data) - set(fields))
        if unknown:
            raise ReportDataError(f"{where}.{unknown[0]}: unknown key")
        hints = typing.get_type_hints(hint)
        values = {}
        for name, f in fields.items():
            if name not in data:
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                    raise ReportDataError(f"{where}.{name}: missing")
                continue
            values[name] = from_data(hints[name], data[name], f"{where}.{name}")
        return hint(**values)
    if hint is float:
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            raise ReportDataError(f"{where}: expected a number, got {data!r}")
        return float(data)
    if not isinstance(data, hint) or (hint is int and isinstance(data, bool)):
        raise ReportDataError(f"{where}: expected {hint.__name__}, got {data!r}")
    return data


def _check_table(t: Table, where: str) -> None:
    names = [c.name for c in t.columns]
    if len(set(names)) < len(names):
        raise ReportDataError(f"{where}.columns: a column name appears twice")
    for i, col in enumerate(t.columns):
        if col.kind not in KINDS:
            raise ReportDataError(f"{where}.columns[{i}].kind: expected one of {sorted(KINDS)}, "
                                  f"got {col.kind!r}")
    for r, row in enumerate(t.rows):
        if len(row) != len(names):
            raise ReportDataError(f"{where}.rows[{r}]: {len(row)} values for {len(names)} "
                                  "columns")
    for name, rule in t.best.items():
        if name not in names:
            raise ReportDataError(f"{where}.best.{name}: no such column")
        if rule not in BEST_RULES:
            raise ReportDataError(f"{where}.best.{name}: expected one of {sorted(BEST_RULES)}, "
                                  f"got {rule!r}")
    try:
        t.frame()
    except (TypeError, ValueError) as exc:
        raise ReportDataError(f"{where}.rows: values do not fit the column kinds ({exc})"
                              ) from None


def section_from_data(data: dict[str, Any], where: str) -> Section:
    """A validated :class:`Section` from JSON data; errors name ``where`` and the key."""
    if data.get("format") != FORMAT:
        raise ReportDataError(f"{where}.format: expected {FORMAT}, got {data.get('format')!r}")
    built = from_data(Section, {k: v for k, v in data.items() if k != "format"}, where)
    check_section(built, where)
    return built


def check_section(sec: Section, where: str) -> None:
    """Each table's rows fit its columns; each finding names a table or figure of the section."""
    for i, block in enumerate(sec.blocks):
        if isinstance(block, Table):
            _check_table(block, f"{where}.blocks[{i}]")
    anchors = {b.anchor for b in sec.blocks if isinstance(b, (Table, Figure)) and b.anchor}
    for i, finding in enumerate(sec.findings):
        if finding.target not in anchors:
            raise ReportDataError(f"{where}.findings[{i}].target: {finding.target!r} is the id "
                                  "of no table or figure of this section")


def load_json(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A JSON file's top-level mapping; unreadable or malformed files name themselves."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ReportDataError(f"{path}: not JSON ({exc})") from None
    except OSError as exc:
        raise ReportDataError(f"{path}: cannot be read ({exc.strerror})") from None
    if not isinstance(data, dict):
        raise ReportDataError(f"{path}: expected a mapping at the top")
    return data


def section_json(sec: Section) -> str:
    """The JSON text of a section (stable key order, so equal sections give equal bytes)."""
    return json.dumps({"format": FORMAT, **to_data(sec)}, indent=1, ensure_ascii=False,
                      allow_nan=False) + "\n"


def save_section(sec: Section, path: str | os.PathLike[str]) -> None:
    """Write a section's JSON atomically."""
    write_text(section_json(sec), path)


def load_section(path: str | os.PathLike[str]) -> Section:
    """Read and validate a section's JSON file."""
    return section_from_data(load_json(path), str(path))


def load_sections(paths: Sequence[str | os.PathLike[str]]) -> list[Section]:
    """Read several sections, in order."""
    return [load_section(p) for p in paths]

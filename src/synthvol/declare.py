"""Typed declarations of hyper-parameters: each one's type, range and doc stated once.

A declaration is a frozen dataclass whose fields are made with :func:`param`::

    @dataclass(frozen=True)
    class CVAESettings:
        latent_dim: int = param("dimension of z", ge=1)
        sample_from: Literal["likelihood", "mean"] = param("draw x from p(x|z,c) or its mean")

The field's annotation is its type (``int``, ``float``, ``bool``, ``str``, a ``Literal`` of
choices, ``list[...]``, another declaration for a nested section, any of them ``| None``);
:func:`param` gives its bounds and one-line doc, and no default: the study's value lives in
params.yaml. From the declarations come

* the JSON schema of their params sections (:func:`json_schema`), written to
  ``workflow/schemas/declared.schema.yaml`` by ``python -m synthvol.declare --write`` and
  referenced from the part schemas by ``$ref``; a test fails when that file drifts from the
  declarations;
* the objects the components take (:func:`build`), built from a params section after it was
  validated against that schema, so the components re-check nothing.

Which declarations exist is read from the registries (:mod:`synthvol.registry`: an entry's
``settings``) plus :data:`SECTIONS`; each is named by the dotted params key of its section.
Cross-field checks live in
:data:`synthvol.config.CONSTRAINTS`.

Frozen dataclasses rather than pydantic: the study already validates its params with
``jsonschema`` (one validator, one error format naming the dotted key), and a declaration
only has to state the facts the schema is generated from; pydantic would be a second
validator with its own messages for the same keys.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import sys
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml

from synthvol import registry
from synthvol.errors import ConfigError

#: Where the generated schema lives (referenced as ``declared.schema.yaml#/$defs/<params key>``).
SCHEMA_FILE = Path(__file__).resolve().parents[2] / "workflow" / "schemas" / "declared.schema.yaml"

#: Declarations of params sections outside the registries: schema name -> "module:Class".
SECTIONS: dict[str, str] = {
    "evaluation.headline": "synthvol.evaluation.twosample:HeadlineSettings",
    "evaluation.stocks.scores": "synthvol.evaluation.scores:ScoreSettings",
    "forecast.brown": "synthvol.forecast.brown:BrownSettings",
    "sv": "synthvol.sv.design:SVDesign",
}

_BOUNDS = {"ge": "minimum", "gt": "exclusiveMinimum", "le": "maximum", "lt": "exclusiveMaximum"}


def param(doc: str, *, ge: float | None = None, gt: float | None = None,
          le: float | None = None, lt: float | None = None, smoke: Any = None) -> Any:
    """A declared field: its one-line ``doc`` and bounds (``ge``/``gt``/``le``/``lt``; for a
    list they bound each item). No default: the value comes from params.yaml.

    ``smoke`` is, for a size (widths, epochs, steps), the value at which the component runs
    in about a second: the tests' smoke size (:func:`smoke_values`), stated beside the field
    so a new component brings its own and no test table repeats the sizes.
    """
    bounds = {key: value for key, value in (("ge", ge), ("gt", gt), ("le", le), ("lt", lt))
              if value is not None}
    return dataclasses.field(metadata={"doc": doc, "bounds": bounds, "smoke": smoke})


def _type_schema(annotation: Any, bounds: Mapping[str, float]) -> dict[str, Any]:
    """The JSON schema of one annotation (``X | None`` allows null)."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        if len(inner) != 1 or len(args) != 2:
            raise TypeError(f"only 'X | None' unions are declared, not {annotation}")
        schema = _type_schema(inner[0], bounds)
        if "enum" in schema:
            return {**schema, "enum": [*schema["enum"], None]}
        if "type" in schema:
            return {**schema, "type": [schema["type"], "null"]}
        return {"anyOf": [schema, {"type": "null"}]}
    if origin is Literal:
        return {"enum": list(args)}
    if origin is list:
        return {"type": "array", "minItems": 1, "items": _type_schema(args[0], bounds)}
    if dataclasses.is_dataclass(annotation):
        return json_schema(annotation)
    names = {bool: "boolean", int: "integer", float: "number", str: "string"}
    if annotation not in names:
        raise TypeError(f"cannot declare a field of type {annotation!r}")
    schema: dict[str, Any] = {"type": names[annotation]}
    if annotation in (int, float):
        schema.update({_BOUNDS[key]: value for key, value in bounds.items()})
    return schema


def json_schema(cls: type) -> dict[str, Any]:
    """The JSON schema of declaration ``cls``: an object with exactly its fields, each
    required, typed, bounded and described."""
    hints = typing.get_type_hints(cls)
    properties = {}
    for field in dataclasses.fields(cls):
        if "doc" not in field.metadata:
            raise TypeError(f"{cls.__name__}.{field.name} is not declared with param()")
        schema = _type_schema(hints[field.name], field.metadata["bounds"])
        properties[field.name] = {**schema, "description": field.metadata["doc"]}
    return {"type": "object", "additionalProperties": False,
            "required": list(properties), "properties": properties}


def build(cls: type, values: Mapping[str, Any], section: str) -> Any:
    """Declaration ``cls`` from the params ``section`` mapping (nested declarations too).

    ``values`` is checked against ``cls``'s schema and the cross-field
    :data:`~synthvol.config.CONSTRAINTS` within ``section`` first, so a hand-built mapping (a
    test, a benchmark, a merged override) fails with the same one-line error naming
    ``section.key`` as params.yaml does.
    """
    from synthvol.config import check_constraints, validate_against  # config imports this

    validate_against(json_schema(cls), values, section)
    check_constraints(values, section)
    return _construct(cls, values)


def _value(annotation: Any, value: Any) -> Any:
    """``value`` as the declared type: a nested declaration built, a list as a tuple, a number
    as the declared ``int`` or ``float`` (YAML reads ``1`` as an int and the schema takes it
    for a number: the component still computes with the declared type)."""
    if value is None:
        return None
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        annotation = next(a for a in typing.get_args(annotation) if a is not type(None))
    if dataclasses.is_dataclass(annotation):
        return _construct(annotation, value)
    if typing.get_origin(annotation) is list:
        return tuple(_value(typing.get_args(annotation)[0], v) for v in value)
    if annotation in (int, float):
        return annotation(value)
    return value


def _construct(cls: type, values: Mapping[str, Any]) -> Any:
    hints = typing.get_type_hints(cls)
    return cls(**{field.name: _value(hints[field.name], values[field.name])
                  for field in dataclasses.fields(cls)})


def smoke_values(cls: type) -> dict[str, Any]:
    """The fields of declaration ``cls`` that state a smoke size (:func:`param`'s ``smoke``),
    with it: merged over the study's values, the component runs in about a second."""
    return {field.name: field.metadata["smoke"] for field in dataclasses.fields(cls)
            if field.metadata.get("smoke") is not None}


def as_params(settings: Any) -> dict[str, Any]:
    """The params mapping a declaration was built from (tuples back to lists): what a
    checkpoint stores to rebuild it."""
    def plain(value: Any) -> Any:
        if isinstance(value, tuple):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    return plain(dataclasses.asdict(settings))


#: Where a registry kind's declared sections sit in params.yaml.
KIND_SECTIONS = {"generators": "generators.models", "baselines": "baselines"}
#: The kinds whose section holds nothing but one block per entry, so the generated schema
#: states the section whole (``baselines`` also holds n_paths, horizon, ...: hand-written).
WHOLE_SECTIONS = ("generators",)


def declarations() -> dict[str, type]:
    """Every declaration by the dotted params key of its section (``generators.models.cvae``):
    the registries' entries that declare settings, then :data:`SECTIONS`."""
    found = {f"{KIND_SECTIONS[kind]}.{name}": item.declaration()
             for kind, entries in registry.REGISTRIES.items()
             for name, item in entries.items() if item.settings}
    return {**found, **{name: registry.import_target(target)
                        for name, target in SECTIONS.items()}}


def study_settings(key: str) -> Any:
    """The declaration of params key ``key`` (``baselines.ar``) built from the shipped
    params.yaml: the study's settings, for tests and benchmarks."""
    from synthvol.config import study_defaults

    return build(declarations()[key], study_defaults(key), key)


def schema_document() -> dict[str, Any]:
    """The generated schema file: one ``$defs`` entry per declaration, named by its params key,
    plus for each of :data:`WHOLE_SECTIONS` its section (every entry's settings, required;
    ``generators.models``) and ``<section>.overrides`` (any entries, any keys)."""
    defs = {name: json_schema(cls) for name, cls in declarations().items()}
    for kind in WHOLE_SECTIONS:
        names = [name for name, item in registry.REGISTRIES[kind].items() if item.settings]
        section = KIND_SECTIONS[kind]
        defs[section] = {"type": "object", "additionalProperties": False, "required": names,
                         "properties": {n: {"$ref": f"#/$defs/{section}.{n}"} for n in names}}
        defs[f"{section}.overrides"] = {
            "type": "object", "additionalProperties": False,
            "properties": {n: {k: copy.deepcopy(v) for k, v in defs[f"{section}.{n}"].items()
                               if k != "required"} for n in names}}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "description": "GENERATED by python -m synthvol.declare --write from the typed "
                           "declarations (synthvol.declare); do not edit",
            "$defs": defs}


def render() -> str:
    """The text of :data:`SCHEMA_FILE` as the declarations give it."""
    return yaml.safe_dump(schema_document(), sort_keys=False, allow_unicode=True, width=100)


#: The generated configuration reference (``--docs``; ``make docs``).
DOCS_FILE = SCHEMA_FILE.parents[2] / "docs" / "parameters.md"


def _type_text(annotation: Any) -> str:
    """An annotation as the reference writes it (``int or null``, ``cpu | reference``)."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        inner = next(a for a in args if a is not type(None))
        return f"{_type_text(inner)} or null"
    if origin is Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin is list:
        return f"list of {_type_text(args[0])}"
    if dataclasses.is_dataclass(annotation):
        return "section"
    return annotation.__name__


def _range_text(bounds: Mapping[str, float]) -> str:
    """Bounds as an interval (``[0, 1)``) or one side (``≥ 1``); empty when unbounded."""
    low = next(((k, v) for k, v in bounds.items() if k in ("ge", "gt")), None)
    high = next(((k, v) for k, v in bounds.items() if k in ("le", "lt")), None)
    if low and high:
        return (f"{'[' if low[0] == 'ge' else '('}{low[1]:g}, "
                f"{high[1]:g}{']' if high[0] == 'le' else ')'}")
    side = low or high
    signs = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<"}
    return f"{signs[side[0]]} {side[1]:g}" if side else ""


def _value_text(value: Any) -> str:
    return "`" + json.dumps(value, ensure_ascii=False) + "`"


def _rows(cls: type, values: Mapping[str, Any] | None, prefix: str) -> list[str]:
    """Table rows of declaration ``cls`` (nested sections flattened to dotted keys)."""
    hints, rows = typing.get_type_hints(cls), []
    for field in dataclasses.fields(cls):
        annotation = hints[field.name]
        value = None if values is None else values.get(field.name)
        key, doc = f"{prefix}{field.name}", field.metadata["doc"].replace("|", "\\|")
        rows.append(f"| `{key}` | {_type_text(annotation)} | "
                    f"{_range_text(field.metadata['bounds'])} | "
                    f"{'' if values is None else _value_text(value)} | {doc} |")
        if dataclasses.is_dataclass(annotation):
            rows += _rows(annotation, value, f"{key}.")
    return rows


def _summary(cls: type) -> str:
    """The first paragraph of ``cls``'s docstring on one line."""
    return " ".join((cls.__doc__ or "").split("\n\n")[0].split())


def reference(params: Mapping[str, Any]) -> str:
    """The configuration reference (markdown): per declared section, each key's type, range,
    study value (from ``params``) and doc."""
    from synthvol.config import dotted_value

    lines = ["# Parameter reference", "",
             "<!-- GENERATED by python -m synthvol.declare --docs (make docs) from the typed "
             "declarations and params.yaml; do not edit -->", "",
             "Each section below is declared once, as a frozen dataclass (`synthvol.declare`) "
             "in the module named: its keys' types, ranges and docs. The study's values are "
             "`params.yaml`'s; the schema `workflow/schemas/declared.schema.yaml` is generated "
             "from the same declarations. Other keys of `params.yaml` are described by their "
             "comments there and their part's schema in `workflow/schemas/`; cross-field rules "
             "are `synthvol.config.CONSTRAINTS`.", ""]
    for name, cls in declarations().items():
        lines += [f"## `{name}`", "",
                  f"`{cls.__module__}.{cls.__name__}`: {_summary(cls)}",
                  "", "| key | type | range | study value | meaning |",
                  "| --- | --- | --- | --- | --- |",
                  *_rows(cls, dotted_value(params, name), ""), ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``--write`` regenerates the schema file; ``--check`` fails when it has drifted;
    ``--docs`` writes the configuration reference (docs/parameters.md) with params.yaml's
    values."""
    parser = argparse.ArgumentParser(prog="python -m synthvol.declare", description=main.__doc__)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", action="store_true", help="regenerate the schema file")
    group.add_argument("--check", action="store_true", help="fail when it has drifted")
    group.add_argument("--docs", action="store_true", help="write docs/parameters.md")
    args = parser.parse_args(argv)
    from synthvol.config import load_params
    from synthvol.io import write_text

    if args.docs:
        write_text(reference(load_params()), DOCS_FILE)
        return 0
    text = render()
    if args.write:
        write_text(text, SCHEMA_FILE)
        return 0
    if not SCHEMA_FILE.exists() or SCHEMA_FILE.read_text(encoding="utf-8") != text:
        print(f"{SCHEMA_FILE}: out of date with the declarations; run "
              f"python -m synthvol.declare --write", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except ConfigError as exc:
        raise SystemExit(f"error: {exc}") from None

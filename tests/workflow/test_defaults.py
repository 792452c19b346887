"""The study's defaults live in one place, params.yaml: no component restates them.

Two checks that fail when a default is stated a second time: a component's signature gives
a default to a key its params.yaml section states, or the package reads a params key with
``.get(key, fallback)`` (a validated config has every key; the schema requires them all).
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from synthvol import registry
from synthvol.config import REPO_ROOT, load_params

PARAMS = load_params()


def _section(kind: str, name: str) -> str:
    """The params.yaml section a registry entry is built from."""
    return {"baselines": f"baselines.{name}", "generators": f"generators.models.{name}",
            "sv_schemes": "sv", "forecast_models": "forecast"}[kind]


#: Components built from a params section that are not registry entries themselves.
OTHER_COMPONENTS = {
    "synthvol.forecast.brown:BrownSettings": "forecast.brown",
    "synthvol.data.prepare:prepare_series": "data",
    "synthvol.sv.model:Priors": "sv.prior",
    "synthvol.sv.model:StochvolPriors": "sv.prior.stochvol",
    "synthvol.sv.model:Tuning": "sv.tuning",
    "synthvol.evaluation.scores:ScoreSettings": "evaluation.stocks.scores",
    "synthvol.evaluation.twosample:HeadlineSettings": "evaluation.headline",
    "synthvol.forecast.adequacy:adequacy_table": "forecast",
}
COMPONENTS = {
    **{f"{kind}:{name}": (entry.settings_target or entry.target, _section(kind, name))
       for kind, entries in registry.REGISTRIES.items() for name, entry in entries.items()},
    **{target: (target, section) for target, section in OTHER_COMPONENTS.items()},
}


def _section_value(dotted: str) -> dict[str, Any]:
    node: Any = PARAMS
    for part in dotted.split("."):
        node = node[part]
    return node


def _defaults(function: Callable[..., Any]) -> dict[str, Any]:
    """The parameters of a function (or class constructor) that have a default."""
    return {name: p.default for name, p in inspect.signature(function).parameters.items()
            if p.default is not inspect.Parameter.empty}


@pytest.mark.parametrize("component", list(COMPONENTS))
def test_no_component_restates_a_default_of_its_params_section(component: str) -> None:
    target, section = COMPONENTS[component]
    keys = set(_section_value(section))
    restated = {k: v for k, v in _defaults(registry.Entry(target, "").load()).items()
                if k in keys}
    assert not restated, (f"{target} gives defaults to {sorted(restated)}, which "
                          f"params.yaml's {section} states: take them from params.yaml")


@pytest.mark.parametrize("kind", ["baselines", "generators"])
def test_every_key_of_a_components_section_is_a_field_of_its_declaration(kind: str) -> None:
    """A baseline's or generator's section builds its declared settings: no key is ignored."""
    for name, entry in registry.REGISTRIES[kind].items():
        fields = {field.name for field in dataclasses.fields(entry.declaration())}
        assert set(_section_value(_section(kind, name))) == fields, name


def _params_keys(node: dict[str, Any]) -> Iterator[str]:
    for key, value in node.items():
        yield key
        if isinstance(value, dict):
            yield from _params_keys(value)


#: ``.get(<params key>, fallback)`` calls that do not read the config: (file, key) -> why.
NOT_CONFIG = {
    ("src/synthvol/baselines/report.py", "rescale"):
        "a baseline's fit.json: only GARCH's records a rescale",
}


def _fallback_reads(path: Path, keys: set[str]) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "get" and len(node.args) + len(node.keywords) >= 2
                and isinstance(node.args[0], ast.Constant) and node.args[0].value in keys):
            yield node.lineno, node.args[0].value


def test_no_params_key_is_read_with_a_fallback() -> None:
    keys = set(_params_keys(PARAMS))
    found = []
    for path in sorted((REPO_ROOT / "src" / "synthvol").rglob("*.py")):
        name = path.relative_to(REPO_ROOT).as_posix()
        found.extend(f"{name}:{line}: .get({key!r}, ...)" for line, key in
                     _fallback_reads(path, keys) if (name, key) not in NOT_CONFIG)
    assert not found, "read validated params by indexing, not with a fallback:\n" + "\n".join(
        found)


def test_the_fallback_check_finds_one(tmp_path: Path) -> None:
    source = tmp_path / "module.py"
    source.write_text("def f(data):\n    return data.get('window_stride', 1), data.get('x', 2)\n")
    assert list(_fallback_reads(source, {"window_stride"})) == [(2, "window_stride")]

"""Typed declarations: the committed schema is what the declarations generate, a declaration
becomes the schema it states, and building one names a bad key the way params.yaml does."""

import dataclasses
import json
from dataclasses import dataclass
from typing import Literal

import pytest

from synthvol import declare
from synthvol.config import dotted_value, load_params
from synthvol.errors import ConfigError


@dataclass(frozen=True)
class Inner:
    rate: float = declare.param("a rate", gt=0, le=1)


@dataclass(frozen=True)
class Example:
    size: int = declare.param("how many", ge=1)
    mode: Literal["a", "b"] | None = declare.param("which mode; null = neither")
    weights: list[float] = declare.param("per-item weights", ge=0)
    inner: Inner = declare.param("a nested section")


def test_committed_schema_matches_the_declarations():
    assert declare.main(["--check"]) == 0, "run python -m synthvol.declare --write"


def test_a_declaration_states_its_schema():
    schema = declare.json_schema(Example)
    assert schema["required"] == ["size", "mode", "weights", "inner"]
    assert schema["additionalProperties"] is False
    props = schema["properties"]
    assert props["size"] == {"type": "integer", "minimum": 1, "description": "how many"}
    assert props["mode"]["enum"] == ["a", "b", None]
    assert props["weights"]["items"] == {"type": "number", "minimum": 0}
    assert props["inner"]["properties"]["rate"] == {
        "type": "number", "exclusiveMinimum": 0, "maximum": 1, "description": "a rate"}


def test_build_gives_the_frozen_object_and_names_a_bad_key():
    good = {"size": 2, "mode": None, "weights": [0.5, 1.0], "inner": {"rate": 0.1}}
    built = declare.build(Example, good, "part.example")
    assert built == Example(2, None, (0.5, 1.0), Inner(0.1))
    assert declare.as_params(built) == good
    for bad, key in [({"size": 0}, "part.example.size"), ({"inner": {"rate": 2}},
                                                          "part.example.inner.rate"),
                     ({"extra": 1}, "part.example.extra"), ({"mode": "c"}, "part.example.mode"),
                     ({"weights": [-1.0]}, "part.example.weights.0")]:
        with pytest.raises(ConfigError, match=f"invalid parameter '{key}'"):
            declare.build(Example, good | bad, "part.example")


def test_reference_states_each_declared_key_with_its_type_range_and_study_value():
    params = load_params()
    text = declare.reference(params)
    for name, cls in declare.declarations().items():
        assert f"## `{name}`" in text
        for field in dataclasses.fields(cls):
            value = json.dumps(dotted_value(params, f"{name}.{field.name}"))
            assert f"| `{field.name}` |" in text and f"| `{value}` |" in text
    assert "| `latent_dim` | int | ≥ 1 |" in text
    assert "| `dropout` | float | [0, 1) |" in text
    assert "| `sample_from` | `likelihood` \\| `mean` |" in text


def test_smoke_values_are_the_declared_smoke_sizes():
    assert declare.smoke_values(Example) == {}
    smoke = declare.smoke_values(declare.declarations()["generators.models.cvae"])
    assert smoke and all(isinstance(v, int) for v in smoke.values())


def test_a_whole_number_declared_float_is_built_as_a_float():
    built = declare.build(Inner, {"rate": 1}, "part.inner")
    assert isinstance(built.rate, float)


def test_every_declared_section_of_params_yaml_builds():
    params = load_params()
    for name, cls in declare.declarations().items():
        assert isinstance(declare.build(cls, dotted_value(params, name), name), cls)

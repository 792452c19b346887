"""params.yaml validates, and bad values are rejected with the key named."""

from __future__ import annotations

import copy

import pytest

from synthvol.config import REPO_ROOT, deep_merge, load_params, load_yaml, validate_params
from synthvol.errors import ConfigError


@pytest.fixture(scope="module")
def params() -> dict:
    return load_params()


def test_shipped_params_and_quick_override_validate(params: dict) -> None:
    quick = load_yaml(REPO_ROOT / "config" / "quick.yaml")
    validate_params(deep_merge(params, quick))


@pytest.mark.parametrize("path,value,key", [
    (("data", "test_fraction"), 1.5, "data.test_fraction"),
    (("data", "window_length"), "sixty", "data.window_length"),
    (("baselines", "garch", "distribution"), "cauchy", "baselines.garch.distribution"),
    (("baselines", "ar", "order"), 0, "baselines.ar.order"),
    (("seed",), -1, "seed"),
])
def test_bad_value_names_the_key(params: dict, path: tuple, value: object, key: str) -> None:
    bad = copy.deepcopy(params)
    node = bad
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
    with pytest.raises(ConfigError, match=rf"invalid parameter '{key}'"):
        validate_params(bad)


def test_unknown_and_missing_keys_are_named(params: dict) -> None:
    bad = copy.deepcopy(params)
    bad["data"]["windowlength"] = 60
    with pytest.raises(ConfigError, match=r"'data.windowlength'"):
        validate_params(bad)
    bad = copy.deepcopy(params)
    del bad["data"]["source"]
    with pytest.raises(ConfigError, match=r"'data.source'"):
        validate_params(bad)


def test_deep_merge_overrides_only_named_keys() -> None:
    merged = deep_merge({"a": {"b": 1, "c": 2}, "d": 3}, {"a": {"b": 10}})
    assert merged == {"a": {"b": 10, "c": 2}, "d": 3}


def test_command_line_text_gets_yaml_types() -> None:
    from synthvol.config import coerce_scalars

    typed = coerce_scalars({"a": {"n": "3", "x": "0.5", "flag": "true", "date": "2012-01-03",
                                  "src": "arch:sp500", "none": "null", "keep": 4}})
    assert typed == {"a": {"n": 3, "x": 0.5, "flag": True, "date": "2012-01-03",
                           "src": "arch:sp500", "none": None, "keep": 4}}

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


def _key_paths(node: dict, prefix: tuple = ()) -> list[tuple]:
    paths = []
    for key, value in node.items():
        paths.append((*prefix, key))
        if isinstance(value, dict):
            paths.extend(_key_paths(value, (*prefix, key)))
    return paths


def test_every_key_of_params_yaml_is_required_and_its_absence_named(params: dict) -> None:
    """params.yaml is the one place of the study's defaults: no key may be left out (the
    components have no fallback), and leaving one out names it before any job starts."""
    paths = _key_paths(params)
    assert len(paths) > 150
    for path in paths:
        bad = copy.deepcopy(params)
        node = bad
        for part in path[:-1]:
            node = node[part]
        del node[path[-1]]
        key = ".".join(path)
        with pytest.raises(ConfigError, match=rf"^invalid parameter '{key}': .* required"):
            validate_params(bad)


def test_stocks_overrides_may_name_any_subset_of_a_generators_keys(params: dict) -> None:
    partial = copy.deepcopy(params)
    partial["evaluation"]["stocks"]["models"] = {"sbts": {"bandwidth": 0.1}}
    validate_params(partial)
    partial["evaluation"]["stocks"]["models"] = {"sbts": {"bandwith": 0.1}}
    with pytest.raises(ConfigError, match=r"'evaluation.stocks.models.sbts.bandwith'"):
        validate_params(partial)


def test_study_defaults_copies_a_validated_params_yaml_value(params: dict) -> None:
    from synthvol.config import study_defaults

    sbts = study_defaults("generators.models.sbts")
    assert sbts == params["generators"]["models"]["sbts"]
    sbts["bandwidth"] = -1.0
    assert study_defaults("generators.models.sbts") == params["generators"]["models"]["sbts"]
    with pytest.raises(ConfigError, match="no key 'generators.models.gan'"):
        study_defaults("generators.models.gan")


def test_deep_merge_overrides_only_named_keys() -> None:
    merged = deep_merge({"a": {"b": 1, "c": 2}, "d": 3}, {"a": {"b": 10}})
    assert merged == {"a": {"b": 10, "c": 2}, "d": 3}


def test_command_line_text_gets_yaml_types() -> None:
    from synthvol.config import coerce_scalars

    typed = coerce_scalars({"a": {"n": "3", "x": "0.5", "flag": "true", "date": "2012-01-03",
                                  "src": "arch:sp500", "none": "null", "keep": 4}})
    assert typed == {"a": {"n": 3, "x": 0.5, "flag": True, "date": "2012-01-03",
                           "src": "arch:sp500", "none": None, "keep": 4}}

"""params.yaml validates, and bad values are rejected with the key named."""

from __future__ import annotations

import copy
from pathlib import Path

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


BILLION_LAUGHS = "junk:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"  {b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi"))


def test_billion_laughs_is_refused_at_its_first_alias(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(BILLION_LAUGHS)
    assert len(BILLION_LAUGHS) < 10_000
    with pytest.raises(ConfigError) as info:
        load_yaml(bomb)
    assert str(info.value) == (f"{bomb}: line 3: YAML alias *a is not accepted in parameters; "
                               "write the value out")


@pytest.mark.parametrize("text,message", [
    ("data:\n  start: '2020-01-01'\n  start: '2021-01-01'\n",
     "line 3: key 'data.start' given twice"),
    ("seed: 1\ndata: {}\nseed: 2\n", "line 3: key 'seed' given twice"),
    ("sv:\n  schemes: [{a: 1, a: 2}]\n", "line 2: key 'sv.schemes.0.a' given twice"),
    ("base: &b {x: 1}\nother:\n  <<: *b\n", "line 3: YAML alias *b is not accepted"),
    ("x: " + "[" * 3000 + "]" * 3000 + "\n", "nested too deeply to be parameters"),
    ("data: [1, 2\n", "line 2: expected ',' or ']', but got '<stream end>'"),
])
def test_parameters_files_are_read_strictly(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_yaml(path)
    assert str(info.value).startswith(f"{path}: {message}")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("entries,message", [
    (["seed=1", "seed=2"], "--config: key 'seed' given twice"),
    (["data={start: '2020-01-01', start: '2021-01-01'}"],
     "--config: line 1: key 'data.start' given twice"),
    (["junk={a: &a [1], b: *a}"], "--config: line 1: YAML alias *a is not accepted"),
])
def test_command_line_config_is_read_strictly(entries: list, message: str) -> None:
    from synthvol.config import check_sources, command_line_config

    argv = ["-n", "--config", *entries, "--cores", "2"]
    assert command_line_config(argv) == entries
    with pytest.raises(ConfigError) as info:
        check_sources([REPO_ROOT / "params.yaml"], command_line_config(argv))
    assert str(info.value).startswith(message)
    check_sources([REPO_ROOT / "params.yaml"], ["seed=1", "data={start: '2020-01-01'}",
                                                "data.source=not: yaml: [text"])


@pytest.mark.parametrize("path,value,message", [
    (("data", "test_fraction"), float("nan"), "'data.test_fraction': nan is not a finite"),
    (("data", "feature_range"), [-1.0, float("inf")], "'data.feature_range.1': inf is not a"),
    (("baselines", "interval_level"), float("-inf"), "'baselines.interval_level': -inf is"),
    (("sv", "truth", "mu"), float("nan"), "'sv.truth.mu': nan is not a finite number"),
    (("data", "feature_range"), [0, 0], "'data.feature_range': [0, 0] must be [min, max] "
                                        "with min below max"),
    (("data", "feature_range"), [1.0, -1.0], "'data.feature_range': [1.0, -1.0] must be"),
    (("data", "start"), "2020-13-45", "'data.start': '2020-13-45' is not a 'date'"),
    (("data", "end"), "2021-02-29", "'data.end': '2021-02-29' is not a 'date'"),
])
def test_non_finite_inverted_and_impossible_values_are_refused(params: dict, path: tuple,
                                                               value: object,
                                                               message: str) -> None:
    bad = copy.deepcopy(params)
    node = bad
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
    with pytest.raises(ConfigError) as info:
        validate_params(bad)
    assert str(info.value).startswith(f"invalid parameter {message}")


def test_an_impossible_date_on_the_command_line_stays_text() -> None:
    from synthvol.config import coerce_scalars

    assert coerce_scalars({"data": {"start": "2020-13-45"}}) == {"data": {"start": "2020-13-45"}}

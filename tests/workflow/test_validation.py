"""Every mistyped key and every violated cross-field constraint is rejected with its key named."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import pytest

from synthvol import registry
from synthvol.config import REPO_ROOT, load_params, validate_params, with_registry_enums
from synthvol.errors import ConfigError


@pytest.fixture(scope="module")
def params() -> dict:
    return load_params()


def _set(params: dict, key: str, value: object) -> dict:
    bad = copy.deepcopy(params)
    node = bad
    *parents, leaf = key.split(".")
    for part in parents:
        node = node[part]
    node[leaf] = value
    return bad


@pytest.mark.parametrize("key,value,named", [
    ("evaluation.stocks.models", {"sbts": {"bandwith": 0.1}}, "evaluation.stocks.models.sbts"),
    ("evaluation.stocks.models", {"sbst": {}}, "evaluation.stocks.models.sbst"),
    ("evaluation.acf_lagz", 20, "evaluation.acf_lagz"),
    ("generators.models.timegan.hiden_dim", 8, "generators.models.timegan.hiden_dim"),
    ("sv.prior.mu_men", 0.0, "sv.prior.mu_men"),
    ("forecast.kstar.n_mn", 7, "forecast.kstar.n_mn"),
    ("sv.schemes", ["I", "VI"], "sv.schemes.1"),
    ("generators.enabled", ["sbts", "gan"], "generators.enabled.1"),
    ("forecast.models", ["linear", "cubic"], "forecast.models.1"),
    ("generators.enabled", [], "generators.enabled"),
])
def test_mistyped_keys_and_names_are_rejected(params: dict, key: str, value: object,
                                              named: str) -> None:
    with pytest.raises(ConfigError) as info:
        validate_params(_set(params, key, value))
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"invalid parameter '{named}")


@pytest.mark.parametrize("edits,named", [
    ({"evaluation.acf_lags": 60}, "evaluation.acf_lags"),          # window_length is 60
    ({"data.start": "2015-01-01", "data.end": "2010-01-01"}, "data.start"),
    ({"generators.models.diffusion.fourier_weight": 1.0},          # prediction is epsilon
     "generators.models.diffusion.fourier_weight"),
    ({"generators.models.diffusion.schedule": "scaled_linear",
      "generators.models.diffusion.n_steps": 20}, "generators.models.diffusion.n_steps"),
    ({"generators.models.lstm_attention.num_heads": 3},            # 3 does not divide 2 * 32
     "generators.models.lstm_attention.num_heads"),
])
def test_cross_field_constraints(params: dict, edits: dict, named: str) -> None:
    bad = params
    for key, value in edits.items():
        bad = _set(bad, key, value)
    with pytest.raises(ConfigError, match=rf"^invalid parameter '{named}'"):
        validate_params(bad)
    ok = _set(params, "data.start", "2005-01-01")
    validate_params(_set(ok, "data.end", "2018-12-31"))


def test_schema_enums_come_from_the_registries() -> None:
    schema = with_registry_enums({"a": {"items": {"x-registry": "generators"}},
                                  "b": [{"x-registry": "sv_schemes", "type": "string"}]})
    assert schema["a"]["items"]["enum"] == list(registry.GENERATORS)
    assert schema["b"][0] == {"type": "string", "enum": list(registry.SV_SCHEMES)}


BOMB = "junk:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"  {b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi"))


@pytest.mark.parametrize("configfile,args,line", [
    ("evaluation:\n  stocks:\n    models:\n      timegan: {iteration: 3}\n", [],
     "error: invalid parameter 'evaluation.stocks.models.timegan.iteration': Additional "
     "properties are not allowed ('iteration' was unexpected)"),
    (BOMB, [], "error: {configfile}: line 3: YAML alias *a is not accepted in parameters; "
               "write the value out"),
    ("data:\n  start: '2020-01-01'\n  start: '2021-01-01'\n", [],
     "error: {configfile}: line 3: key 'data.start' given twice"),
    ("data:\n  test_fraction: .nan\n", [],
     "error: invalid parameter 'data.test_fraction': nan is not a finite number"),
    ("data:\n  start: '2020-13-45'\n", [],
     "error: invalid parameter 'data.start': '2020-13-45' is not a 'date'"),
    (None, ["--config", "seed=1", "seed=2"], "error: --config: key 'seed' given twice"),
    (None, ["--config", "data={feature_range: [-1, .inf]}"],
     "error: invalid parameter 'data.feature_range.1': inf is not a finite number"),
    (None, ["--config", "data={feature_range: [0, 0]}"],
     "error: invalid parameter 'data.feature_range': [0, 0] must be [min, max] with min below "
     "max"),
], ids=["unknown_key", "billion_laughs", "duplicate_key", "nan", "impossible_date",
        "duplicate_config_key", "infinite_range", "empty_range"])
def test_snakemake_refuses_bad_parameters_in_one_line_before_any_job(
        tmp_path: Path, configfile: str | None, args: list, line: str) -> None:
    path = tmp_path / "bad.yaml"
    if configfile is not None:
        path.write_text(configfile)
        args = ["--configfile", str(path), *args]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(["snakemake", "-n", *args], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    out = proc.stdout + proc.stderr
    assert [x for x in out.splitlines() if x.startswith("error:")] == [line.format(
        configfile=path)]
    assert "Traceback" not in out and "WorkflowError" not in out and "Job stats" not in out

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


def test_snakemake_rejects_a_bad_key_before_any_job(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("evaluation:\n  stocks:\n    models:\n      timegan: {iteration: 3}\n")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(["snakemake", "-n", "--configfile", str(bad)], cwd=REPO_ROOT,
                          env=env, capture_output=True, text=True)
    assert proc.returncode != 0
    out = proc.stdout + proc.stderr
    assert "invalid parameter 'evaluation.stocks.models.timegan.iteration'" in out
    assert "Job stats" not in out

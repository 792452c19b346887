"""Rules' params: the values scripts see and the keys recorded for DVC come from one declaration."""

from __future__ import annotations

import pytest

from synthvol import registry
from synthvol.errors import ConfigError
from synthvol.workflow import EVERY_KEY, Derived, ParamReader

CONFIG = {"seed": 7, "baselines": {"n_paths": 10, "ar": {"order": 5}},
          "generators": {"device": "cpu", "models": {"sbts": {"bandwidth": 0.03}}},
          "sv": {"truth": {"mu": 0.0, "h0": 0.0, "phi": [0.9, 0.99], "tau2": [0.1], "n": [100]},
                 "n_seeds": 4}}


def test_values_and_recorded_keys() -> None:
    reads = ParamReader(CONFIG)
    params = reads(baselines=["baselines.n_paths", "baselines.ar"], seed="seed",
                   missing="baselines.garch")
    assert params["baselines"] == {"n_paths": 10, "ar": {"order": 5}}
    assert params["seed"] == 7 and params["missing"] is None
    assert params["dvc_params"] == ("baselines.n_paths", "baselines.ar", "seed",
                                    "baselines.garch")


def test_wildcard_keys_resolve_per_job() -> None:
    params = ParamReader(CONFIG)(generators=["generators.device", "generators.models.{g}"])
    assert params["dvc_params"] == ("generators.device", "generators.models.{g}")
    assert params["generators"]({"g": "sbts"}) == {"device": "cpu",
                                                   "models": {"sbts": {"bandwidth": 0.03}}}


def test_derived_value_narrows_the_sv_truth_to_the_chunk_setting() -> None:
    narrow = Derived(lambda sv, w: registry.sv_with_setting(sv, w["setting"], CONFIG["sv"]),
                     ["sv.n_seeds", "sv.truth.mu", "sv.truth.h0"])
    params = ParamReader(CONFIG)(sv=narrow)
    assert params["dvc_params"] == ("sv.n_seeds", "sv.truth.mu", "sv.truth.h0")
    value = params["sv"]({"setting": "phi0.99_tau20.1_n100"})
    assert value == {"n_seeds": 4, "truth": {"mu": 0.0, "h0": 0.0, "phi": [0.99],
                                             "tau2": [0.1], "n": [100]}}


def test_every_key_reads_the_whole_config_and_its_stage_tracks_the_whole_file() -> None:
    from synthvol.dvcgen import JobSpec, stage_of

    params = ParamReader(CONFIG)(study=EVERY_KEY)
    assert params["study"] == CONFIG and params["dvc_params"] == (EVERY_KEY,)
    spec = JobSpec("report", (), (), ("results/report.html",), None, params["dvc_params"])
    assert stage_of(spec, CONFIG)["params"] == [{"params.yaml": None}]
    narrow = JobSpec("fit_ar", (), (), ("fit.json",), None, ("seed", "baselines.ar"))
    assert stage_of(narrow, CONFIG)["params"] == ["seed", "baselines.ar"]


def test_keys_of_one_value_must_share_their_section() -> None:
    with pytest.raises(ConfigError, match="must share their first component"):
        ParamReader(CONFIG)(mixed=["seed", "baselines.n_paths"])

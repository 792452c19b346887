"""Rules' params: the values scripts see come from one declaration of the keys they read."""

from __future__ import annotations

import pytest

from synthvol.config import study_defaults
from synthvol.errors import ConfigError
from synthvol.sv.design import SVDesign
from synthvol.workflow import EVERY_KEY, Derived, ParamReader

CONFIG = {"seed": 7, "baselines": {"n_paths": 10, "ar": {"order": 5}},
          "generators": {"device": "cpu", "models": {"sbts": {"bandwidth": 0.03}}},
          "sv": {"truth": {"mu": 0.0, "h0": 0.0, "phi": [0.9, 0.99], "tau2": [0.1], "n": [100]},
                 "n_seeds": 4}}


def test_values_of_declared_keys() -> None:
    reads = ParamReader(CONFIG)
    params = reads(baselines=["baselines.n_paths", "baselines.ar"], seed="seed",
                   missing="baselines.garch")
    assert params["baselines"] == {"n_paths": 10, "ar": {"order": 5}}
    assert params["seed"] == 7 and params["missing"] is None
    assert set(params) == {"baselines", "seed", "missing"}


def test_wildcard_keys_resolve_per_job() -> None:
    params = ParamReader(CONFIG)(generators=["generators.device", "generators.models.{g}"])
    assert params["generators"]({"g": "sbts"}) == {"device": "cpu",
                                                   "models": {"sbts": {"bandwidth": 0.03}}}


def test_derived_value_narrows_the_sv_truth_to_the_chunk_setting() -> None:
    design = SVDesign.from_params({**study_defaults("sv"), "truth": CONFIG["sv"]["truth"]})
    narrow = Derived(lambda sv, w: design.narrowed(sv, w["setting"]),
                     ["sv.n_seeds", "sv.truth.mu", "sv.truth.h0"])
    params = ParamReader(CONFIG)(sv=narrow)
    value = params["sv"]({"setting": "phi0.99_tau20.1_n100"})
    assert value == {"n_seeds": 4, "truth": {"mu": 0.0, "h0": 0.0, "phi": [0.99],
                                             "tau2": [0.1], "n": [100]}}


def test_every_key_reads_the_whole_config() -> None:
    params = ParamReader(CONFIG)(study=EVERY_KEY)
    assert params == {"study": CONFIG}
    assert params["study"] is not CONFIG          # a copy: a rule cannot alter the config


def test_keys_of_one_value_must_share_their_section() -> None:
    with pytest.raises(ConfigError, match="must share their first component"):
        ParamReader(CONFIG)(mixed=["seed", "baselines.n_paths"])

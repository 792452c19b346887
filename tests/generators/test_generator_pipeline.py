"""The generator workflow steps for every registered generator: exact inverse scaling,
checkpoints that reproduce samples, seeding, long paths, and the params schema."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from synthvol import registry
from synthvol.config import (
    REPO_ROOT,
    deep_merge,
    load_params,
    load_yaml,
    study_defaults,
    validate_params,
)
from synthvol.data.prepare import (
    MinMaxScaler,
    load_windows,
    prepare_series,
    series_options,
    windows_frame,
)
from synthvol.declare import as_params, smoke_values
from synthvol.errors import ConfigError
from synthvol.generators import REGISTRY, generator_class, load_generator
from synthvol.generators.pipeline import (
    build_generator,
    sample_generator,
    train_generator,
)
from synthvol.io import read_json, write_json, write_parquet
from synthvol.samples import read_samples

torch.set_num_threads(1)   # tiny networks: more threads only add contention

SEED = 20150601
SERIES = series_options(study_defaults("data"))
WINDOW = 12
#: Each generator at the smoke sizes its declaration states (trains in about a second;
#: params.yaml's values otherwise).
TINY = deep_merge(study_defaults("generators"), {
    "device": "cpu",
    "enabled": list(REGISTRY),
    "n_samples": 6,
    "n_long_paths": 2,
    "models": {name: smoke_values(generator_class(name).Settings) for name in REGISTRY},
})


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Prepared-data files of a random-walk price series: windows, scaler, summary."""
    root = tmp_path_factory.mktemp("prepared")
    r = np.random.default_rng(0)
    prices = pd.DataFrame({"date": pd.bdate_range("2020-01-01", periods=160),
                           "price": 100 * np.exp(np.cumsum(r.normal(0, 0.01, 160)))})
    data = prepare_series(prices, 0.2, WINDOW, holdout=None, seed=None, **SERIES)
    paths = {"windows": root / "windows.parquet", "scaler": root / "scaler.json",
             "summary": root / "summary.json"}
    write_parquet(windows_frame(data.windows, data.window_start), paths["windows"])
    write_json(data.scaler.to_dict(), paths["scaler"])
    write_json({"n_test": len(data.test),
                "last_train_price": float(data.train["price"].iloc[-1])}, paths["summary"])
    return paths


@pytest.fixture(scope="module")
def trained(prepared: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
            ) -> dict[str, Path]:
    """One checkpoint per registered generator, written by the train step."""
    root = tmp_path_factory.mktemp("generators")
    models = {}
    for name in REGISTRY:
        models[name] = root / name / "model.pt"
        train_generator(name, 0, SEED, TINY, prepared["windows"], models[name],
                        root / name / "train.json")
    return models


@pytest.mark.parametrize("name", list(REGISTRY))
def test_train_json_records_time_and_hyper(name: str, trained: dict[str, Path]) -> None:
    info = read_json(trained[name].parent / "train.json")
    assert info["generator"] == name
    assert info["training"] == 0
    assert info["seconds"] > 0
    assert info["window_length"] == WINDOW
    for key, value in TINY["models"][name].items():
        assert info["hyper"][key] == value
    assert info["history_summary"]["rows"] == len(info["history"]) >= 1


@pytest.mark.parametrize("name", list(REGISTRY))
def test_samples_are_exactly_inverse_scaled(name: str, prepared: dict[str, Path],
                                            trained: dict[str, Path], tmp_path: Path) -> None:
    samples = tmp_path / "samples.parquet"
    info = sample_generator(trained[name], prepared["scaler"], prepared["summary"], 6, samples,
                            tmp_path / "sample.json")
    assert read_json(tmp_path / "sample.json") == info
    assert (info["n_samples"], info["length"]) == (6, WINDOW)
    returns = read_samples(samples)
    prices = read_samples(samples, "price")
    scaled = load_generator(trained[name]).sample(6)[:, :, 0]
    scaler = MinMaxScaler.from_dict(read_json(prepared["scaler"]))
    np.testing.assert_array_equal(returns, scaler.inverse_transform(scaled))
    np.testing.assert_allclose(scaler.transform(returns), scaled, rtol=0, atol=1e-12)
    start = read_json(prepared["summary"])["last_train_price"]
    np.testing.assert_allclose(prices, start * np.exp(np.cumsum(returns, axis=1)), rtol=1e-12)


@pytest.mark.parametrize("name", list(REGISTRY))
def test_checkpoint_round_trip_gives_identical_samples(name: str, prepared: dict[str, Path],
                                                       tmp_path: Path) -> None:
    generator = build_generator(name, 0, SEED, TINY)
    generator.fit(load_windows(prepared["windows"]))
    generator.save(tmp_path / "model.pt")
    reloaded = load_generator(tmp_path / "model.pt")
    assert reloaded.settings == generator.settings
    np.testing.assert_array_equal(reloaded.sample(5), generator.sample(5))


@pytest.mark.parametrize("name", list(REGISTRY))
def test_same_seed_gives_identical_samples(name: str, prepared: dict[str, Path],
                                           trained: dict[str, Path]) -> None:
    again = build_generator(name, 0, SEED, TINY)
    again.fit(load_windows(prepared["windows"]))
    np.testing.assert_array_equal(again.sample(5), load_generator(trained[name]).sample(5))


def test_generators_and_trainings_get_distinct_seeds() -> None:
    seeds = {(name, k): build_generator(name, k, SEED, TINY).seed
             for name in REGISTRY for k in range(3)}
    assert len(set(seeds.values())) == 3 * len(REGISTRY)
    assert build_generator("sbts", 0, SEED + 1, TINY).seed != seeds["sbts", 0]


def test_long_paths_have_the_test_length(prepared: dict[str, Path], trained: dict[str, Path],
                                         tmp_path: Path) -> None:
    names = registry.long_path_generators(TINY)
    assert names == ["sbts", "lstm_attention"]
    assert registry.long_path_generators({**TINY, "n_long_paths": 0}) == []
    n_test = read_json(prepared["summary"])["n_test"]
    for name in names:
        out = tmp_path / f"{name}.parquet"
        info = sample_generator(trained[name], prepared["scaler"], prepared["summary"], 2, out,
                                tmp_path / f"{name}.json", long=True)
        assert info["length"] == n_test > WINDOW
        assert read_samples(out).shape == (2, n_test)


def test_unknown_generator_and_missing_cuda_raise() -> None:
    with pytest.raises(ConfigError, match="unknown generator 'gan'"):
        build_generator("gan", 0, SEED, TINY)
    if not torch.cuda.is_available():
        with pytest.raises(ConfigError, match="generators.device"):
            build_generator("sbts", 0, SEED, {**TINY, "device": "cuda"})


def test_params_and_quick_sizes_validate() -> None:
    params = load_params()
    assert params["generators"]["enabled"] == list(REGISTRY)
    load_params(overrides=load_yaml(REPO_ROOT / "config" / "quick.yaml"))
    for name, hyper in params["generators"]["models"].items():
        assert as_params(build_generator(name, 0, SEED, params["generators"]).settings) == hyper


@pytest.mark.parametrize("override, key", [
    ({"models": {"sbts": {"bandwidth": -1.0}}}, "generators.models.sbts.bandwidth"),
    ({"models": {"diffusion": {"n_step": 10}}}, "generators.models.diffusion.n_step"),
    ({"enabled": ["sbts", "gan"]}, "generators.enabled.1"),
    ({"device": "tpu"}, "generators.device"),
])
def test_schema_rejects_bad_generator_params(override: dict, key: str) -> None:
    params = load_params()
    params["generators"] = {**params["generators"], **override}
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        validate_params(params)

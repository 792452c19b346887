"""TimeGAN: training phases reduce their losses, samples look like the toy data, seeding and
checkpoints reproduce samples exactly, bad hyper-parameters are rejected."""

import numpy as np
import pytest
import torch

from synthvol.config import study_defaults
from synthvol.errors import ConfigError
from synthvol.generators import load_generator
from synthvol.generators.timegan import TimeGAN

HYPER = study_defaults("generators.models.timegan")

torch.set_num_threads(1)

#: Toy AR(1) with a strongly negative coefficient: a collapsed or smooth generator gives a
#: positive lag-1 autocorrelation, so a negative one shows the dynamics were learned.
PHI = -0.7
SMALL = {"hidden_dim": 16, "num_layers": 2, "batch_size": 32, "learning_rate": 5e-3}


def ar1_windows(n: int = 96, length: int = 12, phi: float = PHI) -> np.ndarray:
    """Stationary AR(1) windows scaled into [-1, 1], shape (n, length, 1)."""
    gen = np.random.default_rng(7)
    x = np.zeros((n, length + 30))
    for t in range(1, x.shape[1]):
        x[:, t] = phi * x[:, t - 1] + gen.normal(size=n)
    x = x[:, 30:]
    return (x / np.abs(x).max()).astype(np.float32)[:, :, None]


def lag1_autocorrelation(windows: np.ndarray) -> float:
    """Pooled lag-1 autocorrelation of windows, each demeaned."""
    x = windows - windows.mean(axis=1, keepdims=True)
    return float((x[:, 1:] * x[:, :-1]).sum() / (x * x).sum())


@pytest.fixture(scope="module")
def trained():
    data = ar1_windows()
    model = TimeGAN.configured(seed=11, **HYPER | dict(iterations=150, **SMALL))
    report = model.fit(data)
    return model, report, data


def test_embedding_phase_reconstruction_falls_tenfold(trained):
    _, report, _ = trained
    recon = [row["recon_mse"] for row in report.history if row["phase"] == 1]
    assert recon[-1] < recon[0] / 10


def test_supervised_phase_loss_falls(trained):
    _, report, _ = trained
    sup = [row["supervised_mse"] for row in report.history if row["phase"] == 2]
    assert sup[-1] < sup[0] / 2


def test_samples_shape_finite_and_in_range(trained):
    model, _, data = trained
    samples = model.sample(200)
    assert samples.shape == (200, data.shape[1], 1)
    assert np.isfinite(samples).all()
    assert np.abs(samples).max() <= 1.0           # tanh output layer
    assert 0.5 < samples.std() / data.std() < 1.5


def test_samples_have_negative_lag1_autocorrelation(trained):
    model, _, data = trained
    real = lag1_autocorrelation(data[:, :, 0])     # about -0.65 (short-window bias)
    synthetic = lag1_autocorrelation(model.sample(400)[:, :, 0])
    assert real < -0.5
    assert synthetic < -0.2                       # right sign, at least 0.2 in size


def test_save_load_round_trip_gives_identical_samples(trained, tmp_path):
    model, _, _ = trained
    path = tmp_path / "timegan.pt"
    model.save(path)
    assert torch.load(path, weights_only=True)["name"] == "timegan"
    restored = load_generator(path)
    assert isinstance(restored, TimeGAN)
    np.testing.assert_array_equal(restored.sample(50), model.sample(50))


def test_same_seed_same_samples_other_seed_differs():
    data = ar1_windows(n=32, length=8)
    runs = [TimeGAN.configured(seed=s, **HYPER | dict(iterations=3, **SMALL)) for s in (5, 5, 6)]
    samples = []
    for model in runs:
        model.fit(data)
        samples.append(model.sample(20))
    np.testing.assert_array_equal(samples[0], samples[1])
    assert not np.allclose(samples[0], samples[2])


def test_sample_length_is_fixed_and_needs_fit(trained):
    model, _, data = trained
    with pytest.raises(ValueError):
        model.sample(5, length=data.shape[1] + 1)
    with pytest.raises(RuntimeError):
        TimeGAN.configured(seed=1, **HYPER).sample(5)


@pytest.mark.parametrize("bad", [{"hidden_dim": 0}, {"iterations": -1}, {"gamma": -0.5},
                                 {"learning_rate": 0.0}, {"budget": "gpu"}])
def test_bad_hyper_parameters_raise(bad):
    (key,) = bad
    with pytest.raises(ConfigError,
                       match=rf"^invalid parameter 'generators\.models\.timegan\.{key}'"):
        TimeGAN.configured(seed=1, **HYPER | bad)


def test_reference_budget_is_one_parameter_away():
    model = TimeGAN.configured(seed=1, **HYPER | dict(budget="reference", iterations=150,
                                                      learning_rate=5e-3))
    assert model.training_budget == (10_000, 1e-3)   # jsyoon0823/TimeGAN
    cpu = TimeGAN.configured(seed=1, **HYPER | dict(iterations=150, learning_rate=5e-3))
    assert cpu.training_budget + (cpu.settings.budget,) == (150, 5e-3, "cpu")

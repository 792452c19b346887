"""DDPM: schedules that reach noise (and the notebook's that does not), a denoiser that uses
the step, a loss that can be driven down, samples on the training scale."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from synthvol.config import study_defaults
from synthvol.errors import ConfigError
from synthvol.generators.diffusion import DDPM, Denoiser, beta_schedule, fourier_loss

HYPER = study_defaults("generators.models.diffusion")

torch.set_num_threads(1)   # tiny networks: more threads only add contention

TINY = {"channels": 32, "n_blocks": 2, "batch_size": 4, "learning_rate": 2e-3}


@pytest.mark.parametrize("schedule", ["cosine", "scaled_linear"])
def test_forward_process_ends_near_standard_normal(schedule: str) -> None:
    # Windows far from N(0, I): level 3, strong per-window structure. After T steps of the
    # forward process they must be indistinguishable from N(0, I) in mean, variance and
    # correlation with the start.
    model = DDPM.configured(seed=0, **HYPER | dict(schedule=schedule))
    assert model.terminal_alpha_bar < 0.01
    gen = torch.Generator().manual_seed(0)
    x0 = 3.0 + torch.randn((4000, 16, 1), generator=gen).cumsum(1) / 4
    t = torch.full((len(x0),), model.settings.n_steps - 1, dtype=torch.long)
    x_t = model.q_sample(x0, t, torch.randn(x0.shape, generator=gen))
    assert abs(x_t.mean().item()) < 0.3
    assert x_t.var().item() == pytest.approx(1.0, abs=0.05)
    corr = np.corrcoef(x0.flatten().numpy(), x_t.flatten().numpy())[0, 1]
    assert abs(corr) < 0.1


def test_notebook_schedule_is_kept_and_does_not_reach_noise() -> None:
    model = DDPM.configured(seed=0, **HYPER | dict(schedule="notebook"))
    assert model.betas[0].item() == pytest.approx(1e-4)
    assert model.betas[-1].item() == pytest.approx(0.02)
    expected = np.cumprod(1 - np.linspace(1e-4, 0.02, 100))
    np.testing.assert_allclose(model.alpha_bars.numpy(), expected, rtol=1e-5)
    assert model.terminal_alpha_bar == pytest.approx(0.364, abs=0.002)   # the defect


def test_cosine_schedule_is_nichol_dhariwals() -> None:
    betas = beta_schedule("cosine", 50).numpy()
    f = np.cos((np.arange(51) / 50 + 0.008) / 1.008 * math.pi / 2) ** 2
    np.testing.assert_allclose(np.cumprod(1 - betas)[:-1], (f / f[0])[1:-1], rtol=1e-9)
    assert betas[-1] == pytest.approx(0.999)


def test_denoiser_depends_on_the_step() -> None:
    torch.manual_seed(0)
    net = Denoiser(n_features=1, channels=16, n_blocks=2)
    torch.nn.init.normal_(net.out[-1].weight)     # the output layers start at zero
    x = torch.randn(3, 12, 1)
    early = net(x, torch.zeros(3, dtype=torch.long))
    late = net(x, torch.full((3,), 99, dtype=torch.long))
    assert (early - late).abs().max().item() > 1e-3


def test_fourier_loss_is_diffusion_ts_l1_of_the_spectra() -> None:
    t = torch.arange(32.0)[None, :, None]
    slow, fast = torch.sin(2 * math.pi * t / 32), torch.sin(2 * math.pi * 8 * t / 32)
    assert fourier_loss(slow, slow).item() == pytest.approx(0.0, abs=1e-12)
    gap = np.fft.fft((slow - fast)[0, :, 0].numpy()) / 32   # two spikes of 1/2 in Im each
    expected = np.abs(gap.real).mean() + np.abs(gap.imag).mean()
    assert expected == pytest.approx(4 * 0.5 / 32, rel=1e-4)
    assert fourier_loss(slow, fast).item() == pytest.approx(expected, rel=1e-4)


@pytest.mark.parametrize("prediction", ["x0", "epsilon"])
def test_loss_falls_fourfold_when_overfitting_one_window(prediction: str) -> None:
    # Four copies of one window: the target is then a known function of (x_t, t), so a
    # denoiser that sees t can drive the loss far below its starting value.
    window = np.random.default_rng(0).normal(0, 0.3, (1, 16, 1))
    model = DDPM.configured(seed=1, **HYPER | dict(epochs=200, prediction=prediction, **TINY))
    history = model.fit(np.repeat(window, 4, axis=0)).history
    first = history[0]["loss"]
    last = np.mean([row["loss"] for row in history[-20:]])
    assert first > 0.2
    assert last < first / 4


def test_samples_have_the_training_scale_and_are_seeded() -> None:
    data = np.random.default_rng(2).normal(0.05, 0.1, (64, 8, 1))
    model = DDPM.configured(seed=5, **HYPER | dict(epochs=100, channels=16, n_blocks=2,
                                                   batch_size=32, n_steps=50))
    model.fit(data)
    sample = model.sample(200)
    assert sample.shape == (200, 8, 1)
    assert abs(sample.mean() - 0.05) < 0.05
    assert 0.5 < sample.std() / 0.1 < 1.5
    assert sample.min() >= data.min() - 1e-6 and sample.max() <= data.max() + 1e-6
    np.testing.assert_array_equal(model.sample(5), model.sample(5))
    assert not model.supports_long_paths


@pytest.mark.parametrize("kwargs, key", [
    ({"schedule": "quadratic"}, "schedule"), ({"prediction": "v"}, "prediction"),
    ({"n_steps": 0}, "n_steps"), ({"epochs": 0}, "epochs"),
    ({"prediction": "x0", "fourier_weight": -1.0}, "fourier_weight"),
    ({"prediction": "epsilon", "fourier_weight": 1.0}, "fourier_weight"),
    ({"schedule": "scaled_linear", "n_steps": 10}, "n_steps")])
def test_bad_hyper_parameters_raise(kwargs: dict, key: str) -> None:
    with pytest.raises(ConfigError,
                       match=rf"^invalid parameter 'generators\.models\.diffusion\.{key}'"):
        DDPM.configured(seed=0, **HYPER | kwargs)

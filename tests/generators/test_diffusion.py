"""DDPM: the notebook's schedule, a denoiser that uses the step, a loss that can be driven down."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from synthvol.errors import ConfigError
from synthvol.generators.diffusion import DDPM, Denoiser

torch.set_num_threads(1)   # tiny networks: more threads only add contention

TINY = {"channels": 32, "n_blocks": 2, "batch_size": 4, "learning_rate": 2e-3}


def test_default_schedule_is_the_notebooks() -> None:
    model = DDPM(seed=0)
    assert model.betas.shape == (100,)
    assert model.betas[0].item() == pytest.approx(1e-4)
    assert model.betas[-1].item() == pytest.approx(0.02)
    expected = np.cumprod(1 - np.linspace(1e-4, 0.02, 100))
    np.testing.assert_allclose(model.alpha_bars.numpy(), expected, rtol=1e-5)


def test_denoiser_depends_on_the_step() -> None:
    torch.manual_seed(0)
    net = Denoiser(n_features=1, channels=16, n_blocks=2)
    torch.nn.init.normal_(net.out[-1].weight)     # the output layer starts at zero
    x = torch.randn(3, 12, 1)
    early = net(x, torch.zeros(3, dtype=torch.long))
    late = net(x, torch.full((3,), 99, dtype=torch.long))
    assert (early - late).abs().max().item() > 1e-3


def test_loss_falls_fourfold_when_overfitting_one_window() -> None:
    # Four copies of one window: ε is then a known function of (x_t, t), so a denoiser that
    # sees t can drive the loss far below its starting value of ~1 (one that ignores t cannot).
    window = np.random.default_rng(0).normal(0, 0.3, (1, 16, 1))
    model = DDPM(seed=1, epochs=200, **TINY)
    history = model.fit(np.repeat(window, 4, axis=0)).history
    first = history[0]["loss"]
    last = np.mean([row["loss"] for row in history[-20:]])
    assert first > 0.5
    assert last < first / 4


def test_samples_have_the_training_scale_and_are_seeded() -> None:
    data = np.random.default_rng(2).normal(0.05, 0.1, (64, 8, 1))
    model = DDPM(seed=5, epochs=30, channels=16, n_blocks=2, batch_size=32)
    model.fit(data)
    sample = model.sample(200)
    assert sample.shape == (200, 8, 1)
    assert abs(sample.mean() - 0.05) < 0.05
    assert 0.5 < sample.std() / 0.1 < 1.5
    np.testing.assert_array_equal(model.sample(5), model.sample(5))
    assert not model.supports_long_paths


@pytest.mark.parametrize("kwargs", [{"beta_start": 0.0}, {"beta_start": 0.1, "beta_end": 0.01},
                                    {"n_steps": 0}, {"epochs": 0}])
def test_bad_hyper_parameters_raise(kwargs: dict) -> None:
    with pytest.raises(ConfigError, match="generators.models.diffusion"):
        DDPM(seed=0, **kwargs)

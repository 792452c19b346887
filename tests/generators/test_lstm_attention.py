"""LSTM-attention baseline: learns a predictable series, splits chronologically, rolls forward."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from synthvol.config import study_defaults
from synthvol.errors import ConfigError, DataError
from synthvol.generators.lstm_attention import LSTMAttention, chronological_split

HYPER = study_defaults("generators.models.lstm_attention")

torch.set_num_threads(1)   # tiny networks: more threads only add contention

SMALL = {"hidden_size": 16, "num_layers": 1, "num_heads": 2, "dropout": 0.0,
         "batch_size": 32, "learning_rate": 3e-3}


@pytest.fixture(scope="module")
def sine_windows() -> np.ndarray:
    """Windows of 16 steps of a sine of period 20: the next value is a function of the past."""
    y = 0.5 * np.sin(np.arange(400) * 2 * np.pi / 20)
    return np.lib.stride_tricks.sliding_window_view(y, 16).copy()


@pytest.fixture(scope="module")
def fitted(sine_windows: np.ndarray) -> tuple[LSTMAttention, list[dict[str, float]]]:
    model = LSTMAttention.configured(seed=1, **HYPER | dict(epochs=30, patience=30,
                                                            noise_std=None, **SMALL))
    return model, model.fit(sine_windows).history


def test_loss_falls_twentyfold_on_a_predictable_series(fitted) -> None:
    _, history = fitted
    assert history[-1]["loss"] < history[0]["loss"] / 20
    assert history[-1]["val_loss"] < 1e-3


def test_residual_noise_and_rolled_paths(fitted) -> None:
    model, _ = fitted
    assert model.noise_std < 0.05          # noise_std=None: the validation residual sd
    long = model.sample(4, 60)
    assert long.shape == (4, 60, 1)
    # Rolled forward with small noise, the sine carries on: lag-20 differences stay small.
    assert np.abs(long[:, 20:, 0] - long[:, :-20, 0]).mean() < 0.2
    np.testing.assert_array_equal(model.sample(3), model.sample(3))


def test_fixed_noise_std_is_used(sine_windows: np.ndarray) -> None:
    model = LSTMAttention.configured(seed=2, **HYPER | dict(epochs=1, noise_std=0.05, **SMALL))
    model.fit(sine_windows)
    assert model.noise_std == 0.05


def test_too_few_windows_for_the_chronological_split() -> None:
    with pytest.raises(DataError, match="chronological validation gap"):
        LSTMAttention.configured(seed=0, **HYPER | dict(epochs=1, **SMALL)).fit(np.zeros((20, 16)))


def test_heads_must_divide_the_width() -> None:
    with pytest.raises(ConfigError, match=r"^invalid parameter "
                                          r"'generators\.models\.lstm_attention\.num_heads'"):
        LSTMAttention.configured(seed=0, **HYPER | dict(hidden_size=5, num_heads=4))


@pytest.mark.parametrize("n, length, fraction", [(200, 16, 0.25), (101, 5, 0.1), (60, 30, 0.2)])
def test_validation_windows_share_no_return_with_training_windows(n, length, fraction) -> None:
    # Distinct values 0, 1, 2, ...: a window's values say which returns it holds.
    series = np.arange(n + length - 1, dtype=float)
    windows = np.lib.stride_tricks.sliding_window_view(series, length)
    train, val = chronological_split(len(windows), length, fraction)
    assert not set(windows[train].ravel()) & set(windows[val].ravel())
    assert val.stop - val.start == max(1, round(fraction * len(windows)))
    # nothing more is dropped than the overlap needs: the gap is exactly length - 1 windows
    assert val.start - train.stop == length - 1


def test_shuffled_windows_are_refused() -> None:
    series = np.random.default_rng(1).normal(0, 0.1, 300)
    windows = np.lib.stride_tricks.sliding_window_view(series, 16).copy()
    shuffled = windows[np.random.default_rng(2).permutation(len(windows))]
    with pytest.raises(DataError, match="time order"):
        LSTMAttention.configured(seed=0, **HYPER | dict(epochs=1, **SMALL)).fit(shuffled)
    # in time order: fine
    LSTMAttention.configured(seed=0, **HYPER | dict(epochs=1, **SMALL)).fit(windows)

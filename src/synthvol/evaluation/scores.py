"""Post-hoc scores of synthetic windows (Yoon et al. 2019, TimeGAN's ``metrics/``), in torch.

* **Discriminative score** — a GRU classifier learns to tell real from synthetic windows on
  80% of each (balanced: both sets are first subsampled to the smaller size); the score is
  ``|accuracy − 0.5|`` on the held-out 20%: 0 when the two cannot be told apart, 0.5 when
  they always can.
* **Predictive score** — a GRU trained on synthetic windows predicts each next step; the
  score is its mean absolute error on real windows ("train on synthetic, test on real").
  With ``d > 1`` features it is TimeGAN's protocol exactly: the first ``d − 1`` features at
  steps ``1..L−1`` predict the last feature at steps ``2..L``. TimeGAN's protocol has no
  input when ``d = 1``; then the series itself at steps ``1..L−1`` predicts steps ``2..L``.

Both are repeated over ``n_runs`` runs with seeds derived from one seed
(:func:`repeat_score`) and reported as mean ± std (std with ``ddof=1``; the published
tables may give a confidence half-width instead).

Differences from the TensorFlow reference code, all deliberate: the hidden size, number of
GRU layers, iterations and output head are parameters (the reference: hidden ``d // 2``, one
layer, 2000 / 5000 iterations, sigmoid output for data in [0, 1]); a ``linear`` head serves
data scaled to [−1, 1]; the two classes are balanced before the split.

These are the published protocol, kept for the Stocks benchmark (:mod:`.stocks`); the
study's headline comparison is the leak-free two-sample test of :mod:`.twosample`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import torch
from torch import nn

from synthvol.declare import build, param
from synthvol.errors import DataError
from synthvol.seeds import derive_seed, rng


@dataclass(frozen=True)
class ScoreSettings:
    """Size of the post-hoc networks and of their training (params.yaml's
    ``evaluation.stocks.scores``)."""

    n_runs: int = param("runs of each score, seeds derived from one seed", ge=1, le=100)
    hidden_dim: int | None = param("GRU width; null = TimeGAN's max(1, n_features // 2)",
                                   ge=1, le=1024)
    num_layers: int = param("GRU layers", ge=1, le=8)
    discriminative_iterations: int = param("mini-batch steps of the classifier", ge=1)
    predictive_iterations: int = param("mini-batch steps of the next-step predictor", ge=1)
    batch_size: int = param("windows per mini-batch", ge=1)
    learning_rate: float = param("Adam step size", gt=0, le=1)
    test_fraction: float = param("share of each class held out to score the classifier",
                                 gt=0, lt=1)
    head: Literal["linear", "sigmoid"] = param(
        "output of the predictor: sigmoid for data in [0, 1] (the reference), linear otherwise")

    @classmethod
    def from_mapping(cls, params: dict[str, Any],
                     section: str = "evaluation.stocks.scores") -> ScoreSettings:
        """Settings from the params section; an unknown, missing or out-of-range key is an
        error naming it."""
        return build(cls, params, section)

    def hidden_for(self, n_features: int) -> int:
        """The GRU width for data with ``n_features`` features."""
        return self.hidden_dim if self.hidden_dim is not None else max(1, n_features // 2)


@dataclass(frozen=True)
class ScoreSummary:
    """One score over several runs."""

    runs: tuple[float, ...]

    @property
    def mean(self) -> float:
        """Mean over runs."""
        return float(np.mean(self.runs))

    @property
    def std(self) -> float:
        """Sample standard deviation over runs (0 for a single run)."""
        return float(np.std(self.runs, ddof=1)) if len(self.runs) > 1 else 0.0

    @property
    def se(self) -> float:
        """Standard error of the mean over runs, ``std / sqrt(n_runs)`` (as the Stocks table's);
        NaN (unknown, so no difference counts as resolved) for a single run. Runs that all
        gave the same value have SE 0: a source told apart perfectly in every run (0.5 each)
        is resolved as worse, and one the classifier never learned (0 each) still ties a
        reference at 0."""
        if len(self.runs) < 2:
            return float("nan")
        return self.std / float(np.sqrt(len(self.runs)))


def clearly_lower(mean: float, se: float, other_mean: float, other_se: float) -> bool:
    """True when ``mean`` is below ``other_mean`` by more than two standard errors of the
    difference, ``2·sqrt(se² + other_se²)``; otherwise the two are a tie (or worse). An unknown
    (NaN) standard error resolves nothing."""
    return other_mean - mean > 2.0 * float(np.hypot(se, other_se))


def repeat_score(score: Callable[[int], float], n_runs: int, seed: int,
                 *keys: object) -> ScoreSummary:
    """Run ``score(run_seed)`` ``n_runs`` times, run seeds derived from ``seed`` and ``keys``."""
    return ScoreSummary(tuple(float(score(derive_seed(seed, *keys, run)))
                              for run in range(n_runs)))


def discriminative_summary(real: np.ndarray, synthetic: np.ndarray, settings: ScoreSettings,
                           seed: int, *keys: object) -> ScoreSummary:
    """The published protocol's discriminative score of ``synthetic`` against ``real`` over
    ``settings.n_runs`` runs, run seeds derived from ``seed`` and ``keys``."""
    return repeat_score(lambda s: discriminative_score(real, synthetic, settings, s),
                        settings.n_runs, seed, *keys)


def as_windows_3d(windows: np.ndarray) -> np.ndarray:
    """Windows as float32 ``(n, length, n_features)`` (2-D input is one feature)."""
    arr = np.asarray(windows, dtype=np.float32)
    if arr.ndim == 2:
        arr = arr[:, :, None]
    if arr.ndim != 3 or arr.shape[0] < 2 or arr.shape[1] < 2:
        raise DataError(f"windows must be (n >= 2, length >= 2[, features]), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise DataError("windows contain NaN or infinite values")
    return arr


class _GRUNet(nn.Module):
    """GRU layers and a linear read-out of one value (per step, or of the last state)."""

    def __init__(self, n_inputs: int, hidden: int, layers: int) -> None:
        super().__init__()
        self.gru = nn.GRU(n_inputs, hidden, num_layers=layers, batch_first=True)
        self.out = nn.Linear(hidden, 1)

    def last_state(self, x: torch.Tensor) -> torch.Tensor:
        """One logit per sequence, from the last layer's final state."""
        _, h_n = self.gru(x)
        return self.out(h_n[-1]).squeeze(-1)

    def per_step(self, x: torch.Tensor) -> torch.Tensor:
        """One output per step, ``(batch, steps, 1)``."""
        outputs, _ = self.gru(x)
        return self.out(outputs)


def _new_net(n_inputs: int, settings: ScoreSettings, hidden: int, seed: int) -> _GRUNet:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return _GRUNet(n_inputs, hidden, settings.num_layers)


def _batch(generator: np.random.Generator, n: int, size: int) -> torch.Tensor:
    """``size`` distinct indices of ``n`` (all of them, shuffled, when ``n <= size``)."""
    return torch.from_numpy(generator.permutation(n)[:size])


def discriminative_score(real: np.ndarray, synthetic: np.ndarray, settings: ScoreSettings,
                         seed: int) -> float:
    """``|accuracy − 0.5|`` of a GRU classifier of real vs synthetic windows on held-out data."""
    real3, synth3 = as_windows_3d(real), as_windows_3d(synthetic)
    if real3.shape[1:] != synth3.shape[1:]:
        raise DataError(f"real windows {real3.shape[1:]} and synthetic windows "
                        f"{synth3.shape[1:]} differ in (length, features)")
    draws = rng(seed, "discriminative")
    n = min(len(real3), len(synth3))
    n_train = int(n * (1.0 - settings.test_fraction))
    if n_train < 1 or n_train >= n:
        raise DataError(f"{n} windows per class cannot be split at "
                        f"test_fraction={settings.test_fraction}")
    real_t = torch.from_numpy(real3[draws.choice(len(real3), n, replace=False)])
    synth_t = torch.from_numpy(synth3[draws.choice(len(synth3), n, replace=False)])
    n_features = real3.shape[2]
    net = _new_net(n_features, settings, settings.hidden_for(n_features), seed)
    optimizer = torch.optim.Adam(net.parameters(), lr=settings.learning_rate)
    bce = nn.BCEWithLogitsLoss()
    batch = min(settings.batch_size, n_train)
    labels = torch.cat([torch.ones(batch), torch.zeros(batch)])
    net.train()
    for _ in range(settings.discriminative_iterations):
        x = torch.cat([real_t[:n_train][_batch(draws, n_train, batch)],
                       synth_t[:n_train][_batch(draws, n_train, batch)]])
        # TimeGAN's loss, mean BCE on real + mean BCE on synthetic, in one GRU pass.
        loss = 2.0 * bce(net.last_state(x), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    net.eval()
    with torch.no_grad():
        correct = (net.last_state(real_t[n_train:]) > 0).sum() \
            + (net.last_state(synth_t[n_train:]) <= 0).sum()
    accuracy = float(correct) / (2 * (n - n_train))
    return abs(accuracy - 0.5)


def next_step_pairs(windows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inputs ``(n, L−1, d_in)`` and targets ``(n, L−1, 1)`` of the predictive task."""
    w = as_windows_3d(windows)
    d = w.shape[2]
    inputs = w[:, :-1, :] if d == 1 else w[:, :-1, : d - 1]
    return inputs, w[:, 1:, d - 1:]


class NextStepPredictor:
    """A trained per-step GRU regressor (see :func:`train_predictor`)."""

    def __init__(self, net: _GRUNet, head: str) -> None:
        self.net = net
        self.head = head

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """Differentiable per-step predictions (the training graph)."""
        out = self.net.per_step(inputs)
        return torch.sigmoid(out) if self.head == "sigmoid" else out

    def predict(self, inputs: np.ndarray) -> np.ndarray:
        """Per-step predictions ``(n, steps, 1)`` for inputs ``(n, steps, d_in)``."""
        self.net.eval()
        with torch.no_grad():
            return self.forward(torch.from_numpy(np.asarray(inputs, dtype=np.float32))).numpy()

    def mae(self, windows: np.ndarray) -> float:
        """Mean absolute next-step error on ``windows`` (TimeGAN: MAE per window, averaged)."""
        inputs, targets = next_step_pairs(windows)
        return float(np.mean(np.abs(self.predict(inputs) - targets)))


def train_predictor(windows: np.ndarray, settings: ScoreSettings, seed: int) -> NextStepPredictor:
    """Fit the next-step GRU on ``windows`` with an L1 loss (TimeGAN's predictive network)."""
    data = as_windows_3d(windows)
    inputs, targets = next_step_pairs(data)
    x, y = torch.from_numpy(inputs), torch.from_numpy(np.ascontiguousarray(targets))
    draws = rng(seed, "predictive")
    net = _new_net(x.shape[2], settings, settings.hidden_for(data.shape[2]), seed)
    predictor = NextStepPredictor(net, settings.head)
    optimizer = torch.optim.Adam(net.parameters(), lr=settings.learning_rate)
    net.train()
    for _ in range(settings.predictive_iterations):
        idx = _batch(draws, len(x), settings.batch_size)
        loss = torch.mean(torch.abs(predictor.forward(x[idx]) - y[idx]))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return predictor


def predictive_score(real: np.ndarray, synthetic: np.ndarray, settings: ScoreSettings,
                     seed: int) -> float:
    """MAE on the real windows of a next-step GRU trained on the synthetic windows."""
    real3, synth3 = as_windows_3d(real), as_windows_3d(synthetic)
    if real3.shape[2] != synth3.shape[2]:
        raise DataError(f"real windows have {real3.shape[2]} features, synthetic "
                        f"{synth3.shape[2]}")
    return train_predictor(synth3, settings, seed).mae(real3)

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

Both are repeated over ``n_runs`` runs with seeds derived from one seed (:func:`run_seeds`)
and reported as mean ± std (std with ``ddof=1``; the published tables may give a confidence
half-width instead). The runs' networks (and, in the calibration, all candidates' runs) are
trained side by side as one block-diagonal GRU (:class:`StackedGRU`): each network gets its
own data, batches and initialisation and the same scores as alone (a test checks equality),
for a fraction of the CPU (``benchmarks/stacked_gru.py``).

Differences from the TensorFlow reference code, all deliberate: the hidden size, number of
GRU layers, iterations and output head are parameters (the reference: hidden ``d // 2``, one
layer, 2000 / 5000 iterations, sigmoid output for data in [0, 1]); a ``linear`` head serves
data scaled to [−1, 1]; the two classes are balanced before the split.

These are the published protocol, kept for the Stocks benchmark (:mod:`.stocks`); the
study's headline comparison is the leak-free two-sample test of :mod:`.twosample`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import numpy as np
import torch
from torch import nn

from synthvol.declare import build, param
from synthvol.errors import DataError
from synthvol.seeds import derive_seed, rng

T = TypeVar("T")


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


def run_seeds(n_runs: int, seed: int, *keys: object) -> list[int]:
    """The seeds of a score's ``n_runs`` runs, derived from ``seed`` and ``keys``."""
    return [derive_seed(seed, *keys, run) for run in range(n_runs)]


def discriminative_summary(real: np.ndarray, synthetic: np.ndarray, settings: ScoreSettings,
                           seed: int, *keys: object) -> ScoreSummary:
    """The published protocol's discriminative score of ``synthetic`` against ``real`` over
    ``settings.n_runs`` runs (:func:`run_seeds`), the runs' networks trained side by side."""
    return _summary(discriminative_scores, real, synthetic, settings, seed, *keys)


def predictive_summary(real: np.ndarray, synthetic: np.ndarray, settings: ScoreSettings,
                       seed: int, *keys: object) -> ScoreSummary:
    """The published protocol's predictive score of ``synthetic`` on ``real`` over
    ``settings.n_runs`` runs (:func:`run_seeds`), the runs' networks trained side by side."""
    return _summary(predictive_scores, real, synthetic, settings, seed, *keys)


def _summary(scores: Callable[[Sequence[tuple[np.ndarray, np.ndarray, int]], ScoreSettings],
                              list[float]],
             real: np.ndarray, synthetic: np.ndarray, settings: ScoreSettings, seed: int,
             *keys: object) -> ScoreSummary:
    seeds = run_seeds(settings.n_runs, seed, *keys)
    return ScoreSummary(tuple(scores([(real, synthetic, s) for s in seeds], settings)))


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


class StackedGRU(nn.Module):
    """``R`` independent GRU networks, each ``n_inputs → hidden`` over ``layers`` layers with a
    one-value linear read-out, trained side by side as one GRU.

    Network ``m`` is initialised as it would be alone (``torch.manual_seed(seeds[m])``, then
    ``nn.GRU`` and ``nn.Linear``) and placed in block ``m`` of the one GRU's weights: it reads
    input features ``m·n_inputs …`` and owns hidden units ``m·hidden …``. The weights between
    blocks start at zero and their gradients are masked to zero, so under Adam (elementwise)
    they stay zero and each network trains exactly as alone (up to floating-point summation
    order), while one pass of the ``R·hidden``-wide GRU costs a fraction of ``R`` passes
    (the published protocol's GRUs are 1 to 3 units wide: per-call overhead dominates).
    """

    def __init__(self, n_inputs: int, hidden: int, layers: int, seeds: Sequence[int]) -> None:
        super().__init__()
        alone = []
        for seed in seeds:
            with torch.random.fork_rng(devices=[]):
                torch.manual_seed(seed)
                alone.append((nn.GRU(n_inputs, hidden, num_layers=layers, batch_first=True),
                              nn.Linear(hidden, 1)))
        self.n_models, self.n_inputs, self.hidden = len(seeds), n_inputs, hidden
        self.gru = nn.GRU(self.n_models * n_inputs, self.n_models * hidden, num_layers=layers,
                          batch_first=True)
        with torch.no_grad():
            for name, stacked in self.gru.named_parameters():
                mask = torch.zeros_like(stacked, dtype=torch.bool)
                stacked.zero_()
                for m, (gru, _) in enumerate(alone):
                    own = getattr(gru, name)
                    for gate in range(3):       # PyTorch's gate order: reset, update, new
                        rows = slice((gate * self.n_models + m) * hidden,
                                     (gate * self.n_models + m + 1) * hidden)
                        block = (rows,) if own.ndim == 1 else (
                            rows, slice(m * own.shape[1], (m + 1) * own.shape[1]))
                        stacked[block] = own[gate * hidden:(gate + 1) * hidden]
                        mask[block] = True
                if not bool(mask.all()):
                    stacked.register_hook(lambda grad, mask=mask: grad * mask)
            self.out_weight = nn.Parameter(torch.stack([out.weight[0] for _, out in alone]))
            self.out_bias = nn.Parameter(torch.cat([out.bias for _, out in alone]))

    def _read_out(self, states: torch.Tensor) -> torch.Tensor:
        """``(..., R·hidden)`` states -> ``(..., R)`` outputs, network by network."""
        blocks = states.unflatten(-1, (self.n_models, self.hidden))
        return (blocks * self.out_weight).sum(-1) + self.out_bias

    def last_state(self, x: torch.Tensor) -> torch.Tensor:
        """One logit per sequence and network ``(batch, R)`` from the last layer's final
        state; ``x`` is ``(batch, steps, R·n_inputs)``, network ``m``'s input in block ``m``."""
        _, h_n = self.gru(x)
        return self._read_out(h_n[-1])

    def per_step(self, x: torch.Tensor) -> torch.Tensor:
        """One output per step and network, ``(batch, steps, R)``."""
        outputs, _ = self.gru(x)
        return self._read_out(outputs)


def side_by_side(blocks: Sequence[torch.Tensor]) -> torch.Tensor:
    """Each network's ``(n_m, steps, d)`` input in its feature block of one
    ``(max n_m, steps, R·d)`` tensor, zero-padded below (the rows past ``n_m`` of network
    ``m`` are read by no one)."""
    rows = max(len(b) for b in blocks)
    out = torch.zeros((rows, blocks[0].shape[1], len(blocks) * blocks[0].shape[2]))
    d = blocks[0].shape[2]
    for m, block in enumerate(blocks):
        out[:len(block), :, m * d:(m + 1) * d] = block
    return out


def _batch(generator: np.random.Generator, n: int, size: int) -> torch.Tensor:
    """``size`` distinct indices of ``n`` (all of them, shuffled, when ``n <= size``)."""
    return torch.from_numpy(generator.permutation(n)[:size])


def _in_groups(tasks: Sequence[T], key: Callable[[T], object],
               run: Callable[[list[T]], list[float]]) -> list[float]:
    """``run`` on each group of tasks with equal ``key`` (networks that can share one
    :class:`StackedGRU`), the results back in the tasks' order."""
    groups: dict[object, list[int]] = {}
    for i, task in enumerate(tasks):
        groups.setdefault(key(task), []).append(i)
    out = [0.0] * len(tasks)
    for members in groups.values():
        for i, value in zip(members, run([tasks[i] for i in members])):
            out[i] = value
    return out


@dataclass(frozen=True)
class _Classification:
    """One discriminative run's data: both classes subsampled to ``n`` and split."""

    real: torch.Tensor
    synthetic: torch.Tensor
    n_train: int
    draws: np.random.Generator
    seed: int

    @classmethod
    def prepare(cls, real: np.ndarray, synthetic: np.ndarray, settings: ScoreSettings,
                seed: int) -> _Classification:
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
        return cls(torch.from_numpy(real3[draws.choice(len(real3), n, replace=False)]),
                   torch.from_numpy(synth3[draws.choice(len(synth3), n, replace=False)]),
                   n_train, draws, seed)


def discriminative_scores(tasks: Sequence[tuple[np.ndarray, np.ndarray, int]],
                          settings: ScoreSettings) -> list[float]:
    """``|accuracy − 0.5|`` of a GRU classifier of real vs synthetic windows on held-out data,
    for each ``(real, synthetic, seed)`` task; the tasks' networks train side by side
    (:class:`StackedGRU`), each on its own data, batches and initialisation from its seed."""
    prepared = [_Classification.prepare(real, synth, settings, seed)
                for real, synth, seed in tasks]
    return _in_groups(prepared, lambda c: (c.real.shape[1:], min(settings.batch_size,
                                                                  c.n_train)),
                      lambda group: _classify(group, settings))


def _classify(group: list[_Classification], settings: ScoreSettings) -> list[float]:
    n_features = group[0].real.shape[2]
    net = StackedGRU(n_features, settings.hidden_for(n_features), settings.num_layers,
                     [c.seed for c in group])
    optimizer = torch.optim.Adam(net.parameters(), lr=settings.learning_rate)
    batch = min(settings.batch_size, group[0].n_train)
    labels = torch.cat([torch.ones(batch), torch.zeros(batch)])[:, None].expand(-1, len(group))
    net.train()
    for _ in range(settings.discriminative_iterations):
        x = side_by_side([torch.cat([c.real[:c.n_train][_batch(c.draws, c.n_train, batch)],
                                     c.synthetic[:c.n_train][_batch(c.draws, c.n_train, batch)]])
                          for c in group])
        # TimeGAN's loss per network, mean BCE on real + mean BCE on synthetic, in one pass.
        per_net = nn.functional.binary_cross_entropy_with_logits(
            net.last_state(x), labels, reduction="none").mean(0)
        loss = 2.0 * per_net.sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    net.eval()
    with torch.no_grad():
        real = net.last_state(side_by_side([c.real[c.n_train:] for c in group]))
        synth = net.last_state(side_by_side([c.synthetic[c.n_train:] for c in group]))
    scores = []
    for m, c in enumerate(group):
        n_test = len(c.real) - c.n_train
        correct = (real[:n_test, m] > 0).sum() + (synth[:n_test, m] <= 0).sum()
        scores.append(abs(float(correct) / (2 * n_test) - 0.5))
    return scores


def discriminative_score(real: np.ndarray, synthetic: np.ndarray, settings: ScoreSettings,
                         seed: int) -> float:
    """``|accuracy − 0.5|`` of one GRU classifier of real vs synthetic windows on held-out
    data (:func:`discriminative_scores` of one task)."""
    return discriminative_scores([(real, synthetic, seed)], settings)[0]


def next_step_pairs(windows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inputs ``(n, L−1, d_in)`` and targets ``(n, L−1, 1)`` of the predictive task."""
    w = as_windows_3d(windows)
    d = w.shape[2]
    inputs = w[:, :-1, :] if d == 1 else w[:, :-1, : d - 1]
    return inputs, w[:, 1:, d - 1:]


@dataclass(frozen=True)
class _Regression:
    """One predictive run's data: the next-step pairs of the synthetic (training) and the
    real (scoring) windows."""

    train_x: torch.Tensor
    train_y: torch.Tensor
    real_x: torch.Tensor
    real_y: np.ndarray
    n_features: int     # of the windows: TimeGAN sizes the GRU by it, not by the inputs
    seed: int

    @classmethod
    def prepare(cls, real: np.ndarray, synthetic: np.ndarray, seed: int) -> _Regression:
        real3, synth3 = as_windows_3d(real), as_windows_3d(synthetic)
        if real3.shape[2] != synth3.shape[2]:
            raise DataError(f"real windows have {real3.shape[2]} features, synthetic "
                            f"{synth3.shape[2]}")
        train_x, train_y = next_step_pairs(synth3)
        real_x, real_y = next_step_pairs(real3)
        return cls(torch.from_numpy(train_x), torch.from_numpy(np.ascontiguousarray(train_y)),
                   torch.from_numpy(real_x), real_y, synth3.shape[2], seed)


def predictive_scores(tasks: Sequence[tuple[np.ndarray, np.ndarray, int]],
                      settings: ScoreSettings) -> list[float]:
    """Mean absolute error on the real windows of a next-step GRU trained (L1 loss, TimeGAN's
    predictive network) on the synthetic windows, for each ``(real, synthetic, seed)`` task;
    the tasks' networks train side by side (:class:`StackedGRU`)."""
    prepared = [_Regression.prepare(real, synth, seed) for real, synth, seed in tasks]
    return _in_groups(prepared, lambda r: (r.train_x.shape[1:], r.n_features,
                                           min(settings.batch_size, len(r.train_x))),
                      lambda group: _regress(group, settings))


def _regress(group: list[_Regression], settings: ScoreSettings) -> list[float]:
    net = StackedGRU(group[0].train_x.shape[2], settings.hidden_for(group[0].n_features),
                     settings.num_layers, [r.seed for r in group])

    def predict(x: torch.Tensor) -> torch.Tensor:
        out = net.per_step(x)
        return torch.sigmoid(out) if settings.head == "sigmoid" else out

    draws = [rng(r.seed, "predictive") for r in group]
    optimizer = torch.optim.Adam(net.parameters(), lr=settings.learning_rate)
    net.train()
    for _ in range(settings.predictive_iterations):
        picks = [_batch(d, len(r.train_x), settings.batch_size) for d, r in zip(draws, group)]
        x = side_by_side([r.train_x[i] for r, i in zip(group, picks)])
        y = torch.cat([r.train_y[i] for r, i in zip(group, picks)], dim=2)
        loss = torch.abs(predict(x) - y).mean((0, 1)).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    net.eval()
    with torch.no_grad():
        out = predict(side_by_side([r.real_x for r in group])).numpy()
    return [float(np.mean(np.abs(out[:len(r.real_x), :, m] - r.real_y[..., 0])))
            for m, r in enumerate(group)]


def predictive_score(real: np.ndarray, synthetic: np.ndarray, settings: ScoreSettings,
                     seed: int) -> float:
    """MAE on the real windows of a next-step GRU trained on the synthetic windows
    (:func:`predictive_scores` of one task)."""
    return predictive_scores([(real, synthetic, seed)], settings)[0]

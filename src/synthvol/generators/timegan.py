"""TimeGAN (Yoon, Jarrett & van der Schaar, NeurIPS 2019) in PyTorch.

Five GRU networks: an embedder ``e`` and a recovery ``r`` map windows to and from a latent
sequence ``H``; a generator ``g`` turns uniform noise into latent sequences ``E_hat``; a
supervisor ``s`` predicts the next latent step (``H_hat = s(E_hat)``); a discriminator ``d``
tells real latents from synthetic ones. Training follows the authors' reference code
(github.com/jsyoon0823/TimeGAN, ``timegan.py``) in three phases of ``iterations`` mini-batch
steps each:

1. embedding: ``e`` and ``r`` minimise ``10·sqrt(MSE(X, r(e(X))))``;
2. supervised: ``s`` minimises ``L_S = MSE(H[:, 1:], s(H)[:, :-1])`` on real latents;
3. joint: per iteration, twice (``g``, ``s`` on ``L_U + γ·L_U,e + 100·sqrt(L_S) + 100·L_V``
   — adversarial losses of both latent paths ``H_hat`` and ``E_hat``, the supervised loss and
   the moment loss ``L_V = mean|std(X_hat) − std(X)| + mean|mean(X_hat) − mean(X)|`` over the
   batch axis — then ``e``, ``r`` on ``10·sqrt(MSE) + 0.1·L_S``), then once ``d`` on
   ``BCE(real) + BCE(fake) + γ·BCE(fake_e)``, updated only while that loss exceeds 0.15.

Simplifications against the reference code:

* the recovery network ends in ``tanh`` instead of ``sigmoid``, because the study's windows
  are scaled to ``[-1, 1]``, not ``[0, 1]`` (the latent networks keep their sigmoid outputs);
* far fewer iterations in params.yaml (``budget="cpu"``): the reference runs 10,000 per phase;
  on the study's 2-core CPU a joint-phase iteration (two generator, two embedder and one
  discriminator update, each through several 3-layer GRUs over 60 steps) costs about 0.8 s,
  so params.yaml's 150 per phase fits the 3965 S&P 500 windows in about 2.5 minutes (143 s
  measured). With so few steps the reference learning rate (1e-3) leaves the generator
  collapsed onto the mean window; ``learning_rate=5e-3`` escapes it within about 80 joint
  iterations. ``budget="reference"`` restores the reference budget, 10,000 iterations per
  phase at learning rate 1e-3 (``iterations`` and ``learning_rate`` are then ignored).
  Measured on the study machine (1 torch thread, 3965 windows of 60 steps, CPU time per
  iteration: embedding 0.19 s, supervised 0.045 s, joint 0.79 s), that is
  10,000 × 1.03 s ≈ 2.9 CPU hours; with ``generators.device: auto`` it runs on a GPU when
  one is present;
* windows all have the same length, so the reference code's per-sequence lengths are unused.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from synthvol.declare import param
from synthvol.generators.base import Generator
from synthvol.generators.nets import (
    module_state,
    random_batch,
    torch_generator,
    train_iterations,
)

#: The discriminator is updated only while its loss on a fresh batch is above this value.
DISCRIMINATOR_THRESHOLD = 0.15
#: The reference code's budget (jsyoon0823/TimeGAN, ``main_timegan.py``): iterations per
#: phase and Adam's default step size.
REFERENCE_ITERATIONS, REFERENCE_LEARNING_RATE = 10_000, 1e-3


class RecurrentBlock(nn.Module):
    """A stacked GRU followed, at every step, by a linear map and an optional activation."""

    def __init__(self, input_dim: int, hidden_dim: int, output_dim: int, num_layers: int,
                 activation: nn.Module | None) -> None:
        super().__init__()
        self.gru = nn.GRU(input_dim, hidden_dim, num_layers=num_layers, batch_first=True)
        self.linear = nn.Linear(hidden_dim, output_dim)
        self.activation = activation or nn.Identity()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.gru(x)
        return self.activation(self.linear(out))


class TimeGANNetworks(nn.Module):
    """The five networks of TimeGAN for ``n_features`` observed and ``hidden_dim`` latent units."""

    def __init__(self, n_features: int, hidden_dim: int, num_layers: int) -> None:
        super().__init__()
        self.noise_dim = n_features    # the reference code draws noise of the data's width
        self.embedder = RecurrentBlock(n_features, hidden_dim, hidden_dim, num_layers,
                                       nn.Sigmoid())
        self.recovery = RecurrentBlock(hidden_dim, hidden_dim, n_features, num_layers, nn.Tanh())
        self.generator = RecurrentBlock(self.noise_dim, hidden_dim, hidden_dim, num_layers,
                                        nn.Sigmoid())
        self.supervisor = RecurrentBlock(hidden_dim, hidden_dim, hidden_dim,
                                         max(1, num_layers - 1), nn.Sigmoid())
        self.discriminator = RecurrentBlock(hidden_dim, hidden_dim, 1, num_layers, None)

    def synthesise(self, noise: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Noise -> generated latents ``E_hat``, supervised latents ``H_hat``, windows ``X_hat``."""
        e_hat = self.generator(noise)
        h_hat = self.supervisor(e_hat)
        return e_hat, h_hat, self.recovery(h_hat)


@contextlib.contextmanager
def frozen(*modules: nn.Module) -> Iterator[None]:
    """Let gradients flow through ``modules`` without computing their parameters' gradients."""
    params = [p for m in modules for p in m.parameters()]
    for p in params:
        p.requires_grad_(False)
    try:
        yield
    finally:
        for p in params:
            p.requires_grad_(True)


def supervised_loss(latents: torch.Tensor, predicted: torch.Tensor) -> torch.Tensor:
    """``L_S``: the supervisor's one-step-ahead prediction error on a latent sequence."""
    return F.mse_loss(predicted[:, :-1], latents[:, 1:])


def moment_loss(synthetic: torch.Tensor, real: torch.Tensor) -> torch.Tensor:
    """``L_V``: mean absolute gaps of the batch std and the batch mean, per step and feature."""
    std_gap = (torch.sqrt(synthetic.var(0, unbiased=False) + 1e-6)
               - torch.sqrt(real.var(0, unbiased=False) + 1e-6)).abs().mean()
    mean_gap = (synthetic.mean(0) - real.mean(0)).abs().mean()
    return std_gap + mean_gap


def adversarial_loss(logits: torch.Tensor, real: bool) -> torch.Tensor:
    """Sigmoid cross-entropy of discriminator ``logits`` against all-real or all-fake labels."""
    target = torch.ones_like(logits) if real else torch.zeros_like(logits)
    return F.binary_cross_entropy_with_logits(logits, target)


@dataclass(frozen=True)
class TimeGANSettings:
    """TimeGAN's hyper-parameters (the study's: ``generators.models.timegan`` in params.yaml)."""

    hidden_dim: int = param("latent width and GRU hidden size of all five networks "
                            "(reference: 24)", ge=1, smoke=4)
    num_layers: int = param("GRU layers per network, the supervisor one fewer (reference: 3)",
                            ge=1, le=10, smoke=1)
    iterations: int = param("mini-batch steps per training phase (reference: 10,000)", ge=1,
                            smoke=3)
    batch_size: int = param("windows per mini-batch", ge=1, smoke=16)
    learning_rate: float = param("Adam step size of all five optimisers (reference: 1e-3)",
                                 gt=0)
    gamma: float = param("weight of the adversarial loss on the unsupervised latent path "
                         "E_hat", ge=0)
    budget: Literal["cpu", "reference"] = param(
        "cpu: iterations and learning_rate as given; reference: the reference code's 10,000 "
        "iterations per phase at learning rate 1e-3 (the two are then ignored)")


class TimeGAN(Generator):
    """TimeGAN with the reference code's three training phases and losses
    (:class:`TimeGANSettings`).

    ``seed`` seeds network initialisation, mini-batches and noise.
    """

    name = "timegan"
    Settings = TimeGANSettings

    def __init__(self, settings: TimeGANSettings, seed: int, device: str = "cpu") -> None:
        super().__init__(settings, seed, device)
        self.nets: TimeGANNetworks | None = None

    @property
    def training_budget(self) -> tuple[int, float]:
        """Iterations per phase and Adam step size: the settings', or with ``budget:
        reference`` the reference code's."""
        if self.settings.budget == "reference":
            return REFERENCE_ITERATIONS, REFERENCE_LEARNING_RATE
        return self.settings.iterations, self.settings.learning_rate

    def _build(self, n_features: int) -> TimeGANNetworks:
        self.nets = TimeGANNetworks(n_features, self.settings.hidden_dim,
                                    self.settings.num_layers).to(self.device)
        return self.nets

    def _noise(self, n: int, length: int, generator: torch.Generator) -> torch.Tensor:
        """Uniform ``[0, 1)`` noise as in the reference code, drawn on the CPU for determinism."""
        assert self.nets is not None
        shape = (n, length, self.nets.noise_dim)
        return torch.rand(shape, generator=generator).to(self.device)

    def _fit(self, windows: np.ndarray) -> list[dict[str, float]]:
        data = torch.from_numpy(windows).to(self.device)
        n, length = len(windows), windows.shape[1]
        nets = self._build(windows.shape[2])
        batches = torch_generator(self.seed, self.name, "batches")
        noise = torch_generator(self.seed, self.name, "noise")
        iterations, learning_rate = self.training_budget
        batch_size, gamma = self.settings.batch_size, self.settings.gamma

        def adam(*modules: nn.Module) -> torch.optim.Adam:
            params = [p for m in modules for p in m.parameters()]
            return torch.optim.Adam(params, lr=learning_rate)

        embed_opt = adam(nets.embedder, nets.recovery)
        supervise_opt = adam(nets.supervisor)
        generate_opt = adam(nets.generator, nets.supervisor)
        discriminate_opt = adam(nets.discriminator)

        def embedding_step(x: torch.Tensor, supervised_weight: float) -> dict[str, float]:
            """Phase 1 (weight 0) and the embedder half of phase 3 (weight 0.1)."""
            h = nets.embedder(x)
            recon = F.mse_loss(nets.recovery(h), x)
            loss = 10 * torch.sqrt(recon)
            if supervised_weight:
                with frozen(nets.supervisor):
                    loss = loss + supervised_weight * supervised_loss(h, nets.supervisor(h))
            embed_opt.zero_grad()
            loss.backward()
            embed_opt.step()
            return {"recon_mse": recon.item()}

        def supervisor_step(x: torch.Tensor) -> dict[str, float]:
            """Phase 2: the supervisor learns next-step prediction on real latents."""
            with torch.no_grad():
                h = nets.embedder(x)
            loss = supervised_loss(h, nets.supervisor(h))
            supervise_opt.zero_grad()
            loss.backward()
            supervise_opt.step()
            return {"supervised_mse": loss.item()}

        def generator_step(x: torch.Tensor) -> dict[str, float]:
            """Phase 3: generator and supervisor on adversarial, supervised and moment losses."""
            with torch.no_grad():
                h = nets.embedder(x)
            with frozen(nets.recovery, nets.discriminator):
                # Real and synthetic paths share each network call (one batch, then split).
                e_hat = nets.generator(self._noise(len(x), length, noise))
                h_hat, h_next = nets.supervisor(torch.cat([e_hat, h])).split(len(x))
                logits, logits_e = nets.discriminator(torch.cat([h_hat, e_hat])).split(len(x))
                adv = adversarial_loss(logits, real=True)
                adv_e = adversarial_loss(logits_e, real=True)
                sup = supervised_loss(h, h_next)
                mom = moment_loss(nets.recovery(h_hat), x)
            loss = adv + gamma * adv_e + 100 * torch.sqrt(sup) + 100 * mom
            generate_opt.zero_grad()
            loss.backward()
            generate_opt.step()
            return {"g_adv": adv.item(), "g_adv_e": adv_e.item(), "supervised_mse": sup.item(),
                    "moments": mom.item()}

        def discriminator_step(x: torch.Tensor) -> dict[str, float]:
            """Phase 3: the discriminator, updated only while its loss exceeds the threshold."""
            with torch.no_grad():
                h = nets.embedder(x)
                e_hat, h_hat, _ = nets.synthesise(self._noise(len(x), length, noise))
            logits, logits_hat, logits_e = nets.discriminator(
                torch.cat([h, h_hat, e_hat])).split(len(x))
            loss = (adversarial_loss(logits, real=True)
                    + adversarial_loss(logits_hat, real=False)
                    + gamma * adversarial_loss(logits_e, real=False))
            updated = loss.item() > DISCRIMINATOR_THRESHOLD
            if updated:
                discriminate_opt.zero_grad()
                loss.backward()
                discriminate_opt.step()
            return {"d_loss": loss.item(), "d_updated": float(updated)}

        def joint_step(index: torch.Tensor) -> dict[str, float]:
            """Twice generator then embedder on one batch each, then the discriminator."""
            metrics: dict[str, float] = {}
            for x in (data[index], data[random_batch(n, batch_size, batches)]):
                metrics.update(generator_step(x))
                metrics.update(embedding_step(x, supervised_weight=0.1))
            metrics.update(discriminator_step(data[random_batch(n, batch_size, batches)]))
            return metrics

        phases = [("embedding", lambda index: embedding_step(data[index], supervised_weight=0.0)),
                  ("supervised", lambda index: supervisor_step(data[index])),
                  ("joint", joint_step)]
        history: list[dict[str, float]] = []
        for phase, (label, step) in enumerate(phases, start=1):
            rows = train_iterations(step, n, iterations, batch_size, batches,
                                    f"{self.name} phase {phase} ({label})")
            history += [{"phase": float(phase), **row} for row in rows]
        return history

    def _sample(self, n: int, length: int) -> np.ndarray:
        if self.nets is None:
            raise RuntimeError("timegan: networks missing; fit() or load first")
        noise = torch_generator(self.seed, self.name, "sample")
        _, _, x_hat = self.nets.synthesise(self._noise(n, length, noise))
        return x_hat.cpu().numpy()

    def state_dict(self) -> dict[str, Any]:
        if self.nets is None:
            raise RuntimeError("timegan: nothing to save before fit()")
        return {"networks": module_state(self.nets)}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if self.shape is None:
            raise RuntimeError("timegan: load_state_dict needs the data shape")
        self._build(self.shape[1]).load_state_dict(state["networks"])

"""DDPM (Ho, Jain & Abbeel, 2020) over return windows, with Diffusion-TS's x₀ target.

Forward process ``q(x_t | x_0) = N(√ᾱ_t x_0, (1 − ᾱ_t) I)``, ``t = 1..T``. Sampling starts
from ``x_T ~ N(0, I)``, which is only the law the denoiser was trained on if the schedule
reaches noise: ``ᾱ_T ≈ 0``. Three named schedules (:func:`beta_schedule`):

* ``cosine`` (default): Nichol & Dhariwal (2021), ``ᾱ(t) = f(t)/f(0)``,
  ``f(t) = cos²((t/T + s)/(1 + s) · π/2)``, ``s = 0.008``, ``β`` clipped at 0.999; ``ᾱ_T ≈ 0``;
* ``scaled_linear``: Ho et al.'s ``β`` from 1e-4 to 0.02 over 1000 steps, rescaled by
  ``1000/T`` (as Diffusion-TS's linear schedule); ``ᾱ_T ≈ 4e-5`` at ``T = 100``;
* ``notebook``: the seed notebook's ``β`` from 1e-4 to 0.02 over ``T`` steps. **Defective**:
  at ``T = 100`` it leaves ``ᾱ_T ≈ 0.364``, so ``x_T`` keeps 60% of the signal and sampling
  from ``N(0, I)`` starts from a law the model never saw. Kept only to reproduce the notebook.

Denoiser: a trend plus a residual, ``trend + residual``: the trend is a cubic polynomial in
time whose coefficients come from the time-pooled features (Diffusion-TS's polynomial trend
block; Yuan & Qiao, ICLR 2024, github.com/Y-debug-sys/Diffusion-TS); the residual is a dilated
1-D convolution network with the diffusion step embedded in every block (receptive field
≥ 61 steps with 4 blocks). What it predicts:

* ``prediction="epsilon"`` (default): the noise, trained with Ho et al.'s squared error;
* ``prediction="x0"``: the clean window, trained with Diffusion-TS's loss, the L1 error plus
  ``λ (|Re F(x_0) − Re F(x̂_0)|₁ + |Im F(x_0) − Im F(x̂_0)|₁)`` with the FFT over time ``F``
  normalised by ``1/L`` and ``λ = √L / 5`` by default (their default weight). With a squared
  error the Fourier term would be the squared error / L (Parseval), a rescaling Adam ignores;
  with L1 it is not. L1's minimiser is the median of ``x_0`` given ``x_t``, not the posterior
  mean the sampler assumes.

Sampling is ancestral from the posterior ``q(x_{t−1} | x_t, x̂_0)`` with its variance
``β̃_t = β_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t)``, ``x̂_0`` (predicted, or implied by ``ε̂``) clipped to
the training windows' range (Diffusion-TS clips to its data range ``[−1, 1]``).

Measured on the quick study's S&P windows (1751 × 60, 40 epochs, 1000 samples, 3
discriminative runs; real sd 0.169): notebook schedule, ε: sd 0.100, discriminative
0.173 ± 0.075 (runs 0.025, 0.230, 0.265); cosine, ε: sd 0.115, 0.249 ± 0.016; cosine, x₀ with
squared error: sd 0.064, 0.298 ± 0.118. Three runs do not separate them; ε is the default
because its samples come closest to the data's scale.

Simplifications, named here and in the report: a convolutional residual instead of
Diffusion-TS's transformer with a Fourier-basis seasonal block, no per-step loss
reweighting, and windows standardised per feature (training mean and standard deviation,
undone after sampling).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import torch
from torch import nn

from synthvol.declare import param
from synthvol.generators.base import Generator
from synthvol.generators.nets import (
    module_state,
    sinusoidal_embedding,
    torch_generator,
    train_epochs,
)
from synthvol.progress import Progress, get_logger

#: Degree of the denoiser's polynomial trend (Diffusion-TS uses a cubic).
TREND_DEGREE = 3


def beta_schedule(name: str, n_steps: int) -> torch.Tensor:
    """The ``β_1..β_T`` of schedule ``name`` (see the module docstring), float64."""
    if name == "cosine":
        s = 0.008
        grid = torch.linspace(0, n_steps, n_steps + 1, dtype=torch.float64) / n_steps
        f = torch.cos((grid + s) / (1 + s) * math.pi / 2) ** 2
        return torch.clip(1 - f[1:] / f[:-1], 0, 0.999)
    if name == "scaled_linear":
        scale = 1000 / n_steps
        return torch.linspace(scale * 1e-4, scale * 0.02, n_steps, dtype=torch.float64)
    if name == "notebook":
        return torch.linspace(1e-4, 0.02, n_steps, dtype=torch.float64)
    raise ValueError(f"unknown schedule {name!r}")


class _ResidualBlock(nn.Module):
    """GroupNorm–SiLU–dilated conv, plus the step embedding, twice, with a skip."""

    def __init__(self, channels: int, dilation: int) -> None:
        super().__init__()
        groups = 8 if channels % 8 == 0 else 1
        self.norm1 = nn.GroupNorm(groups, channels)
        self.conv1 = nn.Conv1d(channels, channels, 3, padding=dilation, dilation=dilation)
        self.step = nn.Linear(channels, channels)
        self.norm2 = nn.GroupNorm(groups, channels)
        self.conv2 = nn.Conv1d(channels, channels, 3, padding=1)

    def forward(self, x: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        h = self.conv1(nn.functional.silu(self.norm1(x)))
        h = h + self.step(emb)[:, :, None]
        h = self.conv2(nn.functional.silu(self.norm2(h)))
        return x + h


class Denoiser(nn.Module):
    """``(x_t, t) ↦`` trend + residual, for ``x_t`` of shape ``(batch, length, d)``.

    The output is ``x̂_0`` or ``ε̂`` depending on what the model is trained to predict.
    """

    def __init__(self, n_features: int, channels: int, n_blocks: int) -> None:
        super().__init__()
        self.channels = channels
        self.n_features = n_features
        self.embed = nn.Sequential(nn.Linear(channels, channels), nn.SiLU(),
                                   nn.Linear(channels, channels))
        self.inp = nn.Conv1d(n_features, channels, 1)
        self.blocks = nn.ModuleList(_ResidualBlock(channels, 2 ** (b % 5))
                                    for b in range(n_blocks))
        self.out = nn.Sequential(nn.GroupNorm(8 if channels % 8 == 0 else 1, channels),
                                 nn.SiLU(), nn.Conv1d(channels, n_features, 1))
        self.trend = nn.Linear(channels, n_features * (TREND_DEGREE + 1))
        for layer in (self.out[-1], self.trend):
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)

    def forward(self, x: torch.Tensor, steps: torch.Tensor) -> torch.Tensor:
        emb = self.embed(sinusoidal_embedding(steps, self.channels))
        h = self.inp(x.transpose(1, 2))
        for block in self.blocks:
            h = block(h, emb)
        residual = self.out(h).transpose(1, 2)
        length = x.shape[1]
        time = torch.linspace(-1, 1, length, device=x.device)
        basis = torch.stack([time ** k for k in range(TREND_DEGREE + 1)])   # (degree+1, L)
        coefficients = self.trend(h.mean(dim=2)).view(len(x), self.n_features, -1)
        trend = torch.einsum("bfk,kl->blf", coefficients, basis)
        return trend + residual


def fourier_loss(predicted: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Diffusion-TS's Fourier term: mean absolute gaps of the real and imaginary parts of the
    FFTs over time (normalised by ``1/L``)."""
    gap = torch.fft.fft(predicted, dim=1, norm="forward") - torch.fft.fft(target, dim=1,
                                                                         norm="forward")
    return gap.real.abs().mean() + gap.imag.abs().mean()


@dataclass(frozen=True)
class DDPMSettings:
    """DDPM's hyper-parameters (the study's: ``generators.models.diffusion`` in params.yaml)."""

    n_steps: int = param("diffusion steps T", ge=1, le=10000, smoke=10)
    schedule: Literal["cosine", "scaled_linear", "notebook"] = param(
        "cosine | scaled_linear (both reach noise) | notebook (alpha_bar_T = 0.36: defective)")
    prediction: Literal["x0", "epsilon"] = param(
        "what the denoiser predicts: epsilon (Ho et al., squared error) | x0 (Diffusion-TS: L1 "
        "plus the Fourier term)")
    fourier_weight: float | None = param(
        "weight of the Fourier term, prediction x0 only (0 = off); null = sqrt(window length) "
        "/ 5", ge=0)
    channels: int = param("width of the denoiser", ge=1, smoke=8)
    n_blocks: int = param("residual blocks of the denoiser", ge=1, le=64, smoke=1)
    epochs: int = param("passes over the training windows", ge=1, smoke=2)
    batch_size: int = param("windows per mini-batch", ge=1, smoke=32)
    learning_rate: float = param("Adam step size", gt=0)


class DDPM(Generator):
    """Denoising diffusion probabilistic model with a trend + residual conv denoiser
    (:class:`DDPMSettings`)."""

    name = "diffusion"
    Settings = DDPMSettings

    def __init__(self, settings: DDPMSettings, seed: int, device: str = "cpu") -> None:
        super().__init__(settings, seed, device)
        betas = beta_schedule(settings.schedule, settings.n_steps)
        alpha_bars = torch.cumprod(1.0 - betas, 0)
        previous = torch.cat([torch.ones(1, dtype=torch.float64), alpha_bars[:-1]])
        self.betas = betas.float().to(self.device)
        self.alpha_bars = alpha_bars.float().to(self.device)
        # q(x_{t-1} | x_t, x_0) = N(c0 x_0 + ct x_t, var): Ho et al. (2020), eq. (7).
        self.posterior_c0 = (betas * previous.sqrt() / (1 - alpha_bars)).float().to(self.device)
        self.posterior_ct = ((1 - previous) * (1 - betas).sqrt()
                             / (1 - alpha_bars)).float().to(self.device)
        self.posterior_var = (betas * (1 - previous) / (1 - alpha_bars)).float().to(self.device)
        if self.terminal_alpha_bar >= 0.01:
            get_logger("generators").warning(
                "diffusion: schedule %r leaves alpha_bar_T = %.3f: x_T keeps %.0f%% of the "
                "signal, so sampling from N(0, I) starts from a law the model never saw",
                settings.schedule, self.terminal_alpha_bar,
                100 * math.sqrt(self.terminal_alpha_bar))
        self.net: Denoiser | None = None
        self.mean: torch.Tensor | None = None   # (d,) standardisation of the windows
        self.std: torch.Tensor | None = None
        self.low: torch.Tensor | None = None    # (d,) range of the standardised windows
        self.high: torch.Tensor | None = None

    @property
    def terminal_alpha_bar(self) -> float:
        """``ᾱ_T``: the signal variance left at the last step (≈ 0 when the schedule works)."""
        return float(self.alpha_bars[-1])

    def q_sample(self, x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        """``x_t = √ᾱ_t x_0 + √(1 − ᾱ_t) ε`` for steps ``t`` (0-based) of a batch of windows."""
        a_bar = self.alpha_bars[t][:, None, None]
        return a_bar.sqrt() * x0 + (1.0 - a_bar).sqrt() * noise

    def _build(self, n_features: int) -> Denoiser:
        return Denoiser(n_features, self.settings.channels, self.settings.n_blocks).to(
            self.device)

    def _fourier_weight(self, length: int) -> float:
        weight = self.settings.fourier_weight
        return math.sqrt(length) / 5 if weight is None else weight

    def _fit(self, windows: np.ndarray) -> list[dict[str, float]]:
        data = torch.from_numpy(windows)
        self.mean = data.mean(dim=(0, 1))
        self.std = data.std(dim=(0, 1)).clamp_min(1e-8)
        x0 = ((data - self.mean) / self.std).to(self.device)
        self.low, self.high = x0.amin(dim=(0, 1)).cpu(), x0.amax(dim=(0, 1)).cpu()
        self.net = self._build(x0.shape[2])
        optimiser = torch.optim.Adam(self.net.parameters(), lr=self.settings.learning_rate)
        noise_gen = torch_generator(self.seed, "diffusion", "noise")
        weight = self._fourier_weight(x0.shape[1])
        predict_x0 = self.settings.prediction == "x0"

        def step(index: torch.Tensor) -> dict[str, float]:
            batch = x0[index.to(self.device)]
            t = torch.randint(0, self.settings.n_steps, (len(batch),),
                              generator=noise_gen).to(self.device)
            eps = torch.randn(batch.shape, generator=noise_gen).to(self.device)
            output = self.net(self.q_sample(batch, t, eps), t)
            if not predict_x0:
                loss = nn.functional.mse_loss(output, eps)
                metrics = {"loss": loss.item()}
            else:
                error = nn.functional.l1_loss(output, batch)
                spectral = fourier_loss(output, batch)
                loss = error + weight * spectral
                metrics = {"loss": loss.item(), "l1": error.item(), "fourier": spectral.item()}
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            return metrics

        self.net.train()
        history = train_epochs(step, len(x0), self.settings.epochs, self.settings.batch_size,
                               torch_generator(self.seed, "diffusion", "batches"),
                               "diffusion epoch")
        self.net.eval()
        return history

    def _sample(self, n: int, length: int) -> np.ndarray:
        if self.net is None or self.mean is None or self.std is None:
            raise RuntimeError("diffusion: sample() before fit() or load()")
        gen = torch_generator(self.seed, "diffusion", "sample", n, length)
        d = self.mean.shape[0]
        low, high = self.low.to(self.device), self.high.to(self.device)
        x = torch.randn((n, length, d), generator=gen).to(self.device)
        progress = Progress("diffusion sampling step", self.settings.n_steps,
                            every=max(1, self.settings.n_steps // 4))
        for done, t in enumerate(range(self.settings.n_steps - 1, -1, -1), start=1):
            steps = torch.full((n,), t, dtype=torch.long, device=self.device)
            output = self.net(x, steps)
            if self.settings.prediction == "x0":
                x0 = output
            else:
                a_bar = self.alpha_bars[t]
                x0 = (x - (1.0 - a_bar).sqrt() * output) / a_bar.sqrt()
            x0 = torch.maximum(torch.minimum(x0, high), low)
            x = self.posterior_c0[t] * x0 + self.posterior_ct[t] * x
            if t > 0:
                x = x + self.posterior_var[t].sqrt() * torch.randn(
                    (n, length, d), generator=gen).to(self.device)
            progress.update(done)
        return (x.cpu() * self.std + self.mean).numpy()

    def state_dict(self) -> dict[str, Any]:
        if self.net is None or self.mean is None or self.std is None:
            raise RuntimeError("diffusion: state_dict() before fit()")
        return {"net": module_state(self.net), "mean": self.mean.clone(),
                "std": self.std.clone(), "low": self.low.clone(), "high": self.high.clone()}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.mean = state["mean"].cpu()
        self.std = state["std"].cpu()
        self.low, self.high = state["low"].cpu(), state["high"].cpu()
        self.net = self._build(self.mean.shape[0])
        self.net.load_state_dict(state["net"])
        self.net.eval()

"""Conditional variational auto-encoder (Sohn, Lee & Yan, NeurIPS 2015) for return windows.

The condition ``c`` is the window's volatility regime: the window's realised volatility (the
standard deviation of its scaled returns over time, averaged over features) bucketed into
``n_regimes`` quantile bins whose boundaries are fitted on the training windows and kept in
the checkpoint. ``n_regimes = 3`` gives terciles: calm, normal and turbulent windows.

Model: a GRU encoder ``q(z | x, c) = N(μ, diag σ²)`` reads the window with the one-hot regime
appended to every step; a GRU decoder ``p(x | z, c)`` receives ``[z, c]`` at every step (and
its initial state from them) and emits, per step and feature, the mean and log-variance of a
Gaussian; the prior is ``N(0, I)``. The loss is the negative ELBO per window,

    −ELBO = Σ_{t,f} ½[(x − m)² / s² + log s² + log 2π] + β · Σ_j KL_j,

both sums taken per window and averaged over the batch, so the KL term is on the same
per-window scale as the reconstruction term (``β = 1`` is the true ELBO). The decoder's
variance is learned (bounded below, see :data:`LOGVAR_MIN`) rather than fixed: with returns of
standard deviation ≈ 0.1 in scaled units a fixed unit variance would let the KL term swamp the
reconstruction term and collapse the posterior. Even so, on the S&P 500 windows the posterior
nearly collapses (KL ≈ 0.05 nats per window after 15 epochs): daily returns carry little
structure beyond their volatility, so the fitted model is close to a regime-conditional
Gaussian with learned per-step means and variances.

Sampling draws the regime from its training frequency (or takes it from the caller in
:meth:`CVAE.sample_conditional`), ``z`` from the prior and ``x ~ p(x | z, c)``: the decoder's
mean plus its own Gaussian noise, which is part of the model (``sample_from="likelihood"``,
the default). The decoder's log-variance starts at the log of the training variance: from
the generic start ``s = 1`` the short training left ``s ≈ 0.32`` against returns of sd ≈ 0.13,
so samples were white noise 2.5 times too wide; with this start the learned ``s`` matches
the data (0.131 against 0.130 on 3965 synthetic Student-t windows of 60 steps with random
volatility, 20 epochs; not yet measured on the S&P windows).
``sample_from="mean"`` returns the decoder's mean ``m(z, c)`` instead; with the posterior
near collapse that is almost a constant window per regime (sd 0.008 on the same data), so
it is no default.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from synthvol.declare import param
from synthvol.generators.base import Generator
from synthvol.generators.nets import module_state, torch_generator, train_epochs

#: Bounds of the decoder's log-variance (scaled units): s ≥ e^-5 ≈ 0.007, s ≤ e ≈ 2.7.
LOGVAR_MIN, LOGVAR_MAX = -10.0, 2.0


def realised_volatility(windows: np.ndarray) -> np.ndarray:
    """Per-window volatility of ``(n, length, d)`` windows: std over time, mean over features."""
    return np.asarray(windows, dtype=np.float64).std(axis=1).mean(axis=1)


def regime_labels(windows: np.ndarray, boundaries: np.ndarray) -> np.ndarray:
    """Regime index ``0 .. len(boundaries)`` of each window (0 = calmest)."""
    return np.searchsorted(boundaries, realised_volatility(windows), side="right")


class ConditionalEncoder(nn.Module):
    """``q(z | x, c)``: a GRU over ``[x_t, c]``; its last state gives the posterior's moments."""

    def __init__(self, n_features: int, n_regimes: int, hidden_dim: int, latent_dim: int) -> None:
        super().__init__()
        self.gru = nn.GRU(n_features + n_regimes, hidden_dim, batch_first=True)
        self.head = nn.Linear(hidden_dim, 2 * latent_dim)

    def forward(self, x: torch.Tensor,
                condition: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        steps = condition[:, None, :].expand(-1, x.shape[1], -1)
        _, last = self.gru(torch.cat([x, steps], dim=2))
        mean, logvar = self.head(last[-1]).chunk(2, dim=1)
        return mean, logvar


class ConditionalDecoder(nn.Module):
    """``p(x | z, c)``: a GRU fed ``[z, c]`` at every step, emitting a Gaussian per step."""

    def __init__(self, n_features: int, n_regimes: int, hidden_dim: int, latent_dim: int) -> None:
        super().__init__()
        self.initial = nn.Linear(latent_dim + n_regimes, hidden_dim)
        self.gru = nn.GRU(latent_dim + n_regimes, hidden_dim, batch_first=True)
        self.head = nn.Linear(hidden_dim, 2 * n_features)

    def forward(self, z: torch.Tensor, condition: torch.Tensor,
                length: int) -> tuple[torch.Tensor, torch.Tensor]:
        code = torch.cat([z, condition], dim=1)
        state = torch.tanh(self.initial(code))[None]
        out, _ = self.gru(code[:, None, :].expand(-1, length, -1).contiguous(), state)
        mean, logvar = self.head(out).chunk(2, dim=2)
        return mean, logvar.clamp(LOGVAR_MIN, LOGVAR_MAX)


def gaussian_nll(x: torch.Tensor, mean: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """``−log p(x)`` of a diagonal Gaussian, summed over steps and features, per window."""
    terms = (x - mean) ** 2 * torch.exp(-logvar) + logvar + math.log(2 * math.pi)
    return 0.5 * terms.flatten(1).sum(1)


def kl_to_standard_normal(mean: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """``KL(N(μ, σ²) || N(0, I))`` summed over latent dimensions: one value per window."""
    return 0.5 * (mean ** 2 + torch.exp(logvar) - 1 - logvar).sum(1)


@dataclass(frozen=True)
class CVAESettings:
    """The CVAE's hyper-parameters (the study's: ``generators.models.cvae`` in params.yaml)."""

    latent_dim: int = param("dimension of z", ge=1, smoke=2)
    hidden_dim: int = param("GRU hidden size of encoder and decoder", ge=1, smoke=8)
    epochs: int = param("passes over the training windows", ge=1, smoke=2)
    batch_size: int = param("windows per mini-batch", ge=1, smoke=32)
    learning_rate: float = param("Adam step size", gt=0)
    beta: float = param("weight of the KL term (1 = the ELBO)", ge=0)
    n_regimes: int = param("volatility regimes (quantile buckets of realised volatility)", ge=1)
    sample_from: Literal["likelihood", "mean"] = param(
        "likelihood: x ~ p(x | z, c); mean: the decoder's mean m(z, c)")


class CVAE(Generator):
    """Volatility-regime conditional VAE with GRU encoder and decoder (:class:`CVAESettings`).

    ``seed`` seeds network initialisation, shuffling, the reparameterisation noise and
    sampling.
    """

    name = "cvae"
    Settings = CVAESettings

    def __init__(self, settings: CVAESettings, seed: int, device: str = "cpu") -> None:
        super().__init__(settings, seed, device)
        self.encoder: ConditionalEncoder | None = None
        self.decoder: ConditionalDecoder | None = None
        self.boundaries = np.empty(0)            # realised-volatility cut points between regimes
        self.frequencies = np.empty(0)           # share of training windows in each regime

    def _build(self, n_features: int) -> tuple[ConditionalEncoder, ConditionalDecoder]:
        settings = self.settings
        sizes = (n_features, settings.n_regimes, settings.hidden_dim, settings.latent_dim)
        self.encoder = ConditionalEncoder(*sizes).to(self.device)
        self.decoder = ConditionalDecoder(*sizes).to(self.device)
        return self.encoder, self.decoder

    def _one_hot(self, regimes: torch.Tensor) -> torch.Tensor:
        return F.one_hot(regimes, self.settings.n_regimes).float().to(self.device)

    def _fit(self, windows: np.ndarray) -> list[dict[str, float]]:
        probs = np.arange(1, self.settings.n_regimes) / self.settings.n_regimes
        self.boundaries = np.quantile(realised_volatility(windows), probs)
        labels = regime_labels(windows, self.boundaries)
        self.frequencies = np.bincount(labels, minlength=self.settings.n_regimes) / len(labels)
        encoder, decoder = self._build(windows.shape[2])
        d = windows.shape[2]
        with torch.no_grad():         # the decoder's noise starts at the data's variance
            variance = torch.from_numpy(windows.reshape(-1, d).var(axis=0)).clamp_min(1e-8)
            decoder.head.bias[d:] = variance.log().clamp(LOGVAR_MIN, LOGVAR_MAX)
        data = torch.from_numpy(windows).to(self.device)
        conditions = self._one_hot(torch.from_numpy(labels))
        optimiser = torch.optim.Adam([*encoder.parameters(), *decoder.parameters()],
                                     lr=self.settings.learning_rate)
        noise = torch_generator(self.seed, self.name, "noise")

        def step(index: torch.Tensor) -> dict[str, float]:
            x, c = data[index], conditions[index]
            mean_z, logvar_z = encoder(x, c)
            eps = torch.randn(mean_z.shape, generator=noise).to(self.device)
            mean_x, logvar_x = decoder(mean_z + torch.exp(0.5 * logvar_z) * eps, c, x.shape[1])
            nll = gaussian_nll(x, mean_x, logvar_x).mean()
            kl = kl_to_standard_normal(mean_z, logvar_z).mean()
            loss = nll + self.settings.beta * kl
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            return {"loss": loss.item(), "nll": nll.item(), "kl": kl.item(),
                    "recon_mse": F.mse_loss(mean_x, x).item()}

        return train_epochs(step, len(windows), self.settings.epochs, self.settings.batch_size,
                            torch_generator(self.seed, self.name, "shuffle"),
                            f"{self.name} epoch")

    def _decode(self, regimes: np.ndarray, length: int, generator: torch.Generator) -> np.ndarray:
        """Draw ``z`` from the prior and decode it for each regime index (see ``sample_from``)."""
        if self.decoder is None:
            raise RuntimeError("cvae: networks missing; fit() or load first")
        n = len(regimes)
        condition = self._one_hot(torch.as_tensor(regimes, dtype=torch.long))
        z = torch.randn((n, self.settings.latent_dim), generator=generator).to(self.device)
        mean, logvar = self.decoder(z, condition, length)
        if self.settings.sample_from == "mean":
            return mean.cpu().numpy()
        eps = torch.randn(mean.shape, generator=generator).to(self.device)
        return (mean + torch.exp(0.5 * logvar) * eps).cpu().numpy()

    def _sample(self, n: int, length: int) -> np.ndarray:
        generator = torch_generator(self.seed, self.name, "sample")
        weights = torch.as_tensor(self.frequencies, dtype=torch.float64)
        regimes = torch.multinomial(weights, n, replacement=True, generator=generator).numpy()
        return self._decode(regimes, length, generator)

    def sample_conditional(self, regimes: np.ndarray) -> np.ndarray:
        """One window per entry of ``regimes`` (ints in ``0 .. n_regimes − 1``), ``(n, L, d)``."""
        if self.shape is None:
            raise RuntimeError("cvae: sample_conditional() before fit() or load()")
        labels = np.asarray(regimes)
        if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer) \
                or labels.size and (labels.min() < 0 or labels.max() >= self.settings.n_regimes):
            raise ValueError(f"regimes must be a 1-D integer array in "
                             f"[0, {self.settings.n_regimes}), "
                             f"got {labels!r}")
        generator = torch_generator(self.seed, self.name, "sample_conditional")
        with torch.no_grad():
            return np.asarray(self._decode(labels, self.shape[0], generator), dtype=np.float64)

    def state_dict(self) -> dict[str, Any]:
        if self.encoder is None or self.decoder is None:
            raise RuntimeError("cvae: nothing to save before fit()")
        return {"encoder": module_state(self.encoder), "decoder": module_state(self.decoder),
                "boundaries": [float(b) for b in self.boundaries],
                "frequencies": [float(f) for f in self.frequencies]}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if self.shape is None:
            raise RuntimeError("cvae: load_state_dict needs the data shape")
        encoder, decoder = self._build(self.shape[1])
        encoder.load_state_dict(state["encoder"])
        decoder.load_state_dict(state["decoder"])
        self.boundaries = np.asarray(state["boundaries"], dtype=np.float64)
        self.frequencies = np.asarray(state["frequencies"], dtype=np.float64)

"""Small torch helpers shared by the neural generators: seeded batching and training loops.

Every loop draws its batch order from a :class:`torch.Generator` seeded through
:func:`synthvol.seeds.derive_seed`, so a fit is reproducible on CPU, and reports one line
per epoch (or per ``log_every`` iterations) through :class:`synthvol.progress.Progress`,
which the rule's log file receives.

A *step* is a callable ``step(index) -> {"loss": ..., ...}`` that takes a 1-D tensor of
sample indices, does one optimiser update on that batch and returns float metrics; the
loops average the metrics over an epoch (or a logging block) into the history.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterator

import torch
from torch import nn

from synthvol.progress import Progress
from synthvol.seeds import derive_seed

Step = Callable[[torch.Tensor], dict[str, float]]


def torch_generator(seed: int, *keys: object) -> torch.Generator:
    """A CPU torch generator for the stream ``keys`` of ``seed`` (batch order, noise)."""
    generator = torch.Generator()
    generator.manual_seed(derive_seed(seed, *keys))
    return generator


def minibatches(n: int, batch_size: int, generator: torch.Generator) -> Iterator[torch.Tensor]:
    """One epoch: a seeded permutation of ``range(n)`` cut into batches (last one smaller)."""
    order = torch.randperm(n, generator=generator)
    yield from torch.split(order, max(1, int(batch_size)))


def random_batch(n: int, batch_size: int, generator: torch.Generator) -> torch.Tensor:
    """``min(batch_size, n)`` distinct indices drawn uniformly from ``range(n)``."""
    return torch.randperm(n, generator=generator)[: min(int(batch_size), n)]


def _mean_metrics(rows: list[dict[str, float]]) -> dict[str, float]:
    return {key: sum(row[key] for row in rows) / len(rows) for key in rows[0]}


def train_epochs(step: Step, n: int, epochs: int, batch_size: int,
                 generator: torch.Generator, label: str,
                 validate: Callable[[], float] | None = None, patience: int | None = None,
                 module: nn.Module | None = None) -> list[dict[str, float]]:
    """Run ``epochs`` shuffled passes of ``step`` over ``n`` samples; return per-epoch means.

    With ``validate`` (a callable returning a validation loss) each epoch also records
    ``val_loss``; with ``patience`` training stops after that many epochs without a new
    best validation loss and, if ``module`` is given, its best weights are restored.
    """
    progress = Progress(label, epochs, every=max(1, epochs // 20))
    history: list[dict[str, float]] = []
    best, best_state, stale = math.inf, None, 0
    for epoch in range(1, epochs + 1):
        row = {"epoch": float(epoch),
               **_mean_metrics([step(idx) for idx in minibatches(n, batch_size, generator)])}
        if validate is not None:
            row["val_loss"] = float(validate())
            if row["val_loss"] < best:
                best, stale = row["val_loss"], 0
                if module is not None:
                    best_state = copy.deepcopy(module.state_dict())
            else:
                stale += 1
        history.append(row)
        progress.update(epoch, **{k: v for k, v in row.items() if k != "epoch"})
        if patience is not None and stale >= patience:
            progress.logger.info("%s: early stop at epoch %d (best val_loss %.5g)",
                                 label, epoch, best)
            break
    if module is not None and best_state is not None:
        module.load_state_dict(best_state)
    return history


def train_iterations(step: Step, n: int, iterations: int, batch_size: int,
                     generator: torch.Generator, label: str,
                     log_every: int | None = None) -> list[dict[str, float]]:
    """Run ``iterations`` updates on random batches; history holds block means.

    One history row (and one log line) per ``log_every`` iterations (default: 20 rows).
    """
    log_every = log_every or max(1, iterations // 20)
    progress = Progress(label, iterations, every=log_every)
    history: list[dict[str, float]] = []
    block: list[dict[str, float]] = []
    for it in range(1, iterations + 1):
        block.append(step(random_batch(n, batch_size, generator)))
        if it % log_every == 0 or it == iterations:
            row = {"iteration": float(it), **_mean_metrics(block)}
            history.append(row)
            progress.update(it, **{k: v for k, v in row.items() if k != "iteration"})
            block = []
    return history


def module_state(module: nn.Module) -> dict[str, torch.Tensor]:
    """A detached CPU copy of ``module.state_dict()`` for a weights-only checkpoint."""
    return {key: value.detach().cpu().clone() for key, value in module.state_dict().items()}


def sinusoidal_embedding(steps: torch.Tensor, dim: int) -> torch.Tensor:
    """Transformer-style sinusoidal features of integer steps, ``(len(steps), dim)``."""
    half = dim // 2
    freqs = torch.exp(-math.log(10_000.0) * torch.arange(half, device=steps.device) / half)
    angles = steps.float()[:, None] * freqs[None, :]
    emb = torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)
    return nn.functional.pad(emb, (0, dim - 2 * half))

"""The Monte Carlo design of the SV study: params.yaml's ``sv`` section as one frozen object.

:class:`SVDesign` declares every key of the section (type, range, one-line doc:
:mod:`synthvol.declare`, from which the section's schema is generated) and is built once
from it (:meth:`MonteCarlo.from_params`). A job takes the part of the design it reads, each
part a declaration of its own keys:

* :class:`MonteCarlo`: one chunk's (scheme x setting x replications) truth, seeds, chains,
  priors and sampler settings;
* :class:`SchemeStudy`: that and the schemes (the tables);
* :class:`MixtureErrorStudy`: that and the mixture approximation's error check;
* :class:`SVDesign`: all of it, with the real-data fit.

A rule's params hold only its part's keys (:meth:`MonteCarlo.keys`), so editing another
key (the real-data fit's) reruns none of its jobs; a chunk's truth is narrowed to its own
setting (:meth:`MonteCarlo.narrowed`), so adding a setting reruns no other chunk. Cross-key
rules live in :data:`synthvol.config.CONSTRAINTS`.

Settings are every combination of the true phi, tau^2 and n lists (mu and h_0 shared);
replication r of a setting is simulated from the stream ``("sv", "data", setting, r)``,
so all schemes see the same series, and its chains from ``("sv", scheme, setting, r)``.
Light to import (no numba): the Snakefile reads it for the wildcards.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any, Literal, Self

import numpy as np

from synthvol import declare, registry
from synthvol.declare import param
from synthvol.errors import ConfigError
from synthvol.seeds import derive_seed, rng
from synthvol.sv.model import Priors, StochvolPriors, Tuning, simulate_sv

#: A scheme's name: an entry of :data:`synthvol.registry.SV_SCHEMES`.
SchemeName = Literal[tuple(registry.SV_SCHEMES)]


@dataclass(frozen=True)
class Setting:
    """One true parameter set and sample size of the study."""

    name: str
    n: int
    mu: float
    phi: float
    tau2: float
    h0: float

    @property
    def label(self) -> str:
        """Human-readable, e.g. "φ = 0.99, τ² = 0.0225, n = 100"."""
        return f"φ = {self.phi:g}, τ² = {self.tau2:g}, n = {self.n}"


@dataclass(frozen=True)
class Truth:
    """``sv.truth``: the true parameters; the settings are every phi x tau^2 x n."""

    h0: float = param("h_0 of every simulated path")
    mu: float = param("level mu of h, shared by the settings")
    phi: list[float] = param("persistences phi of the settings", gt=-1, lt=1)
    tau2: list[float] = param("variances tau^2 of h's innovations of the settings", gt=0)
    n: list[int] = param("series lengths n of the settings", ge=10, le=1_000_000)


@dataclass(frozen=True)
class Init:
    """``sv.init``: dispersed starting points; chain c takes entry c of each list (cycled)."""

    mu: list[float] = param("starting values of mu")
    phi: list[float] = param("starting values of phi", gt=-1, lt=1)
    tau2: list[float] = param("starting values of tau^2", gt=0)


@dataclass(frozen=True)
class Prior(Priors):
    """``sv.prior``: which prior family the samplers use, the paper's hyper-parameters
    (those of :class:`~synthvol.sv.model.Priors`) and R stochvol's."""

    family: Literal["paper", "stochvol"] = param(
        "paper: the hyper-parameters beside this key; stochvol: R stochvol's (prior.stochvol)")
    stochvol: StochvolPriors = param("R stochvol's prior, used by family stochvol")

    @property
    def selected(self) -> Priors | StochvolPriors:
        """The priors of :attr:`family`, as the samplers take them."""
        if self.family == "stochvol":
            return self.stochvol
        return Priors(**{f.name: getattr(self, f.name) for f in fields(Priors)})


@dataclass(frozen=True)
class MixtureError:
    """``sv.mixture_error``: long chains of a mixture scheme re-weighted to the exact model,
    in every setting (beyond the paper; :mod:`synthvol.sv.mixture_error`)."""

    scheme: Literal["IV", "V"] = param("block scheme whose draws are re-weighted")
    replication: int = param("the study's replication (series) used in every setting", ge=0)
    n_chains: int = param("chains per setting", ge=1, le=64)
    n_burn: int = param("burn-in sweeps per chain", ge=0)
    n_keep: int = param("kept draws per chain (long: the differences are small)", ge=100)
    batches: int = param("batch means per chain for the MC error of each difference", ge=2)


@dataclass(frozen=True)
class RealData:
    """``sv.real_data``: the SV model fitted to the prepared returns (:mod:`synthvol.sv.real`)."""

    scheme: SchemeName = param("the scheme fitted")
    scale: float = param("returns are multiplied by it before fitting (100: percent)", gt=0)
    n_chains: int = param("chains, from the first of sv.init's starting points", ge=1, le=64)
    n_burn: int = param("burn-in sweeps per chain", ge=0)
    n_keep: int = param("kept draws per chain", ge=10)
    band: float = param("probability of the volatility path's credible band", gt=0, lt=1)


@dataclass(frozen=True)
class MonteCarlo:
    """What one SV chunk reads: the truth, the replications, the chains and their sampler
    settings (the part of ``sv`` that every job running the study's chains shares)."""

    truth: Truth = param("the true parameters of the simulated series")
    n_seeds: int = param("replications (different seeds) per setting", ge=1, le=100_000)
    n_chains: int = param("chains per replication, from the starting points sv.init", ge=2,
                          le=64)
    n_burn: int = param("burn-in sweeps per chain, in addition to n_keep", ge=0)
    n_keep: int = param("kept draws per chain", ge=10)
    init: Init = param("dispersed starting points of the chains")
    prior: Prior = param("the priors of mu, phi, tau^2 and h_0")
    tuning: Tuning = param("scheme I's random-walk step, tuned during burn-in")
    log_offset: float = param("log(y^2 + c), c = (log_offset * sd(y))^2: keeps y = 0 finite",
                              gt=0)
    state_index: int = param("Fig. 1 and Table 2 follow h_state_index (h_n when n is smaller)",
                             ge=1)
    acf_lags: int = param("lags of Fig. 1", ge=1)
    kde_replication: int = param("replication whose pooled draws give Fig. 2", ge=0)

    @classmethod
    def from_params(cls, values: Mapping[str, Any]) -> Self:
        """This part of the design from the ``sv`` keys it declares (a job's params)."""
        return declare.build(cls, values, "sv")

    @classmethod
    def keys(cls, sv: Mapping[str, Any]) -> list[str]:
        """The dotted keys of params ``sv`` that this part declares, in params.yaml's order:
        what a rule whose jobs take this part reads."""
        names = {f.name for f in fields(cls)}
        return [f"sv.{key}" for key in sv if key in names]

    @property
    def settings(self) -> dict[str, Setting]:
        """The settings by name (the workflow's wildcards), in the order phi, tau^2, n."""
        truth = self.truth
        every = (Setting(f"phi{phi:g}_tau2{tau2:g}_n{n}", n, truth.mu, phi, tau2, truth.h0)
                 for phi, tau2, n in itertools.product(truth.phi, truth.tau2, truth.n))
        return {setting.name: setting for setting in every}

    def setting(self, name: str) -> Setting:
        """The setting called ``name``; an unknown name raises :class:`ConfigError`."""
        settings = self.settings
        if name not in settings:
            raise ConfigError(f"sv.truth: no setting named {name!r}")
        return settings[name]

    def narrowed(self, values: Mapping[str, Any], name: str) -> dict[str, Any]:
        """``values`` (a job's params of this design's keys) with the truth narrowed to
        setting ``name`` (one-element lists): what one chunk reads, so adding a setting
        reruns no other chunk."""
        own = self.setting(name)
        return {**values, "truth": {**values["truth"], "phi": [own.phi], "tau2": [own.tau2],
                                    "n": [own.n]}}

    def job_replications(self, seeds_per_job: int) -> list[range]:
        """The replications each job of one (scheme, setting) runs: ``0..n_seeds-1`` in runs
        of ``seeds_per_job`` (params.yaml ``execution``), the last one shorter.

        Job size only: every replication has its own output files, so another split names
        the same files and reruns nothing.
        """
        return [range(start, min(start + seeds_per_job, self.n_seeds))
                for start in range(0, self.n_seeds, seeds_per_job)]

    def starting_points(self) -> np.ndarray:
        """(chains, 3) dispersed starting (mu, phi, tau2), cycling through ``sv.init``."""
        init = self.init
        rows = [(init.mu[c % len(init.mu)], init.phi[c % len(init.phi)],
                 init.tau2[c % len(init.tau2)]) for c in range(self.n_chains)]
        return np.array(rows, dtype=np.float64)

    def sampler_options(self) -> dict[str, Any]:
        """The sampler settings every run shares: scheme I's tuning and the log offset."""
        return {"tuning": self.tuning, "log_offset": self.log_offset}

    def tracked_state(self, setting: Setting) -> int:
        """The state whose chain Fig. 1 and Table 2 follow: h_{state_index}, at most h_n."""
        return min(self.state_index, setting.n)

    @property
    def state_label(self) -> str:
        """The tracked state's name in tables: h_100 (h_n where n < 100)."""
        return f"h_{self.state_index}"


@dataclass(frozen=True)
class SchemeStudy(MonteCarlo):
    """What the tables read: the Monte Carlo design and the schemes run on it."""

    schemes: list[SchemeName] = param(
        "I RW Metropolis, II KSC independence MH, III FFBS one normal, IV FFBS KSC "
        "7-mixture, V FFBS Omori 10-mixture + ASIS (beyond the paper)")


@dataclass(frozen=True)
class MixtureErrorStudy(MonteCarlo):
    """What the mixture approximation's error check reads: the Monte Carlo design (its
    settings, series and sampler settings) and the check's own chains."""

    mixture_error: MixtureError = param("the mixture posterior against the exact one")


@dataclass(frozen=True)
class SVDesign(SchemeStudy, MixtureErrorStudy):
    """params.yaml's ``sv`` section: the study (He & Wang 2015, extended), the mixture
    approximation's error check and the real-data fit."""

    real_data: RealData = param("the SV model fitted to the study's returns, against GARCH")


def simulate_replication(seed: int, setting: Setting, replication: int
                         ) -> tuple[np.ndarray, np.ndarray]:
    """(y, h) of one replication of ``setting``."""
    generator = rng(seed, "sv", "data", setting.name, replication)
    return simulate_sv(setting.n, setting.mu, setting.phi, setting.tau2, setting.h0, generator)


def chain_seed(seed: int, scheme: str, setting: Setting, replication: int) -> int:
    return derive_seed(seed, "sv", scheme, setting.name, replication)

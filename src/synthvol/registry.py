"""One registry per kind of component: the names params.yaml may use, and what they load.

Each registry maps a params name to an :class:`Entry` whose ``target`` is a
``"module:attribute"`` string, imported only when a job asks for it (:meth:`Entry.load`), so
reading the registries (as the Snakefile and the schema do) imports neither torch nor
numba-compiled code. The schema's enums (``x-registry: <kind>`` in
``workflow/schemas/*.yaml``), the Snakemake target lists and the wildcard constraints all
come from here.

Adding a component = its module + one entry here (+ its tests, and its hyper-parameters'
values in params.yaml where it has any: their types, ranges and docs are its declaration's,
``settings``, from which their schema is generated; params.yaml is their values' one source).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from synthvol.errors import ConfigError


@dataclass(frozen=True)
class Entry:
    """A registered component: where it lives, where its hyper-parameters are declared and, for
    generators, whether it draws long paths.

    ``settings`` names its declaration (:mod:`synthvol.declare`), a class in the target's
    module, from which the schema of its params section is generated; None when it has none.
    ``long_paths`` is ``True``/``False``, or the name of a hyper-parameter that must not be
    null for the component to draw paths longer than a window (SBTS: ``markov_order``).
    """

    target: str
    description: str
    long_paths: bool | str = False
    settings: str | None = None

    def load(self) -> Any:
        """Import and return the registered attribute (the heavy import happens here)."""
        return import_target(self.target)

    @property
    def settings_target(self) -> str | None:
        """``"module:Class"`` of the declaration, or None."""
        return self.settings and f"{self.target.split(':')[0]}:{self.settings}"

    def declaration(self) -> type:
        """Import and return the declaration of the entry's settings."""
        if self.settings_target is None:
            raise ConfigError(f"{self.target} declares no settings")
        return import_target(self.settings_target)


def import_target(target: str) -> Any:
    """The attribute at ``"module:attribute"``, its module imported now."""
    module, attribute = target.split(":")
    return getattr(importlib.import_module(module), attribute)


BASELINES: dict[str, Entry] = {
    "ar": Entry("synthvol.baselines.ar:fit_ar", "AR(p) by conditional least squares",
                settings="ARSettings"),
    "garch": Entry("synthvol.baselines.garch:fit_garch", "GARCH(p, q) by maximum likelihood",
                   settings="GARCHSettings"),
    "fbm": Entry("synthvol.baselines.fbm:fit_fbm", "fractional Brownian motion, estimated H",
                 settings="FBMSettings"),
}

GENERATORS: dict[str, Entry] = {
    "sbts": Entry("synthvol.generators.sbts:SBTS",
                  "Schrödinger-bridge time series (Hamdouche et al. 2023)",
                  long_paths="markov_order", settings="SBTSSettings"),
    "timegan": Entry("synthvol.generators.timegan:TimeGAN", "TimeGAN (Yoon et al. 2019)",
                     settings="TimeGANSettings"),
    "diffusion": Entry("synthvol.generators.diffusion:DDPM", "DDPM (Ho et al. 2020)",
                       settings="DDPMSettings"),
    "cvae": Entry("synthvol.generators.cvae:CVAE", "regime-conditional VAE",
                  settings="CVAESettings"),
    "lstm_attention": Entry("synthvol.generators.lstm_attention:LSTMAttention",
                            "the notebook's LSTM-attention net", long_paths=True,
                            settings="LSTMAttentionSettings"),
}

SV_SCHEMES: dict[str, Entry] = {
    "I": Entry("synthvol.sv.samplers:run_sampler", "single-move random-walk Metropolis"),
    "II": Entry("synthvol.sv.samplers:run_sampler", "single-move independence MH (KSC proposal)"),
    "III": Entry("synthvol.sv.samplers:run_sampler", "block FFBS, one-normal approximation"),
    "IV": Entry("synthvol.sv.samplers:run_sampler", "block FFBS, KSC 7-component mixture"),
    "V": Entry("synthvol.sv.samplers:run_sampler",
               "block FFBS, Omori 10-component mixture + ASIS"),
}

FORECAST_MODELS: dict[str, Entry] = {
    "naive": Entry("synthvol.forecast.models:benchmark_fit", "naive (last value)"),
    "drift": Entry("synthvol.forecast.models:benchmark_fit", "random walk with drift"),
    **{name: Entry("synthvol.forecast.models:growth_curve_fit", f"{name} growth curve")
       for name in ("linear", "parabolic", "exponential", "modified_exponential", "gompertz",
                    "logistic")},
    "ses": Entry("synthvol.forecast.models:exponential_smoothing_fit",
                 "simple exponential smoothing"),
    "holt": Entry("synthvol.forecast.models:exponential_smoothing_fit", "Holt's linear trend"),
    "damped": Entry("synthvol.forecast.models:exponential_smoothing_fit",
                    "damped additive trend, ETS(A,Ad,N)"),
    "brown_linear": Entry("synthvol.forecast.models:brown_fit",
                          "Brown's adaptive polynomial, order 1"),
    "brown_quadratic": Entry("synthvol.forecast.models:brown_fit",
                             "Brown's adaptive polynomial, order 2"),
}

#: The registries by kind, as the schema's ``x-registry`` names them.
REGISTRIES: dict[str, dict[str, Entry]] = {
    "baselines": BASELINES,
    "generators": GENERATORS,
    "sv_schemes": SV_SCHEMES,
    "forecast_models": FORECAST_MODELS,
}


_SINGULAR = {"baselines": "baseline", "generators": "generator", "sv_schemes": "SV scheme",
             "forecast_models": "forecast model"}


def entry(kind: str, name: str) -> Entry:
    """The entry ``name`` of registry ``kind``; an unknown name raises :class:`ConfigError`."""
    registry = REGISTRIES[kind]
    if name not in registry:
        raise ConfigError(f"unknown {_SINGULAR[kind]} {name!r}; known: {', '.join(registry)}")
    return registry[name]


def wildcard_pattern(names: list[str]) -> str:
    """A Snakemake wildcard constraint matching exactly ``names`` (nothing when empty)."""
    return "|".join(names) or "^$"


def long_path_generators(generators: Mapping[str, Any]) -> list[str]:
    """The enabled generators that draw paths longer than a window (none if n_long_paths is 0)."""
    if not generators["n_long_paths"]:
        return []
    out = []
    for name in generators["enabled"]:
        long_paths = GENERATORS[name].long_paths
        if isinstance(long_paths, str):
            long_paths = generators["models"][name][long_paths] is not None
        if long_paths:
            out.append(name)
    return out

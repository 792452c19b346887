"""The Monte Carlo design of the SV study, read from the ``sv`` section of params.yaml.

Settings are every combination of the true phi, tau^2 and n lists (mu and h_0 shared);
replication r of a setting is simulated from the stream ``("sv", "data", setting, r)``,
so all schemes see the same series, and its chains from ``("sv", scheme, setting, r)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from synthvol import registry
from synthvol.errors import ConfigError
from synthvol.seeds import derive_seed, rng
from synthvol.sv.model import Priors, StochvolPriors, Tuning, priors_from_params, simulate_sv


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


def check_design(sv: Mapping[str, Any]) -> None:
    """Cross-key checks the schema cannot express; raises :class:`ConfigError`."""
    if int(sv["acf_lags"]) >= int(sv["n_keep"]):
        raise ConfigError("sv.acf_lags: must be smaller than sv.n_keep")
    if int(sv["kde_replication"]) >= int(sv["n_seeds"]):
        raise ConfigError("sv.kde_replication: must be smaller than sv.n_seeds")
    if float(sv["tuning"]["accept_low"]) >= float(sv["tuning"]["accept_high"]):
        raise ConfigError("sv.tuning.accept_low: must be below sv.tuning.accept_high")
    if "real_data" in sv and int(sv["real_data"]["n_chains"]) > int(sv["n_chains"]):
        raise ConfigError("sv.real_data.n_chains: at most sv.n_chains starting points exist")
    if "mixture_error" in sv:
        block = sv["mixture_error"]
        if int(block["replication"]) >= int(sv["n_seeds"]):
            raise ConfigError("sv.mixture_error.replication: must be smaller than sv.n_seeds")
        if int(block["n_keep"]) < 10 * int(block["batches"]):
            raise ConfigError("sv.mixture_error.batches: need at least 10 draws per batch")


def settings(sv: Mapping[str, Any]) -> list[Setting]:
    """All settings of the design, in the order phi, tau^2, n, named as the workflow's
    wildcards (:func:`synthvol.registry.sv_settings`)."""
    truth = sv["truth"]
    return [Setting(name, int(s["n"]), float(truth["mu"]), float(s["phi"]), float(s["tau2"]),
                    float(truth["h0"])) for name, s in registry.sv_settings(sv).items()]


def setting_by_name(sv: Mapping[str, Any], name: str) -> Setting:
    """The setting called ``name``; an unknown name raises :class:`ConfigError`."""
    for setting in settings(sv):
        if setting.name == name:
            return setting
    raise ConfigError(f"sv.truth: no setting named {name!r}")


def starting_points(sv: Mapping[str, Any]) -> np.ndarray:
    """(chains, 3) dispersed starting (mu, phi, tau2), cycling through ``sv.init`` lists."""
    init = sv["init"]
    rows = [(init["mu"][c % len(init["mu"])], init["phi"][c % len(init["phi"])],
             init["tau2"][c % len(init["tau2"])]) for c in range(int(sv["n_chains"]))]
    return np.array(rows, dtype=np.float64)


def priors(sv: Mapping[str, Any]) -> Priors | StochvolPriors:
    return priors_from_params(sv["prior"])


def tuning(sv: Mapping[str, Any]) -> Tuning:
    t = sv["tuning"]
    return Tuning(float(t["accept_low"]), float(t["accept_high"]), int(t["every"]))


def sampler_options(sv: Mapping[str, Any]) -> dict[str, Any]:
    """The sampler settings of ``sv`` every run shares: scheme I's tuning and the log offset."""
    return {"tuning": tuning(sv), "log_offset": float(sv["log_offset"])}


def tracked_state(sv: Mapping[str, Any], setting: Setting) -> int:
    """The state whose chain Fig. 1 and Table 2 follow: h_{state_index}, at most h_n."""
    return min(int(sv["state_index"]), setting.n)


def simulate_replication(seed: int, setting: Setting, replication: int
                         ) -> tuple[np.ndarray, np.ndarray]:
    """(y, h) of one replication of ``setting``."""
    generator = rng(seed, "sv", "data", setting.name, replication)
    return simulate_sv(setting.n, setting.mu, setting.phi, setting.tau2, setting.h0, generator)


def chain_seed(seed: int, scheme: str, setting: Setting, replication: int) -> int:
    return derive_seed(seed, "sv", scheme, setting.name, replication)

"""The registries name real components, and what they say agrees with the components."""

from __future__ import annotations

import pytest

from synthvol import registry
from synthvol.config import load_params
from synthvol.generators.pipeline import build_generator


@pytest.mark.parametrize("kind", list(registry.REGISTRIES))
def test_every_entry_loads(kind: str) -> None:
    for name, entry in registry.REGISTRIES[kind].items():
        assert callable(entry.load()), f"{kind}.{name}: {entry.target}"


@pytest.mark.parametrize("markov_order", [5, None])
def test_long_path_generators_agree_with_the_classes(markov_order: int | None) -> None:
    generators = load_params()["generators"]
    generators["models"]["sbts"]["markov_order"] = markov_order
    expected = [name for name in generators["enabled"]
                if build_generator(name, 0, 1, generators).supports_long_paths]
    assert registry.long_path_generators(generators) == expected
    assert ("sbts" in expected) == (markov_order is not None)
    assert registry.long_path_generators({**generators, "n_long_paths": 0}) == []


def test_unknown_names_are_rejected_with_the_known_ones() -> None:
    with pytest.raises(Exception, match=r"unknown SV scheme 'VI'; known: I, II, III, IV, V"):
        registry.entry("sv_schemes", "VI")

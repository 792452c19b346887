"""Generators of synthetic return windows behind one interface (:mod:`.base`)."""

from synthvol.generators.base import (
    REGISTRY,
    Generator,
    TrainingReport,
    generator_class,
    load_generator,
    make_generator,
)

__all__ = ["REGISTRY", "Generator", "TrainingReport", "generator_class", "load_generator",
           "make_generator"]

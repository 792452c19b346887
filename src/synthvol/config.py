"""Parameters: load ``params.yaml``, merge overrides, validate against the JSON schema.

The schema lives in ``workflow/schemas/params.schema.yaml``; each part of the study has its
own schema file there, referenced from the top-level one by ``$ref``. ``{x-registry: kind}``
in a schema stands for ``{enum: [the names of registry kind]}`` (:mod:`synthvol.registry`),
so the accepted names come from the registries. Cross-field constraints the schema cannot
express are checked after it (:data:`CONSTRAINTS`). Validation errors name the offending key
in dotted form (``sv.n_seeds``) on one line.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from referencing import Registry, Resource

from synthvol import registry
from synthvol.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = REPO_ROOT / "workflow" / "schemas"
TOP_SCHEMA = "params.schema.yaml"


def load_yaml(path: str | Path) -> dict[str, Any]:
    """Read a YAML mapping; a file that is not one raises :class:`ConfigError`."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read parameters: {str(exc).splitlines()[0]}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: parameters must be a YAML mapping")
    return data


def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Recursively merge ``override`` over ``base`` (mappings merge, everything else replaces)."""
    merged = copy.deepcopy(dict(base))
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def coerce_scalars(params: Any) -> Any:
    """Parse numeric and boolean text the way YAML would (``"3"`` → 3, ``"0.1"`` → 0.1).

    Snakemake passes nested ``--config 'baselines={ar: {order: 3}}'`` values as text; this
    gives them the types they would have in params.yaml. Other text (dates, paths) is kept.
    """
    if isinstance(params, Mapping):
        return {k: coerce_scalars(v) for k, v in params.items()}
    if isinstance(params, list):
        return [coerce_scalars(v) for v in params]
    if isinstance(params, str):
        try:
            parsed = yaml.safe_load(params)
        except yaml.YAMLError:
            return params
        if isinstance(parsed, (bool, int, float)) or (parsed is None and params.strip()):
            return parsed
    return params


def with_registry_enums(schema: Any) -> Any:
    """The schema with every ``{x-registry: kind}`` replaced by the enum of that registry."""
    if isinstance(schema, Mapping):
        if "x-registry" in schema:
            rest = {k: v for k, v in schema.items() if k != "x-registry"}
            return {**with_registry_enums(rest),
                    "enum": list(registry.REGISTRIES[schema["x-registry"]])}
        return {k: with_registry_enums(v) for k, v in schema.items()}
    if isinstance(schema, list):
        return [with_registry_enums(v) for v in schema]
    return schema


def _load_schema(path: Path) -> Any:
    return with_registry_enums(yaml.safe_load(path.read_text()))


def _registry(schema_dir: Path) -> Registry:
    def retrieve(uri: str) -> Resource:
        path = schema_dir / uri
        if not path.exists():
            raise ConfigError(f"schema {uri} not found in {schema_dir}")
        return Resource.from_contents(_load_schema(path))

    return Registry(retrieve=retrieve)


def _key_path(error: jsonschema.ValidationError) -> str:
    parts = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "?"
        parts.append(missing)
    elif error.validator == "additionalProperties" and "'" in error.message:
        parts.append(error.message.split("'")[1])
    return ".".join(parts) or "<top level>"


def validate_params(params: Mapping[str, Any], schema_dir: str | Path = SCHEMA_DIR) -> None:
    """Validate ``params`` against the study schema; raise :class:`ConfigError` naming the key."""
    schema_dir = Path(schema_dir)
    schema = _load_schema(schema_dir / TOP_SCHEMA)
    validator_cls = jsonschema.validators.validator_for(schema)
    validator = validator_cls(schema, registry=_registry(schema_dir))
    errors = list(validator.iter_errors(dict(params)))
    if errors:
        # The most specific error (deepest key) names the culprit; ties go to the first key.
        error = min(errors, key=lambda e: (-len(e.absolute_path),
                                           [str(k) for k in e.absolute_path]))
        message = error.message.replace("\n", " ")
        if len(message) > 200:
            message = message[:200] + "..."
        raise ConfigError(f"invalid parameter '{_key_path(error)}': {message}")
    check_constraints(params)


def dotted_value(params: Mapping[str, Any], key: str, missing: Any = None) -> Any:
    """The value at dotted ``key`` ("sv.truth.phi") of nested params; ``missing`` if absent."""
    node: Any = params
    for part in key.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return missing
        node = node[part]
    return node


def _both(check):
    """A check of two keys that passes while either is absent or null."""
    def run(a: Any, b: Any) -> bool:
        return a is None or b is None or check(a, b)
    return run


#: Cross-field constraints: (key named in the error, other key, check(value, other), rule).
CONSTRAINTS = [
    ("evaluation.acf_lags", "data.window_length", _both(lambda a, b: a < b),
     "must be below data.window_length"),
    ("data.start", "data.end", _both(lambda a, b: str(a) < str(b)), "must be before data.end"),
]


def check_constraints(params: Mapping[str, Any]) -> None:
    """Raise :class:`ConfigError` naming the key of the first violated :data:`CONSTRAINTS`.

    ``data.window_length`` against the training split's length is checked by data
    preparation (``synthvol.data.prepare.min_rows_needed``) once the series is loaded.
    """
    for key, other, check, rule in CONSTRAINTS:
        value = dotted_value(params, key)
        if not check(value, dotted_value(params, other)):
            raise ConfigError(f"invalid parameter '{key}': {value!r} {rule} "
                              f"({dotted_value(params, other)!r})")


def load_params(path: str | Path = REPO_ROOT / "params.yaml",
                overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Load ``params.yaml``, merge ``overrides`` over it and validate the result."""
    params = load_yaml(path)
    if overrides:
        params = deep_merge(params, overrides)
    validate_params(params)
    return params


@functools.cache
def _shipped_params() -> dict[str, Any]:
    return load_params()


def study_defaults(key: str) -> Any:
    """A copy of the value at dotted ``key`` of the shipped params.yaml, validated.

    The components take their study hyper-parameters without defaults (params.yaml is their
    one source); tests and benchmarks that build a component outside the workflow take its
    values from here, e.g. ``SBTS(seed=1, **study_defaults("generators.models.sbts"))``.
    """
    value = dotted_value(_shipped_params(), key, _MISSING)
    if value is _MISSING:
        raise ConfigError(f"params.yaml has no key '{key}'")
    return copy.deepcopy(value)


_MISSING = object()

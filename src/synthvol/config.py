"""Parameters: load ``params.yaml``, merge overrides, validate against the JSON schema.

The schema lives in ``workflow/schemas/params.schema.yaml``; each part of the study has its
own schema file there, referenced from the top-level one by ``$ref``. Validation errors
name the offending key in dotted form (``sv.n_seeds``) on one line.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema
import yaml
from referencing import Registry, Resource

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


def _registry(schema_dir: Path) -> Registry:
    def retrieve(uri: str) -> Resource:
        path = schema_dir / uri
        if not path.exists():
            raise ConfigError(f"schema {uri} not found in {schema_dir}")
        return Resource.from_contents(yaml.safe_load(path.read_text()))

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
    schema = yaml.safe_load((schema_dir / TOP_SCHEMA).read_text())
    validator_cls = jsonschema.validators.validator_for(schema)
    validator = validator_cls(schema, registry=_registry(schema_dir))
    errors = list(validator.iter_errors(dict(params)))
    if errors:
        # The most specific error (deepest key) names the culprit; ties go to the first key.
        error = min(errors, key=lambda e: (-len(e.absolute_path), [str(k) for k in e.absolute_path]))
        message = error.message.replace("\n", " ")
        if len(message) > 200:
            message = message[:200] + "..."
        raise ConfigError(f"invalid parameter '{_key_path(error)}': {message}")


def load_params(path: str | Path = REPO_ROOT / "params.yaml",
                overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Load ``params.yaml``, merge ``overrides`` over it and validate the result."""
    params = load_yaml(path)
    if overrides:
        params = deep_merge(params, overrides)
    validate_params(params)
    return params

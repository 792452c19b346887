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
import math
from collections.abc import Mapping, Sequence
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


class _StrictLoader(yaml.SafeLoader):
    """PyYAML's safe loader without aliases: ``*name`` (a billion-laughs bomb expands
    exponentially in every walk of the config) is refused where it appears."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(problem=f"YAML alias *{event.anchor} is not accepted "
                                               "in parameters; write the value out",
                                       problem_mark=event.start_mark)
        return super().compose_node(parent, index)


def _check_keys(node: yaml.Node, where: str, prefix: tuple[str, ...] = ()) -> None:
    """Refuse a key given twice in one mapping (YAML would keep the last, unseen)."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            dotted = ".".join((*prefix, name))
            if name in seen:
                raise ConfigError(f"{where}: line {key.start_mark.line + 1}: key '{dotted}' "
                                  f"given twice")
            seen.add(name)
            _check_keys(value, where, (*prefix, name))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _check_keys(item, where, (*prefix, str(i)))


def strict_yaml(text: str, where: str, prefix: tuple[str, ...] = ()) -> Any:
    """Parse YAML text refusing aliases and duplicate keys; ``where`` names it in errors,
    ``prefix`` is the dotted key the text is the value of."""
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_keys(node, where, prefix)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f"line {mark.line + 1}: " if mark is not None else ""
        raise ConfigError(f"{where}: {line}{exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where}: not YAML: {str(exc).splitlines()[0]}") from None
    except RecursionError:
        raise ConfigError(f"{where}: nested too deeply to be parameters") from None
    finally:
        loader.dispose()


def load_yaml(path: str | Path) -> dict[str, Any]:
    """Read a YAML mapping strictly (:func:`strict_yaml`); anything else raises
    :class:`ConfigError` naming the file."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise ConfigError(f"{path}: cannot read parameters: {reason}") from None
    data = strict_yaml(text, str(path))
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: parameters must be a YAML mapping")
    return data


def command_line_config(argv: Sequence[str]) -> list[str]:
    """The ``key=value`` entries after Snakemake's ``--config`` / ``-C`` in ``argv``."""
    entries: list[str] = []
    taking = False
    for arg in argv:
        if arg.startswith("--config="):
            entries.append(arg.split("=", 1)[1])
            taking = True
        elif arg in ("--config", "-C"):
            taking = True
        elif arg.startswith("-"):
            taking = False
        elif taking:
            entries.append(arg)
    return entries


def check_sources(configfiles: Sequence[str | Path], entries: Sequence[str]) -> None:
    """Read every parameters file and ``--config`` entry strictly, before anything walks the
    merged config: no aliases, no key given twice (in a file, or across ``--config``)."""
    for path in configfiles:
        load_yaml(path)
    keys: set[str] = set()
    for entry in entries:
        key, _, value = entry.partition("=")
        if key in keys:
            raise ConfigError(f"--config: key '{key}' given twice")
        keys.add(key)
        try:
            yaml.compose(value, Loader=yaml.BaseLoader)
        except (yaml.YAMLError, RecursionError):
            continue                    # Snakemake takes text that is not YAML as text
        strict_yaml(value, "--config", (key,))


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
        except (yaml.YAMLError, ValueError):     # ValueError: "2020-13-45" as a YAML date
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
    return ".".join(parts)


def validate_params(params: Mapping[str, Any], schema_dir: str | Path = SCHEMA_DIR) -> None:
    """Validate ``params`` against the study schema; raise :class:`ConfigError` naming the key."""
    schema_dir = Path(schema_dir)
    check_finite(params)
    validate_against(_load_schema(schema_dir / TOP_SCHEMA), params, "",
                     _registry(schema_dir))
    check_constraints(params)


def validate_against(schema: Any, values: Mapping[str, Any], section: str,
                     schemas: Registry | None = None) -> None:
    """Validate ``values`` (the params at dotted ``section``, "" for the whole) against
    ``schema``; raise :class:`ConfigError` naming the most specific offending key."""
    validator_cls = jsonschema.validators.validator_for(schema)
    validator = validator_cls(schema, registry=Registry() if schemas is None else schemas,
                              format_checker=validator_cls.FORMAT_CHECKER)
    errors = list(validator.iter_errors(dict(values)))
    if errors:
        # The most specific error (deepest key) names the culprit; ties go to the first key.
        error = min(errors, key=lambda e: (-len(e.absolute_path),
                                           [str(k) for k in e.absolute_path]))
        message = error.message.replace("\n", " ")
        if len(message) > 200:
            message = message[:200] + "..."
        key = ".".join(part for part in (section, _key_path(error)) if part) or "<top level>"
        raise ConfigError(f"invalid parameter '{key}': {message}")


def check_finite(params: Any, prefix: tuple[str, ...] = ()) -> None:
    """Refuse NaN and infinite numbers, which pass every schema bound unseen."""
    if isinstance(params, Mapping):
        for key, value in params.items():
            check_finite(value, (*prefix, str(key)))
    elif isinstance(params, list):
        for i, value in enumerate(params):
            check_finite(value, (*prefix, str(i)))
    elif isinstance(params, float) and not math.isfinite(params):
        raise ConfigError(f"invalid parameter '{'.'.join(prefix)}': {params} is not a "
                          f"finite number")


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


#: Cross-field constraints: (key named in the error, other key or None, check(value, other),
#: rule).
CONSTRAINTS = [
    ("data.feature_range", None, lambda a, _: a is None or a[0] < a[1],
     "must be [min, max] with min below max"),
    ("evaluation.acf_lags", "data.window_length", _both(lambda a, b: a < b),
     "must be below data.window_length"),
    ("data.start", "data.end", _both(lambda a, b: str(a) < str(b)), "must be before data.end"),
    *((f"{section}.max_windows", f"{section}.n_folds", _both(lambda a, b: a >= b),
       "must be at least n_folds") for section in ("evaluation.headline",
                                                   "evaluation.stocks.headline")),
    ("generators.models.diffusion.fourier_weight", "generators.models.diffusion.prediction",
     lambda weight, prediction: weight is None or prediction == "x0",
     "must be null unless prediction is x0"),
    # scaled_linear's largest beta is 0.02 * 1000 / n_steps (synthvol.generators.diffusion).
    ("generators.models.diffusion.n_steps", "generators.models.diffusion.schedule",
     _both(lambda n_steps, schedule: schedule != "scaled_linear" or n_steps > 20),
     "must exceed 20 with schedule scaled_linear (beta >= 1 otherwise)"),
    ("generators.models.lstm_attention.num_heads", "generators.models.lstm_attention.hidden_size",
     _both(lambda heads, hidden: 2 * hidden % heads == 0), "must divide 2 * hidden_size"),
    *((f"sv.{key}", None, lambda a, _: a is None or len(set(a)) == len(a),
       "must not repeat a value") for key in ("truth.phi", "truth.tau2", "truth.n", "schemes")),
    ("sv.acf_lags", "sv.n_keep", _both(lambda a, b: a < b), "must be below sv.n_keep"),
    ("sv.kde_replication", "sv.n_seeds", _both(lambda a, b: a < b),
     "must be below sv.n_seeds"),
    ("sv.tuning.accept_low", "sv.tuning.accept_high", _both(lambda a, b: a < b),
     "must be below sv.tuning.accept_high"),
    ("sv.real_data.n_chains", "sv.n_chains", _both(lambda a, b: a <= b),
     "must be at most sv.n_chains (one starting point each)"),
    ("sv.mixture_error.replication", "sv.n_seeds", _both(lambda a, b: a < b),
     "must be below sv.n_seeds"),
    ("sv.mixture_error.batches", "sv.mixture_error.n_keep", _both(lambda a, b: 10 * a <= b),
     "leaves fewer than 10 draws per batch of sv.mixture_error.n_keep"),
]


def check_constraints(params: Mapping[str, Any], section: str = "") -> None:
    """Raise :class:`ConfigError` naming the key of the first violated :data:`CONSTRAINTS`.

    ``params`` is the whole study, or with ``section`` (a dotted key) the mapping at that key:
    then only the constraints whose keys both lie inside it are checked (what
    :func:`synthvol.declare.build` does for a component's settings).
    ``data.window_length`` against the training split's length is checked by data
    preparation (``synthvol.data.prepare.min_rows_needed``) once the series is loaded.
    """
    prefix = f"{section}." if section else ""
    for key, other, check, rule in CONSTRAINTS:
        if not all(k.startswith(prefix) for k in (key, other or key)):
            continue
        value = dotted_value(params, key.removeprefix(prefix))
        against = None if other is None else dotted_value(params, other.removeprefix(prefix))
        if not check(value, against):
            told = "" if other is None else f" ({against!r})"
            raise ConfigError(f"invalid parameter '{key}': {value!r} {rule}{told}")


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
    values from here, e.g. ``SBTS.configured(1, **study_defaults("generators.models.sbts"))``
    (or the built declaration from :func:`synthvol.declare.study_settings`).
    """
    value = dotted_value(_shipped_params(), key, _MISSING)
    if value is _MISSING:
        raise ConfigError(f"params.yaml has no key '{key}'")
    return copy.deepcopy(value)


_MISSING = object()

# Shared definitions for all rule files.
#
# ---- Convention: how a rule declares the params.yaml keys it reads (issue 9) --------------
# A rule takes every value that comes from params.yaml through `reads`, in its `params:`:
#
#     rule fit_ar:
#         params:
#             model="ar",                                  # literal: not from params.yaml
#             **reads(baselines=baseline_keys("ar"), seed="seed"),
#
# Each keyword of `reads` is a params name the script sees (`smk.params.baselines`) and its
# dotted key(s) in params.yaml:
#   - one key  "seed"                -> that value (int, list, mapping, ...);
#   - a list   ["sv.n_seeds", ...]   -> a mapping of those keys under their common first
#                                       component (here: {"n_seeds": ...});
#   - keys may hold {wildcards}: "generators.models.{generator}" -> resolved per job;
#   - derived(function, keys) -> function(mapping of the keys, wildcards): for a value narrowed
#     to the job's wildcards (the SV chunk's own setting).
# A key missing from the config gives None. `reads` adds one more params entry, `dvc_params`,
# the tuple of keys; `make dvc` (synthvol.dvcgen) turns it into the DVC stage's `params`.
# There is no second list: a key a rule reads but does not declare here is a bug.
# Values that are not from params.yaml (registry names, file lists) stay plain params.
# Do not read `config[...]` in `params:` directly; `threads:`/`resources:` may (they do not
# change outputs).
# Components (baselines, generators, SV schemes, forecast models) come from
# synthvol.registry; wildcard constraints use registry.wildcard_pattern(names).
# After changing rules or params: `make dvc` regenerates dvc.yaml (never edit it by hand).
# ----------------------------------------------------------------------------------------
from synthvol import registry

PREPARED = "data/prepared"
RESULTS = "results"


class derived:
    """A params value computed by ``function(values, wildcards)`` from the declared ``keys``."""

    def __init__(self, function, keys):
        self.function = function
        self.keys = (keys,) if isinstance(keys, str) else tuple(keys)


def config_value(key):
    """The value of dotted ``key`` in the config (None when absent)."""
    value = config
    for part in key.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _values(keys):
    if len(keys) == 1:
        return config_value(keys[0])
    roots = {key.split(".")[0] for key in keys}
    if len(roots) != 1 or any("." not in key for key in keys):
        raise WorkflowError(f"reads: keys {list(keys)} must share their first component")
    out = {}
    for key in keys:
        node = out
        *parents, leaf = key.split(".")[1:]
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = config_value(key)
    return out


def _param(spec):
    if isinstance(spec, derived):
        keys, function = spec.keys, spec.function
    else:
        keys, function = ((spec,) if isinstance(spec, str) else tuple(spec)), None
    if not any("{" in key for key in keys) and function is None:
        return keys, _values(keys)

    def per_job(wildcards):
        values = _values(tuple(key.format(**wildcards) for key in keys))
        return values if function is None else function(values, wildcards)

    return keys, per_job


def reads(**declared):
    """A rule's params from params.yaml, plus ``dvc_params``: the dotted keys it reads."""
    params, keys = {}, []
    for name, spec in declared.items():
        spec_keys, params[name] = _param(spec)
        keys.extend(spec_keys)
    params["dvc_params"] = tuple(keys)
    return params


def baseline_keys(name):
    """The shared sizes plus the model's own section: what one baseline rule reads."""
    shared = ("n_paths", "horizon", "path_length", "interval_level")
    return [f"baselines.{key}" for key in shared] + [f"baselines.{name}"]

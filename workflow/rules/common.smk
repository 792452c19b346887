# Shared definitions for all rule files.
#
# ---- Convention: how a rule declares the params.yaml keys it reads (issue 9) --------------
# A rule takes every value that comes from params.yaml through `reads`, in its `params:`:
#
#     rule fit_ar:
#         params:
#             model="ar",                                  # literal: not from params.yaml
#             **reads(baselines=[*BASELINE_SHARED_KEYS, "baselines.ar"], seed="seed"),
#
# Each keyword of `reads` is a params name the script sees (`smk.params.baselines`) and its
# dotted key(s) in params.yaml:
#   - one key  "seed"                -> that value (int, list, mapping, ...);
#   - a list   ["sv.n_seeds", ...]   -> a mapping of those keys under their common first
#                                       component (here: {"n_seeds": ...});
#   - keys may hold {wildcards}: "generators.models.{generator}" -> resolved per job;
#   - derived(function, keys) -> function(mapping of the keys, wildcards): for a value narrowed
#     to the job's wildcards (the SV chunk's own setting);
#   - EVERY_KEY ("*")                -> the whole config (the report's params hash).
# (`reads` is synthvol.workflow.ParamReader bound to the config; `derived` its Derived.)
# A key missing from the config gives None. Snakemake's params trigger then reruns exactly the
# jobs whose declared values changed; a key a rule reads but does not declare here is a bug.
# Values that are not from params.yaml (registry names, file lists) stay plain params.
# A value the job's outputs determine (the SV job's replications) is from_outputs(value):
# Snakemake then leaves it out of the params whose change reruns a job.
# Do not read `config[...]` in `params:` directly; `threads:`/`resources:` may (they do not
# change outputs).
# Components (baselines, generators, SV schemes, forecast models) come from
# synthvol.registry; wildcard constraints use registry.wildcard_pattern(names).
# DVC (dvc.yaml, hand-written, docs/dvc.md): one stage per part runs Snakemake on that part's
# targets, with the part's params sections and code as deps. A new rule file or script goes
# into its part's stage deps; `make dvc-check` fails until it does.
# ----------------------------------------------------------------------------------------
from functools import partial

from synthvol import registry
from synthvol.cluster import growing, hand_jobs_the_package, load_resources
from synthvol.workflow import EVERY_KEY
from synthvol.workflow import Derived as derived
from synthvol.workflow import ParamReader
from synthvol.workflow import from_outputs

PREPARED = "data/prepared"
RESULTS = "results"

reads = ParamReader(config)
# What every baseline rule reads besides its own model's section.
BASELINE_SHARED_KEYS = [
    f"baselines.{k}" for k in ("n_paths", "horizon", "path_length", "interval_level")
]

# ---- Execution: nothing below changes an output (docs/cluster.md) -------------------------
# Jobs import the package from the source folder the workflow imported it from, so the conda
# environment holds only the dependencies (synthvol.cluster.hand_jobs_the_package).
hand_jobs_the_package()
# Each rule's resources: `resources: **grow("rule")`, the bases of workflow/resources.yaml
# times the attempt, so a job killed for memory or time asks for more on its retry.
grow = partial(growing, load_resources())


# Rules of seconds that a cluster runs on the submitting host rather than queueing them
# (localrules only matter for cluster executors; a local run runs every job itself).
localrules:
    data_report_section,
    baselines_report_section,
    evaluation_report_section,
    sv_report,
    forecast_accuracy,
    forecast_kstar,
    forecast_figures,
    forecast_rolling_figure,
    forecast_report,
    metrics,
    report,

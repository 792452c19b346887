# Shared definitions for all rule files.

PREPARED = "data/prepared"
RESULTS = "results"


def baseline_params(name):
    """The shared sizes plus the model's own section: what one baseline rule reads."""
    keys = ("n_paths", "horizon", "path_length", "interval_level")
    shared = {k: config["baselines"].get(k) for k in keys}
    return {**shared, name: config["baselines"][name]}

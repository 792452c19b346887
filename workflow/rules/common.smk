# Shared definitions for all rule files.
import json


PREPARED = "data/prepared"
RESULTS = "results"


def params_json(*keys):
    """A section of the config as canonical JSON: a rule's params change when it changes."""
    node = config
    for key in keys:
        node = node[key]
    return json.dumps(node, sort_keys=True)

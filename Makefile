# One-command entry points (see README). VENV can be overridden: make VENV=/path/to/venv test
VENV ?= .venv
PY := $(VENV)/bin/python
CORES ?= 2

.PHONY: setup study quick test test-slurm lint dag clean

$(VENV)/.installed: requirements.txt pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -e .
	touch $@

setup: $(VENV)/.installed          ## virtual environment with pinned dependencies

study: setup                       ## the default study -> results/report.html
	PATH="$(abspath $(VENV))/bin:$$PATH" $(VENV)/bin/snakemake --cores $(CORES)

quick: setup                       ## the quick size, for trying things out
	PATH="$(abspath $(VENV))/bin:$$PATH" $(VENV)/bin/snakemake --cores $(CORES) --configfile config/quick.yaml

test: setup                        ## the test suite
	PATH="$(abspath $(VENV))/bin:$$PATH" $(PY) -m pytest

test-slurm: setup                  ## quick study on a one-node SLURM cluster vs locally (root; see README)
	VENV=$(VENV) tests/slurm/run.sh

lint: setup                        ## workflow lint
	$(VENV)/bin/snakemake --lint

dag: setup                         ## DAG picture for the README (needs graphviz's dot)
	$(VENV)/bin/snakemake --rulegraph > docs/rulegraph.dot
	dot -Tpng -Gdpi=70 docs/rulegraph.dot -o docs/rulegraph.png

clean:                             ## remove results (keeps the venv)
	rm -rf results/* data/prepared logs .snakemake/metadata

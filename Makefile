# One-command entry points (see README). VENV can be overridden: make VENV=/path/to/venv test
VENV ?= .venv
PY := $(VENV)/bin/python
CORES ?= 2

.PHONY: setup study quick test test-slurm lint fmt docs dag dvc dvc-check clean

$(VENV)/.installed: requirements.txt pyproject.toml
	@echo "setup 1/3: virtual environment $(VENV) (python3 -m venv)"
	python3 -m venv $(VENV)
	@echo "setup 2/3: upgrading pip"
	$(PY) -m pip install --progress-bar off --upgrade pip
	@echo "setup 3/3: the pinned packages of requirements.txt (torch's CPU build is the largest,"
	@echo "           several minutes on a slow link) and synthvol itself, editable"
	$(PY) -m pip install --progress-bar off -r requirements.txt -e .
	touch $@
	@echo "setup done: activate with . $(VENV)/bin/activate"

setup: $(VENV)/.installed          ## virtual environment with pinned dependencies

study: setup                       ## the default study -> results/report.html
	PATH="$(abspath $(VENV))/bin:$$PATH" $(VENV)/bin/snakemake --cores $(CORES)

quick: setup                       ## the quick size, for trying things out
	PATH="$(abspath $(VENV))/bin:$$PATH" $(VENV)/bin/snakemake --cores $(CORES) --configfile config/quick.yaml

test: setup                        ## the test suite
	PATH="$(abspath $(VENV))/bin:$$PATH" $(PY) -m pytest

test-slurm: setup                  ## quick study on a one-node SLURM cluster vs locally (root; docs/cluster.md)
	VENV=$(VENV) tests/slurm/run.sh

lint: setup                        ## ruff, snakefmt, the declared schema's drift (seconds), then Snakemake's lint
	$(VENV)/bin/ruff check src tests benchmarks workflow/scripts
	$(VENV)/bin/snakefmt --line-length 100 --check Snakefile workflow/rules
	$(PY) -m synthvol.declare --check
	$(VENV)/bin/snakemake --lint

fmt: setup                         ## snakefmt (line length 100) over the Snakefile and rule files
	$(VENV)/bin/snakefmt --line-length 100 Snakefile workflow/rules

dvc: setup                         ## the study through DVC: reruns what params.yaml edits touch
	PATH="$(abspath $(VENV))/bin:$$PATH" $(VENV)/bin/dvc repro

schema: setup                      ## regenerate workflow/schemas/declared.schema.yaml from the declarations
	$(PY) -m synthvol.declare --write

dvc-check:                         ## fail when a rule's outputs or code belong to no dvc.yaml stage
	PATH="$(abspath $(VENV))/bin:$$PATH" $(PY) -m synthvol.dvcparts check

docs: setup                        ## docs/results.md and the README's findings, from results/; docs/parameters.md
	$(PY) -m synthvol.resultsdoc results docs/results.md
	$(PY) -m synthvol.declare --docs
	$(PY) -m synthvol.report.readme results/report.json README.md

dag: setup                         ## DAG picture for docs/running.md (needs graphviz's dot)
	$(VENV)/bin/snakemake --rulegraph > docs/rulegraph.dot
	dot -Tpng -Gdpi=70 docs/rulegraph.dot -o docs/rulegraph.png

clean:                             ## remove results (keeps the venv)
	rm -rf results/* data/prepared logs .snakemake/metadata

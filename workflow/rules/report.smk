# The report: one self-contained HTML page assembled from each part's section, opening with
# the parts' findings and closing with its provenance (commit, params, versions, machine,
# benchmark times of each part).

from pathlib import Path


def _relative(path):
    """A config file's path relative to the working directory when it lies inside it."""
    path = Path(path).absolute()
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)


def _configfiles_in_merge_order():
    """The Snakefile's configfile first, then each --configfile merged over it."""
    cli = [_relative(f) for f in workflow.overwrite_configfiles]
    own = [_relative(f) for f in workflow.configfiles]
    return list(dict.fromkeys([f for f in own if f not in cli] + cli))


rule report:
    input:
        sections=REPORT_SECTIONS,
    output:
        "results/report.html",
    params:
        study=config,
        configfiles=_configfiles_in_merge_order(),
        overrides=dict(workflow.config_settings.config),
        benchmarks="logs/benchmarks",
    log:
        "logs/report/report.log",
    benchmark:
        "logs/benchmarks/report/report.tsv"
    conda:
        "../envs/synthvol.yaml"
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/build_report.py"

# The report: one self-contained HTML page rendered from each part's section data (JSON),
# opening with the parts' findings and closing with its provenance (commit, params, versions,
# machine, benchmark times of each part); report.json is the page's data, from which
# `python -m synthvol.report.readme` writes the README's findings.

from synthvol.report.provenance import configfiles_in_merge_order


rule report:
    input:
        sections=REPORT_SECTIONS,
    output:
        html="results/report.html",
        data="results/report.json",
    log:
        "logs/report/report.log",
    benchmark:
        "logs/benchmarks/report/report.tsv"
    conda:
        "../envs/synthvol.yaml"
    threads: 1
    resources:
        **grow("report"),
    params:
        **reads(study=EVERY_KEY),
        configfiles=configfiles_in_merge_order(workflow.configfiles, workflow.overwrite_configfiles),
        overrides=dict(workflow.config_settings.config),
        benchmarks="logs/benchmarks",
    script:
        "../scripts/build_report.py"

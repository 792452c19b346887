# The report: one self-contained HTML page assembled from each part's section.


rule report:
    input:
        sections=REPORT_SECTIONS,
    output:
        "results/report.html",
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

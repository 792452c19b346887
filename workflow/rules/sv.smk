# Stochastic volatility: He & Wang's (2015) MCMC efficiency study (schemes I-IV) plus
# Omori mixture + ASIS (V); jobs of (scheme, setting, some replications), then tables,
# figures, a real-data fit against GARCH(1,1), and the report section.

from synthvol.sv.design import MixtureErrorStudy, MonteCarlo, SchemeStudy, SVDesign

SV_DIR = f"{RESULTS}/sv"
# The design (params.yaml's sv section), built once. Each rule reads the keys of the part of
# it that its jobs take (synthvol.sv.design), so editing another key reruns none of them: the
# study's (tables') keys leave out the real-data fit and the mixture-error check.
SV = SVDesign.from_params(config["sv"])
SV_STUDY_KEYS = SchemeStudy.keys(config["sv"])
# What one chunk reads: the Monte Carlo part with the truth narrowed to the chunk's own
# setting (SV.narrowed), so dropping a scheme or adding a setting reruns no other chunk.
SV_CHUNK_KEYS = [k for k in MonteCarlo.keys(config["sv"]) if k != "sv.truth"] + [
    "sv.truth.mu",
    "sv.truth.h0",
]
# The mixture-error check runs its own chains on every setting, whatever the schemes.
SV_MIXTURE_KEYS = MixtureErrorStudy.keys(config["sv"])
SV_SETTINGS = list(SV.settings)
# The side-by-side benchmark against R stochvol (python benchmarks/sv.py) is run by hand, not
# by the DAG; the report quotes it when the file exists at the time the section is written.
SV_BENCHMARK = "results/benchmarks/sv.csv"
SV_TABLES = ["table1", "table2", "table3", "table4"]
SV_SECTION = "results/report/sections/30_sv.json"
REPORT_SECTIONS.append(SV_SECTION)


# Each replication has its own output files; execution.sv_seeds_per_job only says how many
# one job runs (one rule per job position, sv_chunk_0, sv_chunk_1, ...), so another split
# names the same files: it reruns nothing and changes no table.
SV_REPLICATION = f"{SV_DIR}/replications/{{scheme}}/{{setting}}/rep{{rep}}"
SV_REPLICATIONS = expand(
    SV_REPLICATION, scheme=SV.schemes, setting=SV_SETTINGS, rep=range(SV.n_seeds)
)
SV_JOBS = SV.job_replications(config["execution"]["sv_seeds_per_job"])


for chunk, replications in enumerate(SV_JOBS):

    rule:
        name:
            f"sv_chunk_{chunk}"
        output:
            summaries=[SV_REPLICATION.replace("{rep}", f"{r}.parquet") for r in replications],
            arrays=[SV_REPLICATION.replace("{rep}", f"{r}.npz") for r in replications],
        log:
            f"logs/sv/chunk_{{scheme}}_{{setting}}_{chunk}.log",
        benchmark:
            f"logs/benchmarks/sv/chunk_{{scheme}}_{{setting}}_{chunk}.tsv"
        wildcard_constraints:
            scheme=registry.wildcard_pattern(list(registry.SV_SCHEMES)),
            setting=registry.wildcard_pattern(SV_SETTINGS),
        group:
            "sv"
        conda:
            "../envs/synthvol.yaml"
        threads: 1
        resources:
            **grow("sv_chunk"),
        params:
            **reads(
                sv=derived(lambda sv, w: SV.narrowed(sv, w.setting), SV_CHUNK_KEYS),
                seed="seed",
            ),
            replications=from_outputs(list(replications)),
        script:
            "../scripts/sv_chunk.py"


rule sv_aggregate:
    input:
        summaries=[f"{r}.parquet" for r in SV_REPLICATIONS],
        arrays=[f"{r}.npz" for r in SV_REPLICATIONS],
    output:
        **{t: f"{SV_DIR}/tables/{t}.csv" for t in SV_TABLES},
        **{f"{t}_md": f"{SV_DIR}/tables/{t}.md" for t in SV_TABLES},
        summary=f"{SV_DIR}/summary.parquet",
        fig1=f"{SV_DIR}/figures/fig1_acf.png",
        fig2=f"{SV_DIR}/figures/fig2_densities.png",
    log:
        "logs/sv/aggregate.log",
    benchmark:
        "logs/benchmarks/sv/aggregate.tsv"
    conda:
        "../envs/synthvol.yaml"
    threads: 1
    resources:
        **grow("sv_aggregate"),
    params:
        **reads(sv=SV_STUDY_KEYS),
    script:
        "../scripts/sv_aggregate.py"


rule sv_real_data:
    input:
        returns=f"{PREPARED}/returns.parquet",
        garch=f"{RESULTS}/baselines/garch/conditional_volatility.parquet",
    output:
        path=f"{SV_DIR}/real/volatility.parquet",
        summary=f"{SV_DIR}/real/parameters.csv",
        figure=f"{SV_DIR}/figures/real_volatility.png",
    log:
        "logs/sv/real_data.log",
    benchmark:
        "logs/benchmarks/sv/real_data.tsv"
    conda:
        "../envs/synthvol.yaml"
    threads: 1
    resources:
        **grow("sv_real_data"),
    params:
        **reads(sv="sv", seed="seed"),
    script:
        "../scripts/sv_real_data.py"


rule sv_mixture_error:
    output:
        f"{SV_DIR}/mixture_error.csv",
    log:
        "logs/sv/mixture_error.log",
    benchmark:
        "logs/benchmarks/sv/mixture_error.tsv"
    group:
        "sv"
    conda:
        "../envs/synthvol.yaml"
    threads: 1
    resources:
        **grow("sv_mixture_error"),
    params:
        **reads(sv=SV_MIXTURE_KEYS, seed="seed"),
    script:
        "../scripts/sv_mixture_error.py"


rule sv_report:
    input:
        **{t: f"{SV_DIR}/tables/{t}.csv" for t in SV_TABLES},
        mixture_error=f"{SV_DIR}/mixture_error.csv",
        fig1=f"{SV_DIR}/figures/fig1_acf.png",
        fig2=f"{SV_DIR}/figures/fig2_densities.png",
        real_summary=f"{SV_DIR}/real/parameters.csv",
        real_figure=f"{SV_DIR}/figures/real_volatility.png",
    output:
        SV_SECTION,
    log:
        "logs/sv/report.log",
    benchmark:
        "logs/benchmarks/sv/report.tsv"
    conda:
        "../envs/synthvol.yaml"
    threads: 1
    resources:
        **grow("sv_report"),
    params:
        **reads(sv="sv"),
        benchmark=SV_BENCHMARK,
    script:
        "../scripts/sv_report.py"

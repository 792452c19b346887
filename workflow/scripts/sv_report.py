"""Snakemake adapter: the SV part's report section."""
from pathlib import Path

from synthvol.sv.design import SVDesign
from synthvol.sv.report import write_sv_section
from synthvol.workflow import run_rule


def main(smk):
    tables = {t: smk.input[t] for t in ("table1", "table2", "table3", "table4")}
    figures = {"fig1": smk.input.fig1, "fig2": smk.input.fig2}
    benchmark = smk.params.benchmark if Path(smk.params.benchmark).exists() else None
    write_sv_section(tables, figures, smk.input.real_summary, smk.input.real_figure,
                     smk.input.mixture_error, benchmark, SVDesign.from_params(smk.params.sv),
                     smk.output[0])


run_rule(main, snakemake)  # noqa: F821

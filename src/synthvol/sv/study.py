"""The Monte Carlo study: one job per (scheme, setting, chunk of seeds), then aggregation
into He & Wang's Tables 1-4 and Figures 1-2."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from synthvol.io import write_csv, write_figure, write_npz, write_parquet, write_text
from synthvol.progress import Progress, get_logger
from synthvol.sv.design import (
    MonteCarlo,
    SchemeStudy,
    Setting,
    chain_seed,
    simulate_replication,
)
from synthvol.sv.diagnostics import (
    autocorrelation,
    effective_sample_size,
    gelman_rubin,
    inefficiency_factor,
)
from synthvol.sv.samplers import PARAMETER_NAMES, run_sampler, warm_up

logger = get_logger("sv")

#: Parameters summarised in the tables; the tracked state is reported as "h_T".
TABLE_PARAMETERS = (*PARAMETER_NAMES, "h_T")
PARAMETER_LABELS = {"mu": "μ", "phi": "φ", "tau2": "τ²"}
#: Replications whose Gelman-Rubin R-hat exceeds this are counted and flagged.
RHAT_FLAG = 1.1
FLAG_COLUMN = "replications_rhat_over_1.1"
#: He & Wang's four schemes: Table 4 ranks them as printed.
PAPER_SCHEMES = ("I", "II", "III", "IV")
#: Table 4's figures as the paper's text states them (%, cumulative share at rank 1 and
#: 2 over its 16 (setting, parameter) cases); the accuracy shares at rank 1 are not stated.
#: 68.5 is printed as is (68.75 = 11/16 would fit the 16 cases).
PAPER_TABLE4 = {
    ("efficiency", "I"): (0.0, 0.0), ("efficiency", "II"): (0.0, 31.25),
    ("efficiency", "III"): (37.5, 75.0), ("efficiency", "IV"): (62.5, 93.75),
    ("accuracy", "II"): (np.nan, 62.5), ("accuracy", "IV"): (np.nan, 68.5),
}


def summarise_draws(draws: np.ndarray, truth: float) -> dict[str, float]:
    """Posterior and convergence summary of one quantity's (chains, draws) array."""
    rhat = gelman_rubin(draws)
    ess = effective_sample_size(draws)
    sd = float(np.std(draws, ddof=1))
    mean = float(np.mean(draws))
    return {"truth": truth, "mean": mean, "sd": sd, "abs_error": abs(mean - truth),
            "q05": float(np.quantile(draws, 0.05)), "q95": float(np.quantile(draws, 0.95)),
            "ess": ess, "inefficiency": inefficiency_factor(draws),
            "mcse": sd / np.sqrt(ess), "mcse_sd_ratio": 1.0 / np.sqrt(ess),
            "rhat": rhat.rhat, "between": rhat.between, "within": rhat.within}


def run_chunk(design: MonteCarlo, seed: int, scheme: str, setting_name: str,
              replications: Sequence[int], summary_paths: Sequence[str],
              arrays_paths: Sequence[str]) -> None:
    """Run one scheme on some replications of one setting, writing each replication's own
    summary (parquet) and figure arrays (npz: ACF of h_T; the pooled draws when it is the
    representative replication), so the outputs do not depend on how replications are
    split into jobs."""
    setting = design.setting(setting_name)
    inits = design.starting_points()
    state = design.tracked_state(setting)
    logger.info("compiling numba kernels... (first call; cached afterwards)")
    warm_up()
    progress = Progress(f"sv {scheme} {setting.name} replications {replications[0]}-"
                        f"{replications[-1]}", len(replications), every=1, logger=logger)
    for i, (rep, summary_path, arrays_path) in enumerate(
            zip(replications, summary_paths, arrays_paths, strict=True)):
        y, h = simulate_replication(seed, setting, rep)
        result = run_sampler(y, scheme, design.prior.selected, inits, design.n_burn,
                             design.n_keep, chain_seed(seed, scheme, setting, rep),
                             state_index=[state], **design.sampler_options())
        quantities = {**result.params, "h_T": result.states[:, :, 0]}
        truths = {"mu": setting.mu, "phi": setting.phi, "tau2": setting.tau2, "h_T": h[state]}
        rows = [{"scheme": scheme, "setting": setting.name, "n": setting.n,
                 "phi_true": setting.phi, "tau2_true": setting.tau2,
                 "replication": rep, "parameter": name, "state_index": state,
                 **summarise_draws(draws, truths[name]),
                 "seconds": result.seconds, "draws_per_second": result.draws_per_second,
                 "acceptance": float(result.acceptance.mean()),
                 "rw_step": float(result.steps.mean())}
                for name, draws in quantities.items()]
        kde_draws = (np.column_stack([quantities[p].ravel() for p in TABLE_PARAMETERS])
                     if rep == design.kde_replication
                     else np.empty((0, len(TABLE_PARAMETERS))))
        write_parquet(pd.DataFrame(rows), summary_path)
        write_npz(arrays_path, replications=np.array([rep]),
                  acf=autocorrelation(quantities["h_T"], design.acf_lags)[None, :],
                  kde_draws=kde_draws)
        progress.update(i + 1, seconds=result.seconds,
                        if_h=rows[-1]["inefficiency"], rhat_tau2=rows[-2]["rhat"])


# --------------------------------------------------------------------------- aggregation

def markdown_table(frame: pd.DataFrame, float_format: str = "{:.4g}") -> str:
    """A GitHub-flavoured Markdown table (no extra dependency)."""
    def cell(value: Any) -> str:
        if isinstance(value, (float, np.floating)):
            return "—" if np.isnan(value) else float_format.format(value)
        return str(value)

    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([header, rule, *body]) + "\n"


def _write_table(frame: pd.DataFrame, csv_path: str, md_path: str, title: str,
                 pretty: pd.DataFrame | None = None) -> None:
    write_csv(frame, csv_path)
    write_text(f"# {title}\n\n" + markdown_table(frame if pretty is None else pretty), md_path)


def table_time(summary: pd.DataFrame) -> pd.DataFrame:
    """Table 1: median wall time of one replication (all chains, burn-in included), and the
    number of replications with R-hat > 1.1 for at least one quantity."""
    one = summary[summary["parameter"] == "mu"]
    flagged = (summary.assign(flag=summary["rhat"] > RHAT_FLAG)
               .groupby(["setting", "scheme", "replication"], sort=False, observed=True)["flag"]
               .any().groupby(level=["setting", "scheme"], sort=False).sum()
               .rename(FLAG_COLUMN).reset_index())
    times = (one.groupby(["setting", "scheme"], sort=False, observed=True)
             .agg(seconds_median=("seconds", "median"),
                  seconds_q05=("seconds", lambda s: s.quantile(0.05)),
                  seconds_q95=("seconds", lambda s: s.quantile(0.95)),
                  draws_per_second=("draws_per_second", "median"),
                  acceptance=("acceptance", "median"), replications=("replication", "size"))
             .reset_index())
    return times.merge(flagged, on=["setting", "scheme"], how="left")


def _flag_count(rhat: pd.Series) -> int:
    return int(np.sum(rhat > RHAT_FLAG))


def table_inefficiency(summary: pd.DataFrame) -> pd.DataFrame:
    """Table 2: median and 5%/95% quantiles of the inefficiency factors over seeds, with
    the count of seeds whose R-hat > 1.1 (their factors describe unconverged chains)."""
    return (summary.groupby(["setting", "scheme", "parameter"], sort=False, observed=True)
            .agg(median=("inefficiency", "median"),
                 q05=("inefficiency", lambda s: s.quantile(0.05)),
                 q95=("inefficiency", lambda s: s.quantile(0.95)),
                 **{FLAG_COLUMN: ("rhat", _flag_count)})
            .reset_index())


def table_accuracy(summary: pd.DataFrame) -> pd.DataFrame:
    """Table 3: posterior mean, absolute error against the truth, MC-error/SD ratio
    (averages over seeds), median R-hat and the count of seeds with R-hat > 1.1."""
    return (summary.groupby(["setting", "scheme", "parameter"], sort=False, observed=True)
            .agg(truth=("truth", "mean"), posterior_mean=("mean", "mean"),
                 abs_error=("abs_error", "mean"), mcse_sd_ratio=("mcse_sd_ratio", "median"),
                 rhat_median=("rhat", "median"), **{FLAG_COLUMN: ("rhat", _flag_count)})
            .reset_index())


def table_ranks(ineff: pd.DataFrame, accuracy: pd.DataFrame) -> pd.DataFrame:
    """Cumulative share (%) of each scheme at each rank, over the (setting, parameter)
    cases, ranking the schemes present by median inefficiency factor (efficiency) and by
    mean absolute error of the posterior mean (accuracy)."""
    frames = []
    for criterion, frame, column in (("efficiency", ineff, "median"),
                                     ("accuracy", accuracy, "abs_error")):
        ranks = frame.assign(rank=frame.groupby(["setting", "parameter"], observed=True)[column]
                             .rank(method="min"))
        n_cases = ranks.groupby(["setting", "parameter"], observed=True).ngroups
        n_schemes = ranks["scheme"].nunique()
        for scheme, group in ranks.groupby("scheme", sort=False, observed=True):
            row = {"criterion": criterion, "scheme": scheme}
            for k in range(1, n_schemes + 1):
                row[f"rank<={k}"] = 100.0 * float(np.sum(group["rank"] <= k)) / n_cases
            frames.append(row)
    return pd.DataFrame(frames)


def _span(schemes: Sequence[str]) -> str:
    return f"{schemes[0]}–{schemes[-1]}" if len(schemes) > 1 else schemes[0]


def table_ranks_as_printed(ineff: pd.DataFrame, accuracy: pd.DataFrame,
                           schemes: Sequence[str]) -> pd.DataFrame:
    """Table 4 as the paper prints it: the ranking of its four schemes I-IV (those of them
    in the study), the paper's figures beside it, then the ranking of all schemes."""
    paper = [s for s in PAPER_SCHEMES if s in schemes]
    four = table_ranks(ineff[ineff["scheme"].isin(paper)],
                       accuracy[accuracy["scheme"].isin(paper)])
    four = four.rename(columns=lambda c: c.replace("rank<=", f"{_span(paper)} rank ≤ "))
    for k in (1, 2):
        four[f"paper rank ≤ {k}"] = [
            PAPER_TABLE4.get((r.criterion, r.scheme), (np.nan, np.nan))[k - 1]
            for r in four.itertuples()]
    everyone = table_ranks(ineff, accuracy).rename(
        columns=lambda c: c.replace("rank<=", f"{_span(schemes)} rank ≤ "))
    merged = four.merge(everyone, on=["criterion", "scheme"], how="outer")
    order = [(c, s) for c in ("efficiency", "accuracy") for s in schemes]
    return merged.set_index(["criterion", "scheme"]).reindex(order).reset_index()


def paper_layout(frame: pd.DataFrame, statistics: Mapping[str, str],
                 settings: Sequence[Setting], schemes: Sequence[str],
                 state_label: str) -> pd.DataFrame:
    """A Table 2/3 in the paper's layout: schemes as columns, one block of rows per
    (setting, parameter), one row per statistic (``statistics``: column -> row label)."""
    long = frame.melt(id_vars=["setting", "scheme", "parameter"], value_vars=list(statistics),
                      var_name="statistic")
    long = long.astype({"setting": str, "scheme": str, "parameter": str})
    wide = long.pivot_table(index=["setting", "parameter", "statistic"], columns="scheme",
                            values="value", aggfunc="first")
    order = [(s.name, p, st) for s in settings for p in TABLE_PARAMETERS for st in statistics]
    wide = wide.reindex([key for key in order if key in wide.index])
    wide = wide.reindex(columns=[s for s in schemes if s in wide.columns])
    out = wide.reset_index()
    out["setting"] = out["setting"].map({s.name: s.label for s in settings})
    out["parameter"] = out["parameter"].map({**PARAMETER_LABELS, "h_T": state_label})
    out["statistic"] = out["statistic"].map(statistics)
    out.columns.name = None
    return out.rename(columns={s: f"scheme {s}" for s in schemes})


TABLE2_STATISTICS = {"median": "median IF", "q05": "5% quantile", "q95": "95% quantile",
                     FLAG_COLUMN: "replications with R̂ > 1.1"}
TABLE3_STATISTICS = {"posterior_mean": "posterior mean", "abs_error": "absolute error",
                     "mcse_sd_ratio": "MC error / SD", FLAG_COLUMN: "replications with R̂ > 1.1"}


def figure_acf(acf: Mapping[tuple[str, str], np.ndarray], settings: Sequence[Setting],
               schemes: Sequence[str], state_label: str):
    """Fig. 1: ACF of the tracked state, averaged over seeds, one panel per setting."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cols = min(2, len(settings))
    rows = int(np.ceil(len(settings) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(5.5 * cols, 3.6 * rows), squeeze=False,
                             sharey=True)
    for ax, setting in zip(axes.ravel(), settings, strict=False):
        for scheme in schemes:
            values = acf[(scheme, setting.name)]
            ax.plot(np.arange(values.size), values, label=scheme, lw=1.4)
        ax.axhline(0.0, color="grey", lw=0.7)
        ax.set_title(setting.label, fontsize=10)
        ax.set_xlabel("lag")
    for ax in axes.ravel()[len(settings):]:
        ax.set_visible(False)
    axes[0, 0].set_ylabel(f"ACF of {state_label}")
    axes[0, 0].legend(title="scheme", fontsize=8)
    fig.suptitle("Fig. 1 — autocorrelation of the draws of the tracked state (mean over seeds)")
    fig.tight_layout()
    return fig


def figure_densities(draws: Mapping[tuple[str, str], np.ndarray],
                     truths: Mapping[str, Mapping[str, float]],
                     settings: Sequence[Setting], schemes: Sequence[str]):
    """Fig. 2: posterior kernel densities of mu, phi, tau^2 (representative seed)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from scipy.stats import gaussian_kde

    fig, axes = plt.subplots(len(settings), len(PARAMETER_NAMES),
                             figsize=(4.2 * len(PARAMETER_NAMES), 2.8 * len(settings)),
                             squeeze=False)
    for r, setting in enumerate(settings):
        name = setting.name
        for c, parameter in enumerate(PARAMETER_NAMES):
            ax = axes[r, c]
            for scheme in schemes:
                sample = draws[(scheme, name)][:, c]
                if sample.size < 2 or np.ptp(sample) == 0:
                    continue
                lo, hi = np.quantile(sample, [0.001, 0.999])
                grid = np.linspace(lo, hi, 200)
                ax.plot(grid, gaussian_kde(sample)(grid), label=scheme, lw=1.3)
            ax.axvline(truths[name][parameter], color="black", ls="--", lw=0.8)
            ax.set_title(f"{PARAMETER_LABELS[parameter]} — {setting.label}", fontsize=9)
    axes[0, 0].legend(title="scheme", fontsize=7)
    fig.suptitle("Fig. 2 — posterior kernel densities (representative seed; dashed: truth)")
    fig.tight_layout()
    return fig


def aggregate_study(design: SchemeStudy, summary_paths: Sequence[str],
                    arrays_paths: Sequence[str], outputs: Mapping[str, str]) -> None:
    """Combine the replications' outputs into the summary, Tables 1-4 and Figures 1-2.

    ``outputs`` keys: summary, table1..table4 (CSV) with table1_md..table4_md, fig1, fig2.
    """
    summary = pd.concat([pd.read_parquet(p) for p in summary_paths], ignore_index=True)
    schemes = [s for s in design.schemes if s in set(summary["scheme"])]
    settings = list(design.settings.values())
    setting_names = [s.name for s in settings]
    order = {"scheme": schemes, "setting": setting_names, "parameter": list(TABLE_PARAMETERS)}
    for column, levels in order.items():
        summary[column] = pd.Categorical(summary[column], categories=levels, ordered=True)
    summary = summary.sort_values(["setting", "scheme", "replication", "parameter"])
    write_parquet(summary.astype({c: str for c in order}), outputs["summary"])

    t1 = table_time(summary)
    t2 = table_inefficiency(summary)
    t3 = table_accuracy(summary)
    t4 = table_ranks_as_printed(t2, t3, schemes)
    labels = {s.name: s.label for s in settings}
    for table in (t1, t2, t3):
        table.insert(1, "setting_label", table["setting"].astype(str).map(labels))
    label = design.state_label
    _write_table(t1, outputs["table1"], outputs["table1_md"],
                 "Table 1 — time per replication (s, all chains incl. burn-in)")
    _write_table(t2, outputs["table2"], outputs["table2_md"],
                 "Table 2 — inefficiency factors: median, 5% and 95% quantiles over seeds",
                 paper_layout(t2, TABLE2_STATISTICS, settings, schemes, label))
    _write_table(t3, outputs["table3"], outputs["table3_md"],
                 "Table 3 — posterior mean, mean absolute error, MC-error-to-SD ratio",
                 paper_layout(t3, TABLE3_STATISTICS, settings, schemes, label))
    _write_table(t4, outputs["table4"], outputs["table4_md"],
                 "Table 4 — cumulative share (%) of each scheme at each rank")

    acf: dict[tuple[str, str], list[np.ndarray]] = {}
    draws: dict[tuple[str, str], np.ndarray] = {}
    for summary_path, arrays_path in zip(summary_paths, arrays_paths, strict=True):
        key_frame = pd.read_parquet(summary_path, columns=["scheme", "setting"]).iloc[0]
        key = (key_frame["scheme"], key_frame["setting"])
        with np.load(arrays_path) as arrays:
            acf.setdefault(key, []).append(arrays["acf"])
            if arrays["kde_draws"].size:
                draws[key] = arrays["kde_draws"]
    mean_acf = {key: np.concatenate(parts).mean(axis=0) for key, parts in acf.items()}
    truths = {s.name: {"mu": s.mu, "phi": s.phi, "tau2": s.tau2} for s in settings}
    acf_label = f"{label} (h_n when n < {design.state_index})"
    write_figure(figure_acf(mean_acf, settings, schemes, acf_label), outputs["fig1"])
    empty = np.empty((0, len(TABLE_PARAMETERS)))
    all_draws = {(s, n): draws.get((s, n), empty) for s in schemes for n in setting_names}
    write_figure(figure_densities(all_draws, truths, settings, schemes), outputs["fig2"])
    logger.info("aggregated %d replication files, %d rows", len(summary_paths), len(summary))

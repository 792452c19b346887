"""The Monte Carlo study: one job per (scheme, setting, chunk of seeds), then aggregation
into He & Wang's Tables 1-4 and Figures 1-2."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from synthvol.io import write_csv, write_figure, write_npz, write_parquet, write_text
from synthvol.progress import Progress, get_logger
from synthvol.sv import design
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


def run_chunk(sv: Mapping[str, Any], seed: int, scheme: str, setting_name: str, chunk: int,
              summary_path: str, arrays_path: str) -> None:
    """Run one scheme on the replications of one chunk and write per-seed summaries
    (parquet) and the figures' arrays (npz: ACF of h_T per replication; pooled draws of
    the representative replication when it falls in this chunk)."""
    design.check_design(sv)
    setting = design.setting_by_name(sv, setting_name)
    reps = design.chunk_replications(sv, chunk)
    inits = design.starting_points(sv)
    state = design.tracked_state(sv, setting)
    max_lag = int(sv["acf_lags"])
    rows: list[dict[str, Any]] = []
    acfs = np.empty((len(reps), max_lag + 1))
    kde_draws = np.empty((0, len(TABLE_PARAMETERS)))
    warm_up()
    progress = Progress(f"sv {scheme} {setting.name} chunk {chunk}", len(reps), every=1,
                        logger=logger)
    for i, rep in enumerate(reps):
        y, h = design.simulate_replication(seed, setting, rep)
        result = run_sampler(y, scheme, design.priors(sv), inits, int(sv["n_burn"]),
                             int(sv["n_keep"]), design.chain_seed(seed, scheme, setting, rep),
                             state_index=[state], tuning=design.tuning(sv),
                             log_offset=float(sv["log_offset"]))
        quantities = {**result.params, "h_T": result.states[:, :, 0]}
        truths = {"mu": setting.mu, "phi": setting.phi, "tau2": setting.tau2, "h_T": h[state]}
        for name, draws in quantities.items():
            rows.append({"scheme": scheme, "setting": setting.name, "n": setting.n,
                         "phi_true": setting.phi, "tau2_true": setting.tau2,
                         "replication": rep, "parameter": name, "state_index": state,
                         **summarise_draws(draws, truths[name]),
                         "seconds": result.seconds, "draws_per_second": result.draws_per_second,
                         "acceptance": float(result.acceptance.mean()),
                         "rw_step": float(result.steps.mean())})
        acfs[i] = autocorrelation(quantities["h_T"], max_lag)
        if rep == int(sv["kde_replication"]):
            kde_draws = np.column_stack([quantities[p].ravel() for p in TABLE_PARAMETERS])
        progress.update(i + 1, seconds=result.seconds,
                        if_h=rows[-1]["inefficiency"], rhat_tau2=rows[-2]["rhat"])
    write_parquet(pd.DataFrame(rows), summary_path)
    write_npz(arrays_path, replications=np.array(list(reps)), acf=acfs, kde_draws=kde_draws)


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
    """Table 1: median wall time of one replication (all chains, burn-in included)."""
    one = summary[summary["parameter"] == "mu"]
    return (one.groupby(["setting", "scheme"], sort=False)
            .agg(seconds_median=("seconds", "median"), seconds_q05=("seconds", lambda s: s.quantile(0.05)),
                 seconds_q95=("seconds", lambda s: s.quantile(0.95)),
                 draws_per_second=("draws_per_second", "median"),
                 acceptance=("acceptance", "median"))
            .reset_index())


def table_inefficiency(summary: pd.DataFrame) -> pd.DataFrame:
    """Table 2: median and 5%/95% quantiles of the inefficiency factors over seeds."""
    return (summary.groupby(["setting", "scheme", "parameter"], sort=False)["inefficiency"]
            .agg(median="median", q05=lambda s: s.quantile(0.05), q95=lambda s: s.quantile(0.95))
            .reset_index())


def table_accuracy(summary: pd.DataFrame) -> pd.DataFrame:
    """Table 3: posterior mean, absolute error against the truth, MC-error/SD ratio and
    the share of seeds with R-hat < 1.1 (averages over seeds)."""
    return (summary.groupby(["setting", "scheme", "parameter"], sort=False)
            .agg(truth=("truth", "mean"), posterior_mean=("mean", "mean"),
                 abs_error=("abs_error", "mean"), mcse_sd_ratio=("mcse_sd_ratio", "median"),
                 rhat_median=("rhat", "median"),
                 converged_share=("rhat", lambda r: float(np.mean(r < 1.1))))
            .reset_index())


def table_ranks(ineff: pd.DataFrame, accuracy: pd.DataFrame) -> pd.DataFrame:
    """Table 4: cumulative share of each scheme at each rank, over the (setting, parameter)
    cases, ranking by median inefficiency factor (efficiency) and by mean absolute error
    of the posterior mean (accuracy)."""
    frames = []
    for criterion, frame, column in (("efficiency", ineff, "median"),
                                     ("accuracy", accuracy, "abs_error")):
        ranks = frame.assign(rank=frame.groupby(["setting", "parameter"])[column]
                             .rank(method="min"))
        n_cases = ranks.groupby(["setting", "parameter"]).ngroups
        n_schemes = ranks["scheme"].nunique()
        for scheme, group in ranks.groupby("scheme", sort=False):
            row = {"criterion": criterion, "scheme": scheme}
            for k in range(1, n_schemes + 1):
                row[f"rank<={k}"] = 100.0 * float(np.sum(group["rank"] <= k)) / n_cases
            frames.append(row)
    return pd.DataFrame(frames)


def _pretty_wide(frame: pd.DataFrame, fmt) -> pd.DataFrame:
    cells = frame.assign(cell=frame.apply(fmt, axis=1))
    wide = cells.pivot_table(index=["setting", "scheme"], columns="parameter", values="cell",
                             aggfunc="first", sort=False)
    return wide.reindex(columns=[p for p in TABLE_PARAMETERS if p in wide.columns]).reset_index()


def figure_acf(acf: Mapping[tuple[str, str], np.ndarray], setting_names: Sequence[str],
               schemes: Sequence[str], state_label: str):
    """Fig. 1: ACF of the tracked state, averaged over seeds, one panel per setting."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cols = min(2, len(setting_names))
    rows = int(np.ceil(len(setting_names) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(5.5 * cols, 3.6 * rows), squeeze=False,
                             sharey=True)
    for ax, name in zip(axes.ravel(), setting_names, strict=False):
        for scheme in schemes:
            values = acf[(scheme, name)]
            ax.plot(np.arange(values.size), values, label=scheme, lw=1.4)
        ax.axhline(0.0, color="grey", lw=0.7)
        ax.set_title(name, fontsize=10)
        ax.set_xlabel("lag")
    for ax in axes.ravel()[len(setting_names):]:
        ax.set_visible(False)
    axes[0, 0].set_ylabel(f"ACF of {state_label}")
    axes[0, 0].legend(title="scheme", fontsize=8)
    fig.suptitle("Fig. 1 — autocorrelation of the draws of the tracked state (mean over seeds)")
    fig.tight_layout()
    return fig


def figure_densities(draws: Mapping[tuple[str, str], np.ndarray],
                     truths: Mapping[str, Mapping[str, float]],
                     setting_names: Sequence[str], schemes: Sequence[str]):
    """Fig. 2: posterior kernel densities of mu, phi, tau^2 (representative seed)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from scipy.stats import gaussian_kde

    fig, axes = plt.subplots(len(setting_names), len(PARAMETER_NAMES),
                             figsize=(4.2 * len(PARAMETER_NAMES), 2.8 * len(setting_names)),
                             squeeze=False)
    for r, name in enumerate(setting_names):
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
            ax.set_title(f"{parameter} — {name}", fontsize=9)
    axes[0, 0].legend(title="scheme", fontsize=7)
    fig.suptitle("Fig. 2 — posterior kernel densities (representative seed; dashed: truth)")
    fig.tight_layout()
    return fig


def aggregate_study(sv: Mapping[str, Any], summary_paths: Sequence[str],
                    arrays_paths: Sequence[str], outputs: Mapping[str, str]) -> None:
    """Combine the chunk outputs into the summary, Tables 1-4 and Figures 1-2.

    ``outputs`` keys: summary, table1..table4 (CSV) with table1_md..table4_md, fig1, fig2.
    """
    summary = pd.concat([pd.read_parquet(p) for p in summary_paths], ignore_index=True)
    schemes = [s for s in sv["schemes"] if s in set(summary["scheme"])]
    setting_names = [s.name for s in design.settings(sv)]
    order = {"scheme": schemes, "setting": setting_names, "parameter": list(TABLE_PARAMETERS)}
    for column, levels in order.items():
        summary[column] = pd.Categorical(summary[column], categories=levels, ordered=True)
    summary = summary.sort_values(["setting", "scheme", "replication", "parameter"])
    write_parquet(summary.astype({c: str for c in order}), outputs["summary"])

    t1 = table_time(summary)
    t2 = table_inefficiency(summary)
    t3 = table_accuracy(summary)
    t4 = table_ranks(t2, t3)
    _write_table(t1, outputs["table1"], outputs["table1_md"],
                 "Table 1 — time per replication (s, all chains incl. burn-in)")
    _write_table(t2, outputs["table2"], outputs["table2_md"],
                 "Table 2 — inefficiency factors: median [5%, 95%] over seeds",
                 _pretty_wide(t2, lambda r: f"{r['median']:.1f} [{r['q05']:.1f}, {r['q95']:.1f}]"))
    _write_table(t3, outputs["table3"], outputs["table3_md"],
                 "Table 3 — posterior mean / mean absolute error / MC-error-to-SD ratio",
                 _pretty_wide(t3, lambda r: (f"{r['posterior_mean']:.4g} / {r['abs_error']:.3g}"
                                             f" / {r['mcse_sd_ratio']:.3f}")))
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
    truths = {s.name: {"mu": s.mu, "phi": s.phi, "tau2": s.tau2} for s in design.settings(sv)}
    state_label = f"h_{int(sv['state_index'])} (h_n when n < {int(sv['state_index'])})"
    write_figure(figure_acf(mean_acf, setting_names, schemes, state_label), outputs["fig1"])
    empty = np.empty((0, len(TABLE_PARAMETERS)))
    all_draws = {(s, n): draws.get((s, n), empty) for s in schemes for n in setting_names}
    write_figure(figure_densities(all_draws, truths, setting_names, schemes), outputs["fig2"])
    logger.info("aggregated %d chunk files, %d rows", len(summary_paths), len(summary))

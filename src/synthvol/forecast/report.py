"""The forecast part's report section: comparison with naive, findings, ranking by
rolling-origin MASE among adequate models, adequacy, fits, K* table, figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from synthvol.forecast.accuracy import level_label
from synthvol.forecast.curves import compare_with_table_4_1
from synthvol.forecast.models import BENCHMARK
from synthvol.forecast.study import adequacy_summary
from synthvol.report.model import Table, figure, note, paragraph, save_section, section, table

RESIDUAL_FIGURES = 3        # residual diagnostics inlined for the best-ranked models (+ naive)

SIMPLIFICATIONS = (
    "Asymptotic curves (modified exponential, Gompertz, logistic): K uses the Jacobian of the "
    "least-squares fit at the estimate (local linearisation); the textbook only sketches "
    "intervals for a known asymptote. The same Jacobian is the design matrix of their "
    "Durbin-Watson test (k' = 2) and its exact p-value.",
    "The exponential curve is fitted, tested and given intervals on ln y, as the textbook "
    "prescribes; its residuals in the adequacy table are on logs.",
    "The skewness-kurtosis rule takes moments about the residuals' mean (identical to the "
    "textbook's for least-squares fits with a constant).",
    "R/S criterion: bounds from David, Hartley & Pearson (1954) for n <= 100 (package data "
    "rs_critical_dhp1954.csv), from a seeded 200,000-sample simulation beyond (package data "
    "rs_critical_simulated.csv, not published values), linear in n between rows; two-sided "
    "at forecast.alpha, i.e. alpha/2 in each tail.",
    "Durbin-Watson bounds come from the shipped 5% table for n = 15..100 (recomputed exactly "
    "like Savin & White 1977) and are computed exactly by the same method beyond it.",
    "ETS: the initial states are profiled out exactly (the errors are linear in them) and the "
    "smoothing parameters found by a grid over statsmodels' bounds plus Nelder-Mead; intervals "
    "use sigma^2 = SSE/(n - k) and normal quantiles, as R's forecast package.",
    "Brown's polynomial models follow Brown (1963) and Lukashin (1979), the sources of "
    "Dubrova's chapter 5, which is not among the seed documents: initial coefficients by OLS "
    "on the first forecast.brown.initial_periods levels (Brown-Meyer initial averages), "
    "alpha by least in-sample one-step squares unless set; intervals from the equivalent "
    "ARIMA(0, p+1, p+1) with MA polynomial (1 - (1 - alpha) B)^(p+1).",
    "The errors of the recursive models (benchmarks, ETS, Brown) depend on lagged values of "
    "the series, so the Durbin-Watson test is refused for them and Ljung-Box is used.",
    "Adequacy is judged once, on the residuals of the fit to the head of the series; the "
    "rolling origins refit the models but do not retest them.",
    "MASE standard errors are the spread of the per-origin MASE over the origins; the "
    "forecast windows of neighbouring origins overlap, so they understate the uncertainty.",
)

RANKING_COLUMNS = ["rank", "model", "passes", "adequate", "rolling_mase", "rolling_mape"]


def _overall(rolling: pd.DataFrame) -> pd.DataFrame:
    return rolling[rolling["horizon"] == "all"].set_index("model")


def naive_comparison(accuracy: pd.DataFrame, rolling: pd.DataFrame, origins: int) -> str:
    """One sentence: the first-ranked model against the naive forecast over rolling origins."""
    overall = _overall(rolling)
    best = accuracy.iloc[0]["model"]
    naive, naive_se = overall.loc[BENCHMARK, "mase"], overall.loc[BENCHMARK, "mase_se"]
    if best == BENCHMARK:
        return (f"The naive forecast itself ranks first: rolling-origin MASE {naive:.2f} ± "
                f"{naive_se:.2f} over {origins} origins.")
    mase, se = overall.loc[best, "mase"], overall.loc[best, "mase_se"]
    if mase >= naive:
        verdict = "does not beat"
    elif mase + se < naive - naive_se:
        verdict = "beats"
    else:
        verdict = "is not clearly better than"
    return (f"Over {origins} rolling origins the first-ranked model, {best}, {verdict} the "
            f"naive forecast: MASE {mase:.2f} ± {se:.2f} against {naive:.2f} ± "
            f"{naive_se:.2f} (± one standard error across origins).")


def selection_statement(accuracy: pd.DataFrame) -> str:
    """How the first-ranked model was chosen, and the caveat when no model is adequate."""
    passing = accuracy[accuracy["passes"]]
    if passing.empty:
        return ("No model's residuals pass all the adequacy checks (random by turning "
                "points, normal by R/S and not rejected by the skewness-kurtosis rule, "
                "independent by Durbin-Watson or Ljung-Box), so the ranking below is by "
                "rolling-origin MASE alone, with the caveat that none of these models "
                "describes the series adequately and its interval forecasts rest on "
                "assumptions the residuals contradict.")
    return (f"Models whose residuals pass all the adequacy checks: "
            f"{', '.join(passing['model'])}. The best of them by rolling-origin MASE ranks "
            f"first ({passing.iloc[0]['model']}); the models that fail follow, also by "
            f"rolling-origin MASE.")


def findings(accuracy: pd.DataFrame, rolling: pd.DataFrame, origins: int,
             confidence: float) -> list[tuple[str, str]]:
    """The section's headline results, generated from the tables."""
    overall = _overall(rolling)
    best = accuracy.iloc[0]["model"]
    coverage = overall.loc[best, f"coverage_{level_label(confidence)}"]
    passing = int(accuracy["passes"].sum())
    adequacy = (f"{passing} of {len(accuracy)} forecast models pass all residual adequacy "
                "checks" + ("; the ranking is by rolling-origin MASE with that caveat."
                            if passing == 0 else "."))
    return [
        (naive_comparison(accuracy, rolling, origins), "forecast-ranking"),
        (f"{best}'s {confidence:.0%} interval forecasts cover {coverage:.0%} of the "
         f"{int(overall.loc[best, 'm'])} rolling-origin actual values.", "forecast-rolling"),
        (adequacy, "forecast-adequacy"),
    ]


def _kstar_table(kstar: pd.DataFrame, params: Mapping[str, Any], csv: str) -> Table:
    compared = compare_with_table_4_1(kstar)
    if not len(compared):
        return table(kstar, "K* = t_α K for the configured n, L and confidence.",
                     float_format="{:.4f}", csv=csv)
    wide = compared.pivot_table(index="n", columns=["trend", "L"],
                                values=["K_star", "K_star_textbook"])
    wide.columns = [f"{trend} L={L} {'textbook' if kind.endswith('textbook') else 'ours'}"
                    for kind, trend, L in wide.columns]
    wide = wide[sorted(wide.columns)].reset_index()
    return table(
        wide, f"K* = t_α K beside the textbook's Table 4.1 (t to {kstar_rounding(params)}): "
        f"{int(compared['agrees'].sum())} of {len(compared)} cells agree within the rounding "
        f"of t, K and the printed digit; the exception is parabolic n = 14, L = 2, printed "
        f"2.830, which formula (4.5) and its neighbours put at 2.820 (a misprint).",
        float_format="{:.4f}", csv=csv)


def write_forecast_section(accuracy_path: str, rolling_path: str, rolling_png: str,
                           adequacy_path: str, fits_path: str, series_path: str,
                           kstar_path: str, fit_pngs: Sequence[str],
                           residual_pngs: Sequence[str], params: Mapping[str, Any],
                           output: str) -> None:
    """Write the section data of the forecast-adequacy part."""
    accuracy = pd.read_csv(accuracy_path)
    rolling = pd.read_csv(rolling_path, dtype={"horizon": str})
    adequacy = pd.read_csv(adequacy_path)
    series = pd.read_csv(series_path)
    confidence = float(params["confidence"])
    levels = [float(c) for c in params["coverage_levels"]]
    origins = int(params["rolling_origins"])
    head, tail = series[series["part"] == "head"], series[series["part"] == "tail"]
    single = ["mase", "mape", "mae", "mu", *[f"coverage_{level_label(c)}" for c in levels]]
    ranking = accuracy[RANKING_COLUMNS + [f"rolling_coverage_{level_label(c)}" for c in levels]
                       + single].rename(columns={c: f"single_{c}" for c in single})
    by_horizon = rolling[rolling["horizon"] != "all"].pivot(index="model", columns="horizon",
                                                            values="mase")
    by_horizon = by_horizon[sorted(by_horizon.columns, key=int)]
    by_horizon.columns = [f"L={h}" for h in by_horizon.columns]
    by_horizon = by_horizon.reindex(accuracy["model"]).reset_index()
    parts = [
        paragraph(naive_comparison(accuracy, rolling, origins)),
        paragraph(
            f"Benchmarks (naive, random walk with drift), growth curves (Dubrova ch. 4), "
            f"exponential smoothing at its maximum likelihood (ETS ANN, AAN, AAdN) and "
            f"Brown's adaptive polynomial models (ch. 5) on the prepared price series "
            f"aggregated by '{params['aggregation']}' ({params['statistic']}): {len(head)} "
            f"periods {head['date'].iloc[0]} to {head['date'].iloc[-1]} to fit, the last "
            f"{len(tail)} ({tail['date'].iloc[0]} to {tail['date'].iloc[-1]}) held out and "
            f"forecast L = 1..{len(tail)} steps ahead from one origin; and a rolling-origin "
            f"evaluation (Tashman 2000) refitting every model at each of the last {origins} "
            f"periods and forecasting up to {len(tail)} steps from each. MASE scales "
            f"absolute errors by the in-sample MAE of the naive forecast (Hyndman & Koehler "
            f"2006): below 1 beats it in-sample. Intervals: ŷ ± t_α S_y K for the growth "
            f"curves, normal ETS / ARIMA-equivalent intervals for the recursive models; "
            f"coverage at {', '.join(f'{c:.0%}' for c in levels)}, µ at the textbook's "
            f"{confidence:.0%}."),
        paragraph(selection_statement(accuracy)),
        table(ranking, "Models ranked: those passing the adequacy checks first, each group by "
              f"rolling-origin MASE ({origins} origins, L = 1..{len(tail)} pooled); single_*: "
              f"the one-origin forecast of the held-out tail; µ = p/(p+q) at {confidence:.0%}; "
              "adequate = how many of the four checks accept.", anchor="forecast-ranking",
              csv=accuracy_path),
        figure(rolling_png, "Rolling-origin MASE by horizon (log scale; naive dashed) and "
                            "interval coverage pooled over origins and horizons.",
               anchor="forecast-rolling"),
        table(by_horizon, "Rolling-origin MASE by forecast horizon L (one forecast per "
                          "origin at each L; fewer origins reach the longer L).",
              csv=rolling_path),
        table(adequacy_summary(adequacy), "Adequacy of the residuals by check (passes: random, "
              "independent, normal by R/S and not rejected by the skewness-kurtosis rule).",
              anchor="forecast-adequacy"),
        table(adequacy, "All adequacy tests: statistic, thresholds (turning points: "
              "integer lower bound; skewness-kurtosis rule: 1.5σ and 2σ; R/S: tabulated "
              f"bounds, two-sided at {float(params['alpha']):g}; DW: d1, d2 at 5%) and "
              "p-values (DW: exact, Imhof).", csv=adequacy_path),
        table(pd.read_csv(fits_path)[["model", "family", "scale", "n", "k", "residual_std",
                                      "loglik", "convergence", "param", "value"]],
              "Fitted parameters, S_y (on the fitting scale), Gaussian log-likelihood of "
              "the recursive fits and the optimiser's status.", float_format="{:.6g}",
              csv=fits_path),
        _kstar_table(pd.read_csv(kstar_path), params, kstar_path),
    ]
    fit_by_model = {Path(p).stem.removeprefix("fit_"): p for p in fit_pngs}
    residuals_by_model = {Path(p).stem.removeprefix("residuals_"): p for p in residual_pngs}
    diagnosed = list(accuracy["model"][:RESIDUAL_FIGURES])
    if BENCHMARK in residuals_by_model and BENCHMARK not in diagnosed:
        diagnosed.append(BENCHMARK)
    for rank, model in enumerate(accuracy["model"], start=1):
        parts.append(figure(fit_by_model[model], f"{model} (rank {rank}): fit, "
                            f"point and {confidence:.0%} interval forecast."))
        if model in diagnosed:
            parts.append(figure(residuals_by_model[model], f"{model}: residual diagnostics."))
    parts.append(note(["Simplifications:"], SIMPLIFICATIONS))
    save_section(section("forecast", "Forecast adequacy: benchmarks, growth curves and adaptive "
                          "methods", parts, findings(accuracy, rolling, origins, confidence)),
                  output)


def kstar_rounding(params: Mapping[str, Any]) -> str:
    """How the K* table rounds t, in words."""
    decimals = params["kstar"]["t_decimals"]
    return "full precision" if decimals is None else f"{decimals} decimals"

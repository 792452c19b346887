"""The forecast part's report section: ranking, adequacy, K* table, figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from synthvol.forecast.curves import compare_with_table_4_1
from synthvol.forecast.study import adequacy_summary
from synthvol.io import write_text
from synthvol.report.html import escape, image_file_html, paragraph, section, table_html

RESIDUAL_FIGURES = 3        # residual diagnostics inlined for the best-ranked models

SIMPLIFICATIONS = (
    "Asymptotic curves (modified exponential, Gompertz, logistic): K uses the Jacobian of the "
    "least-squares fit at the estimate (local linearisation); the textbook only sketches "
    "intervals for a known asymptote. The same Jacobian is the design matrix of their "
    "Durbin-Watson test (k' = 2) and its exact p-value.",
    "The exponential curve is fitted, tested and given intervals on ln y, as the textbook "
    "prescribes; its residuals in the adequacy table are on logs.",
    "The RS criterion takes moments about the residuals' mean (identical to the textbook's "
    "for least-squares fits with a constant).",
    "Durbin-Watson bounds come from the shipped 5% table for n = 15..100 (recomputed exactly "
    "like Savin & White 1977) and are computed exactly by the same method beyond it.",
    "Exponential smoothing errors depend on lagged values of the series, so the "
    "Durbin-Watson test is refused for them and Ljung-Box is used.",
)


def _reading(accuracy: pd.DataFrame, adequacy: pd.DataFrame, confidence: float) -> str:
    best = accuracy.iloc[0]
    curves = accuracy[~accuracy["model"].isin(["ses", "holt"])]
    best_curve = curves.iloc[0] if len(curves) else None
    independent = adequacy[(adequacy["property"] == "independence")
                           & adequacy["decision"].str.startswith("accept")]["model"]
    covering = accuracy[accuracy["mu"] >= confidence]["model"].tolist()
    text = (f"Best on the held-out tail: {best['model']} (MAPE {best['mape']:.2f}%, "
            f"µ = {best['mu']:.2f}, {int(best['hits'])} of {int(best['m'])} actual values "
            f"inside the {confidence:.0%} intervals).")
    if best_curve is not None:
        text += (f" Best growth curve: {best_curve['model']} (rank {int(best_curve['rank'])}, "
                 f"MAPE {best_curve['mape']:.2f}%, µ = {best_curve['mu']:.2f}).")
    text += (f" Intervals covering at least their nominal {confidence:.0%}: "
             f"{', '.join(covering) if covering else 'none'}.")
    dw = adequacy[adequacy["test"].str.startswith("Durbin")]
    if len(dw):
        text += (f" Durbin-Watson d of the growth curves ranges over "
                 f"{dw['statistic'].min():.3f}-{dw['statistic'].max():.3f}: strong positive "
                 "autocorrelation wherever it is far below d1, i.e. a smooth trend leaves the "
                 "price level's wandering in the residuals, and the intervals (which assume "
                 "independent errors) then understate the uncertainty.")
    text += (f" Residuals judged independent: "
             f"{', '.join(independent) if len(independent) else 'no model'}.")
    return text


def write_forecast_section(accuracy_path: str, adequacy_path: str, fits_path: str,
                           series_path: str, kstar_path: str, fit_pngs: Sequence[str],
                           residual_pngs: Sequence[str], params: Mapping[str, Any],
                           output: str) -> None:
    """Write the HTML fragment of the forecast-adequacy part."""
    accuracy = pd.read_csv(accuracy_path)
    adequacy = pd.read_csv(adequacy_path)
    series = pd.read_csv(series_path)
    confidence = float(params["confidence"])
    head = series[series["part"] == "head"]
    tail = series[series["part"] == "tail"]
    parts = [paragraph(
        f"Growth curves (Dubrova ch. 4) and adaptive methods (ch. 5) fitted to the prepared "
        f"price series aggregated by '{params['aggregation']}' ({params['statistic']}): "
        f"{len(head)} periods {head['date'].iloc[0]} to {head['date'].iloc[-1]} to fit, and "
        f"the last {len(tail)} ({tail['date'].iloc[0]} to {tail['date'].iloc[-1]}) held out "
        f"and forecast L = 1..{len(tail)} steps ahead with {confidence:.0%} interval "
        f"forecasts ŷ ± t_α S_y K (ETS prediction intervals for the adaptive methods)."),
        paragraph(_reading(accuracy, adequacy, confidence)),
        table_html(accuracy[["rank", "model", "mape", "mae", "mean_error", "s", "s_dof", "mu",
                             "hits", "misses", "adequate"]],
                   "Models ranked by MAPE on the held-out tail (adequate = how many of "
                   "randomness, normality (RS) and independence (DW, or Ljung-Box) hold)."),
        table_html(adequacy_summary(adequacy), "Adequacy of the residuals by property."),
        table_html(adequacy, "All adequacy tests: statistic, thresholds (turning points: "
                   "integer lower bound; RS: 1.5σ and 2σ; DW: d1, d2 at 5%) and p-values "
                   "(DW: exact, Imhof)."),
        table_html(pd.read_csv(fits_path)[["model", "scale", "n", "k", "residual_std", "param",
                                           "value"]],
                   "Fitted parameters and S_y (on the fitting scale).", float_format="{:.6g}"),
    ]
    kstar = pd.read_csv(kstar_path)
    compared = compare_with_table_4_1(kstar)
    if len(compared):
        wide = compared.pivot_table(index="n", columns=["trend", "L"],
                                    values=["K_star", "K_star_textbook"])
        wide.columns = [f"{trend} L={L} {'textbook' if kind.endswith('textbook') else 'ours'}"
                        for kind, trend, L in wide.columns]
        wide = wide[sorted(wide.columns)].reset_index()
        parts.append(table_html(
            wide, f"K* = t_α K beside the textbook's Table 4.1 (t to "
            f"{kstar_rounding(params)}): {int(compared['agrees'].sum())} of {len(compared)} "
            f"cells agree within the rounding of t, K and the printed digit; the exception is "
            f"parabolic n = 14, L = 2, printed 2.830, which formula (4.5) and its neighbours "
            f"put at 2.820 (a misprint).", float_format="{:.4f}"))
    else:
        parts.append(table_html(kstar, "K* = t_α K for the configured n, L and confidence.",
                                float_format="{:.4f}"))
    fit_by_model = {Path(p).stem.removeprefix("fit_"): p for p in fit_pngs}
    residuals_by_model = {Path(p).stem.removeprefix("residuals_"): p for p in residual_pngs}
    for rank, model in enumerate(accuracy["model"], start=1):
        parts.append(image_file_html(fit_by_model[model], f"{model} (rank {rank}): fit, "
                                     f"point and {confidence:.0%} interval forecast."))
        if rank <= RESIDUAL_FIGURES:
            parts.append(image_file_html(residuals_by_model[model],
                                         f"{model}: residual diagnostics."))
    parts.append(paragraph("Residual diagnostics of the other models: "
                           "results/forecast/figures/residuals_<model>.png."))
    parts.append("<div class='note'><p>Simplifications:</p><ul>"
                 + "".join(f"<li>{escape(s)}</li>" for s in SIMPLIFICATIONS) + "</ul></div>")
    write_text(section("forecast", "Forecast adequacy: growth curves and adaptive methods",
                       parts), output)


def kstar_rounding(params: Mapping[str, Any]) -> str:
    """How the K* table rounds t, in words."""
    decimals = params["kstar"].get("t_decimals")
    return "full precision" if decimals is None else f"{decimals} decimals"

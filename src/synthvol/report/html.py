"""HTML of the report's pieces: escaped text, inlined PNG figures and readable tables.

:mod:`synthvol.report.render` calls these while it walks the sections' data in page order,
so it hands each table and figure its number ("Table 3.") and id, and each table the link
to its CSV relative to the page. Figures are inlined as base64 PNG so the page needs no
other file.
"""

from __future__ import annotations

import base64
import html
import math
import struct
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from synthvol.report.labels import Quantity, column_label, quantity, value_label
from synthvol.report.model import BEST_RULES

#: Significant digits of a float column whose quantity does not say otherwise.
DEFAULT_DIGITS = 4
#: Text cells longer than this may wrap; shorter ones (dates, names) stay on one line.
WRAP_AT = 32


def escape(text: str) -> str:
    """HTML-escape plain text."""
    return html.escape(str(text))


def _id_attribute(anchor: str | None) -> str:
    return f' id="{escape(anchor)}"' if anchor else ""


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def _number(text: str) -> str:
    return f'<span class="number">{escape(text)}</span> ' if text else ""


def png_html(data: bytes, caption: str = "", anchor: str | None = None, number: str = ""
             ) -> str:
    """An inlined PNG figure with its number, caption and id."""
    encoded = base64.b64encode(data).decode("ascii")
    size = _png_size(data)
    dims = f' width="{size[0]}" height="{size[1]}"' if size else ""
    cap = f"<figcaption>{_number(number)}{escape(caption)}</figcaption>"
    return (f'<figure class="figure"{_id_attribute(anchor)}><img alt="{escape(caption)}"{dims} '
            f'src="data:image/png;base64,{encoded}"/>{cap}</figure>')


def leading_number(text: str) -> float | None:
    """The number a text cell starts with ("0.31 ± 0.02" → 0.31, "−4 %" → -4), or None."""
    head = text.strip().replace("−", "-")
    for end in range(min(len(head), 32), 0, -1):
        part = head[:end]
        if part[-1].isdigit() or part[-1] == ".":
            try:
                return float(part)
            except ValueError:
                continue
    return None


def significant_digits(float_format: str | None) -> int | None:
    """N of a ``"{:.Ng}"`` format, or None for any other format."""
    if float_format and float_format.startswith("{:.") and float_format.endswith("g}"):
        digits = float_format[3:-2]
        return int(digits) if digits.isdigit() else None
    return None


def float_formatter(values: np.ndarray, found: Quantity | None = None,
                    digits: int = DEFAULT_DIGITS) -> Callable[[float], str]:
    """One number format for a whole column, chosen from its values and its quantity.

    Fixed decimals when the magnitudes fit: enough for the largest value to show ``digits``
    significant digits, one more if the smallest needs it; a non-zero value that still
    rounds to zero shows as "< 0.001". Scientific notation with ``digits`` significant
    digits for the whole column when its magnitudes span more than five orders or lie
    outside [1e-3, 1e6). A column never mixes the two.
    """
    floor = None
    if found is not None and found.decimals is not None:
        pattern = f"{{:.{found.decimals}f}}"
        floor = 10.0 ** -found.decimals
    else:
        digits = found.digits if found is not None and found.digits else digits
        finite = np.abs(values[np.isfinite(values) & (values != 0)])
        if finite.size == 0:
            pattern = "{:.0f}"
        else:
            hi, lo = float(finite.max()), float(finite.min())
            if hi >= 1e6 or hi < 1e-3 or hi / lo > 1e5:
                pattern = f"{{:.{digits - 1}e}}"
            else:
                for_hi = max(digits - 1 - math.floor(math.log10(hi)), 0)
                decimals = max(for_hi, min(1 - math.floor(math.log10(lo)), for_hi + 1))
                pattern = f"{{:.{decimals}f}}"
                floor = 10.0 ** -decimals

    def fmt(value: float) -> str:
        if not np.isfinite(value):
            return "—" if np.isnan(value) else ("∞" if value > 0 else "−∞")
        text = pattern.format(value)
        if floor is not None and value != 0 and float(text) == 0:
            text = f"< {pattern.format(floor)}" if value > 0 else f"> -{pattern.format(floor)}"
        return text.replace("-", "−")                # a typographic minus

    return fmt


def _numeric(column: pd.Series) -> np.ndarray | None:
    """The column's values as floats (leading numbers of text cells), or None if it has none."""
    if pd.api.types.is_bool_dtype(column):
        return None
    if pd.api.types.is_numeric_dtype(column):
        return column.to_numpy(dtype=float)
    parsed = [leading_number(v) if isinstance(v, str) else None for v in column]
    if all(p is None for p in parsed):
        return None
    return np.array([np.nan if p is None else p for p in parsed])


def _best_mask(column: pd.Series, rule: str) -> np.ndarray:
    if rule not in BEST_RULES:
        raise ValueError(f"best rule '{rule}' is not one of {sorted(BEST_RULES)}")
    values = _numeric(column)
    if values is None or not np.isfinite(values).any():
        raise ValueError(f"column '{column.name}' has no numbers to mark the best of")
    score = {"min": values, "max": -values, "abs_min": np.abs(values)}[rule]
    return np.isfinite(score) & (score == np.nanmin(score))


def _cell_texts(column: pd.Series, fixed: str | None, digits: int) -> list[str]:
    if pd.api.types.is_bool_dtype(column):
        return ["yes" if v else "no" for v in column]
    if pd.api.types.is_integer_dtype(column):
        return ["—" if pd.isna(v) else str(v) for v in column]
    if pd.api.types.is_float_dtype(column):
        values = column.to_numpy(dtype=float)
        if fixed is not None:
            return ["—" if np.isnan(v) else fixed.format(v) for v in values]
        return list(map(float_formatter(values, quantity(str(column.name))[0], digits),
                        values))
    return ["—" if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v))
            else value_label(column.name, v) for v in column]


def table_html(frame: pd.DataFrame, caption: str = "", float_format: str | None = None, *,
               anchor: str | None = None, best: Mapping[str, str] | None = None,
               labels: Mapping[str, str] | None = None, number: str = "",
               csv_href: str | None = None, csv_title: str | None = None) -> str:
    """A data frame as a numbered, captioned table a reader can read.

    Column headers are the registry's human labels with units
    (:mod:`synthvol.report.labels`; ``labels`` overrides single columns) and keep the raw
    name as a tooltip; identifiers in text cells read as the study names them
    (:func:`~synthvol.report.labels.value_label`). Every float column gets one number format
    chosen for its values
    (:func:`float_formatter`); ``float_format`` ``"{:.Ng}"`` sets the significant digits,
    any other pattern (``"{:.1f}"``) is applied to every float as is. ``best`` maps columns to
    ``"min"``, ``"max"`` or ``"abs_min"`` and marks the best value of each in bold.
    ``csv_href`` links the CSV behind the table (``csv_title``: its path as a tooltip). The
    table scrolls sideways when it is wider than the page.
    """
    data = frame.reset_index(drop=True)
    best = dict(best or {})
    sig = significant_digits(float_format)
    digits = sig if sig is not None else DEFAULT_DIGITS
    fixed = None if float_format is None or sig is not None else float_format
    names = [str(c) for c in data.columns]
    shown = {n: (labels or {}).get(n, column_label(n)) for n in names}
    header = "".join(f'<th title="{escape(n)}">{escape(shown[n])}</th>' for n in names)
    cells, marks, numeric = {}, {}, {}
    for name, col in zip(names, (data[c] for c in data.columns)):
        cells[name] = _cell_texts(col, fixed, digits)
        marks[name] = _best_mask(col, best[name]) if name in best else np.zeros(len(col), bool)
        numeric[name] = pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col)
    rows = []
    for i in range(len(data)):
        tds = []
        for n in names:
            kind = "num" if numeric[n] else ("text wrap" if len(cells[n][i]) > WRAP_AT
                                             else "text")
            classes = [kind] + (["best"] if marks[n][i] else [])
            tds.append(f'<td class="{" ".join(classes)}">{escape(cells[n][i])}</td>')
        rows.append(f"<tr>{''.join(tds)}</tr>")
    note = ""
    if best:
        by_rule = {}
        for col, rule in best.items():
            by_rule.setdefault(BEST_RULES[rule], []).append(shown[col])
        note = "Bold: best value — " + "; ".join(
            f"{rule} {', '.join(cols)}" for rule, cols in by_rule.items()) + "."
    link = (f' <a class="csv" href="{escape(csv_href)}" title="{escape(csv_title or csv_href)}"'
            f">CSV</a>" if csv_href is not None else "")
    text = " ".join(t for t in (caption, note) if t)
    cap = f"<p class='caption'>{_number(number)}{escape(text)}{link}</p>"
    return (f"<div class='table'{_id_attribute(anchor)}>{cap}<div class='scroll'>"
            f"<table class='data'><thead><tr>{header}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div></div>")

"""Building blocks for report sections: inlined PNG files, tables, findings and prose.

Each part of the study writes one HTML *fragment* (a ``<section>``) with
:func:`section`; the report rule (:mod:`synthvol.report.build`) joins the fragments into
one self-contained page. Figures are inlined as base64 PNG so the page needs no other file.

Tables and figures carry an empty number placeholder that the report builder fills in
page order ("Table 3.", "Figure 5."), so a section never numbers its own; a section's
headline results go in :func:`findings_html`, which the builder lifts into the summary at
the top of the page.
"""

from __future__ import annotations

import base64
import html
import math
import os
import re
import struct
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from synthvol.report.labels import Quantity, column_label, quantity, value_label

#: Significant digits of a float column whose quantity does not say otherwise.
DEFAULT_DIGITS = 4
#: Text cells longer than this may wrap; shorter ones (dates, names) stay on one line.
WRAP_AT = 32
BEST_RULES = {"min": "lowest", "max": "highest", "abs_min": "closest to zero"}
_LEADING_NUMBER = re.compile(r"^\s*([-−+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)")
_SIGNIFICANT = re.compile(r"^\{:\.(\d+)g\}$")


def escape(text: str) -> str:
    """HTML-escape plain text."""
    return html.escape(str(text))


def paragraph(text: str) -> str:
    """A paragraph of plain text (escaped)."""
    return f"<p>{escape(text)}</p>"


def number_placeholder(kind: str) -> str:
    """The empty "Table N." / "Figure N." slot the report builder numbers in page order."""
    return f'<span class="number" data-kind="{escape(kind)}"></span>'


def _id_attribute(anchor: str | None) -> str:
    return f' id="{escape(anchor)}"' if anchor else ""


def _png_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def png_bytes_html(data: bytes, caption: str = "", anchor: str | None = None) -> str:
    """An inlined, numbered PNG figure with its caption (and ``anchor`` as its id)."""
    encoded = base64.b64encode(data).decode("ascii")
    size = _png_size(data)
    dims = f' width="{size[0]}" height="{size[1]}"' if size else ""
    cap = f"<figcaption>{number_placeholder('figure')} {escape(caption)}</figcaption>"
    return (f'<figure class="figure"{_id_attribute(anchor)}><img alt="{escape(caption)}"{dims} '
            f'src="data:image/png;base64,{encoded}"/>{cap}</figure>')


def image_file_html(path: str | os.PathLike[str], caption: str = "",
                    anchor: str | None = None) -> str:
    """Inline a PNG file written by a rule."""
    return png_bytes_html(Path(path).read_bytes(), caption, anchor)


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
    parsed = [(_LEADING_NUMBER.match(str(v)) if isinstance(v, str) else None) for v in column]
    if not any(parsed):
        return None
    return np.array([float(m.group(1).replace("−", "-")) if m else np.nan for m in parsed])


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


def table_html(frame: pd.DataFrame, caption: str = "", float_format: str | None = None,
               index: bool = False, *, anchor: str | None = None,
               best: Mapping[str, str] | None = None, csv: str | os.PathLike[str] | None = None,
               labels: Mapping[str, str] | None = None) -> str:
    """A data frame as a numbered, captioned table a reader can read.

    Column headers are the registry's human labels with units
    (:mod:`synthvol.report.labels`; ``labels`` overrides single columns) and keep the raw
    name as a tooltip; identifiers in text cells read as the study names them
    (:func:`~synthvol.report.labels.value_label`). Every float column gets one number format
    chosen for its values
    (:func:`float_formatter`); ``float_format`` ``"{:.Ng}"`` sets the significant digits,
    any other pattern (``"{:.1f}"``) is applied to every float as is. ``best`` maps columns to
    ``"min"``, ``"max"`` or ``"abs_min"`` and marks the best value of each in bold.
    ``csv`` is the path of the CSV behind the table (relative to the workflow's working
    directory); the builder turns it into a link relative to the report. The table scrolls
    sideways when it is wider than the page.
    """
    data = frame.reset_index() if index else frame.reset_index(drop=True)
    data.columns = [" ".join(map(str, c)).strip() if isinstance(c, tuple) else c
                    for c in data.columns]
    best = dict(best or {})
    missing = [c for c in [*best, *(labels or {})] if c not in data.columns]
    if missing:
        raise ValueError(f"table has no column {missing[0]!r} (columns: {list(data.columns)})")
    sig = _SIGNIFICANT.match(float_format or "")
    digits = int(sig.group(1)) if sig else DEFAULT_DIGITS
    fixed = None if float_format is None or sig else float_format
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
    link = (f' <a class="csv" data-src="{escape(Path(csv).as_posix())}">CSV</a>'
            if csv is not None else "")
    text = " ".join(t for t in (caption, note) if t)
    cap = f"<p class='caption'>{number_placeholder('table')} {escape(text)}{link}</p>"
    return (f"<div class='table'{_id_attribute(anchor)}>{cap}<div class='scroll'>"
            f"<table class='data'><thead><tr>{header}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div></div>")


def findings_html(part: str, items: Iterable[tuple[str, str]]) -> str:
    """A part's headline results: (sentence, anchor) pairs the report lifts into its summary."""
    rows = "".join(f'<li><a href="#{escape(anchor)}">{escape(sentence)}</a></li>'
                   for sentence, anchor in items)
    return f'<aside class="findings" data-part="{escape(part)}"><ul>{rows}</ul></aside>'


def section(anchor: str, title: str, parts: Iterable[str], level: int = 2) -> str:
    """A ``<section>`` fragment with a heading; ``parts`` are HTML strings."""
    body = "\n".join(parts)
    return (f'<section id="{escape(anchor)}" data-title="{escape(title)}">'
            f"<h{level}>{escape(title)}</h{level}>\n{body}\n</section>\n")

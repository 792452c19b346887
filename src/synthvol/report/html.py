"""Building blocks for report sections: inlined PNG files, tables and prose.

Each part of the study writes one HTML *fragment* (a ``<section>``) with
:func:`section`; the report rule (:mod:`synthvol.report.build`) joins the fragments into
one self-contained page. Figures are inlined as base64 PNG so the page needs no other file.
"""

from __future__ import annotations

import base64
import html
import os
from collections.abc import Iterable
from pathlib import Path

import pandas as pd


def escape(text: str) -> str:
    """HTML-escape plain text."""
    return html.escape(str(text))


def paragraph(text: str) -> str:
    """A paragraph of plain text (escaped)."""
    return f"<p>{escape(text)}</p>"


def png_bytes_html(data: bytes, caption: str = "") -> str:
    """An inlined PNG image with an optional caption."""
    encoded = base64.b64encode(data).decode("ascii")
    cap = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    return (f'<figure><img alt="{escape(caption)}" '
            f'src="data:image/png;base64,{encoded}"/>{cap}</figure>')


def image_file_html(path: str | os.PathLike[str], caption: str = "") -> str:
    """Inline a PNG file written by a rule."""
    return png_bytes_html(Path(path).read_bytes(), caption)


def table_html(frame: pd.DataFrame, caption: str = "", float_format: str = "{:.4g}",
               index: bool = False) -> str:
    """A data frame as an HTML table with formatted floats."""
    formatters = {c: float_format.format for c in frame.select_dtypes("number").columns
                  if not pd.api.types.is_integer_dtype(frame[c])}
    body = frame.to_html(index=index, formatters=formatters, border=0, classes="data",
                         na_rep="—", escape=True)
    cap = f"<p class='caption'>{escape(caption)}</p>" if caption else ""
    return f"<div class='table'>{cap}{body}</div>"


def section(anchor: str, title: str, parts: Iterable[str], level: int = 2) -> str:
    """A ``<section>`` fragment with a heading; ``parts`` are HTML strings."""
    body = "\n".join(parts)
    return (f'<section id="{escape(anchor)}" data-title="{escape(title)}">'
            f"<h{level}>{escape(title)}</h{level}>\n{body}\n</section>\n")


def findings_html(part: str, items: Iterable[tuple[str, str]]) -> str:
    """A part's headline results: (sentence, anchor) pairs the report lifts into its summary."""
    rows = "".join(f'<li><a href="#{escape(anchor)}">{escape(sentence)}</a></li>'
                   for sentence, anchor in items)
    return f'<aside class="findings" data-part="{escape(part)}"><ul>{rows}</ul></aside>'

"""Shared figure conventions: readable date axes for the parts' matplotlib figures."""

from __future__ import annotations

from typing import Any


def date_axis(ax: Any, max_ticks: int = 9) -> None:
    """A few well-spaced date ticks, labelled concisely (years, then months where needed)."""
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=max_ticks)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))

"""The self-contained HTML report: sections written by each part, assembled by one rule."""

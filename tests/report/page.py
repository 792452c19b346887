"""Read a built page with the standard library's HTML parser (tests assert on what it finds)."""

from __future__ import annotations

from html.parser import HTMLParser


class Page(HTMLParser):
    """What a built page holds: element ids, in-page links, numbers, CSV links, cell texts."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.links: list[str] = []
        self.numbers: list[str] = []
        self.csv_links: list[tuple[str, str]] = []
        self.rows: list[list[str]] = []
        self._open: str | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"])
        if tag == "a" and (a.get("href") or "").startswith("#"):
            self.links.append(a["href"][1:])
        if tag == "a" and a.get("class") == "csv":
            self.csv_links.append((a.get("href") or "", a.get("title") or ""))
        if tag == "span" and a.get("class") == "number":
            self._open = "number"
        if tag == "tr":
            self.rows.append([])
        if tag == "td":
            self._open = "td"
            self.rows[-1].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("span", "td"):
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open == "number":
            self.numbers.append(data)
        elif self._open == "td":
            self.rows[-1][-1] += data

    def cells(self, column: int) -> list[str]:
        """The text of one column's body cells."""
        return [row[column] for row in self.rows if row]

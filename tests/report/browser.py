"""Look at the report as a reader does: headless Chromium over the DevTools protocol.

Chromium is driven through ``--remote-debugging-pipe`` (JSON messages separated by NUL
bytes on file descriptors 3 and 4), so no websocket client or browser-automation package is
needed. :func:`inspect_page` loads a page and reports console errors, requests that left the
page (anything but ``data:``/``file:``/``about:``), images that did not load, the findings
summary and tables wider than a printed page; :func:`screenshot` writes a PNG of the top.

    python tests/report/browser.py results/report.html docs/report-top.png

It lives beside the tests that use it (it is no part of the package).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synthvol.errors import SynthvolError
from synthvol.io import atomic_path

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
         "--remote-debugging-pipe")
LOCAL_SCHEMES = ("data:", "file:", "about:", "blob:", "chrome:", "devtools:")
#: Width in CSS pixels of an A4 page's printable area at 96 dpi with 1 cm margins.
PRINT_WIDTH = 718

_PAGE_FACTS = """(() => {
  const imgs = [...document.images];
  return {
    title: document.title,
    images: imgs.length,
    broken_images: imgs.filter(i => !i.complete || i.naturalWidth === 0)
                       .map(i => i.alt || i.src.slice(0, 60)),
    findings_items: document.querySelectorAll('#findings li a[href^="#"]').length,
    dangling_links: [...document.querySelectorAll('a[href^="#"]')]
        .map(a => a.getAttribute('href').slice(1))
        .filter(id => id && !document.getElementById(id)),
    tables: document.querySelectorAll('table').length,
  };
})()"""
_WIDE_IN_PRINT = """(() => [...document.querySelectorAll('table')]
  .filter(t => t.getBoundingClientRect().width > document.body.clientWidth + 1)
  .map(t => (t.closest('.table') || t).id || 'table'))()"""


def find_chromium() -> str | None:
    """The Chromium executable on PATH (Debian's ``chromium``), or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@dataclass
class PageReport:
    """What a reader's browser saw when loading the page."""

    console_errors: list[str] = field(default_factory=list)
    external_requests: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    wide_in_print: list[str] = field(default_factory=list)


class DevTools:
    """A minimal DevTools-protocol client over Chromium's debugging pipe."""

    def __init__(self, executable: str, timeout: float = 60.0) -> None:
        self.timeout = timeout
        self._profile = tempfile.mkdtemp(prefix="synthvol-chromium-")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def wire_fds() -> None:
            # Chromium reads commands on fd 3 and writes replies on fd 4; copy both ends
            # above 10 first so that neither dup2 overwrites the other.
            high_r = fcntl.fcntl(to_child_r, fcntl.F_DUPFD, 10)
            high_w = fcntl.fcntl(from_child_w, fcntl.F_DUPFD, 10)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self._profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=wire_fds, close_fds=False)  # noqa: PLW1509 (subprocess cannot remap fds)
        os.close(to_child_r)
        os.close(from_child_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("Chromium did not answer in time")
            chunk = os.read(self._from_child, 1 << 16)
            if not chunk:
                raise ConnectionError("Chromium closed the debugging pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send a command and wait for its result; events that arrive meanwhile are kept."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise SynthvolError(f"DevTools {method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str) -> dict[str, Any]:
        """Wait until an event ``method`` has arrived (or return one already received)."""
        deadline = time.monotonic() + self.timeout
        while True:
            for event in self.events:
                if event.get("method") == method:
                    return event
            self.events.append(self._read_message(deadline))

    def close(self) -> None:
        """Stop Chromium and remove its temporary profile."""
        try:
            self.send("Browser.close")
        except (OSError, TimeoutError, ConnectionError, SynthvolError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._to_child, self._from_child):
            os.close(fd)
        shutil.rmtree(self._profile, ignore_errors=True)


def _open(tools: DevTools, page: Path, width: int, height: int) -> str:
    target = tools.send("Target.createTarget", url="about:blank")["targetId"]
    session = tools.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        tools.send(f"{domain}.enable", session)
    tools.send("Emulation.setDeviceMetricsOverride", session, width=width, height=height,
               deviceScaleFactor=1, mobile=False)
    tools.send("Page.navigate", session, url=page.resolve().as_uri())
    tools.wait_for("Page.loadEventFired")
    return session


def _evaluate(tools: DevTools, session: str, expression: str) -> Any:
    result = tools.send("Runtime.evaluate", session, expression=expression, returnByValue=True)
    if "exceptionDetails" in result:
        raise SynthvolError(f"page script failed: {result['exceptionDetails'].get('text')}")
    return result["result"].get("value")


def _console_errors(events: list[dict[str, Any]]) -> list[str]:
    errors = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append(" ".join(str(a.get("value", a.get("description", "")))
                                   for a in params.get("args", [])))
        elif method == "Runtime.exceptionThrown":
            errors.append(params.get("exceptionDetails", {}).get("text", "exception"))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            errors.append(params["entry"].get("text", ""))
    return errors


def _launch(executable: str | None) -> DevTools:
    """Headless Chromium (``executable`` or the one on PATH) under the DevTools protocol."""
    exe = executable or find_chromium()
    if exe is None:
        raise SynthvolError("no chromium executable on PATH")
    return DevTools(exe)


def inspect_page(page: str | os.PathLike[str], executable: str | None = None,
                 width: int = 1280, height: int = 900) -> PageReport:
    """Load ``page`` in headless Chromium and report what a reader would run into."""
    tools = _launch(executable)
    try:
        session = _open(tools, Path(page), width, height)
        report = PageReport()
        report.facts = _evaluate(tools, session, _PAGE_FACTS)
        tools.send("Emulation.setDeviceMetricsOverride", session, width=PRINT_WIDTH,
                   height=height, deviceScaleFactor=1, mobile=False)
        tools.send("Emulation.setEmulatedMedia", session, media="print")
        report.wide_in_print = _evaluate(tools, session, _WIDE_IN_PRINT)
        report.console_errors = _console_errors(tools.events)
        report.external_requests = sorted({
            e["params"]["request"]["url"] for e in tools.events
            if e.get("method") == "Network.requestWillBeSent"
            and not e["params"]["request"]["url"].startswith(LOCAL_SCHEMES)})
        return report
    finally:
        tools.close()


def screenshot(page: str | os.PathLike[str], output: str | os.PathLike[str],
               width: int = 1200, height: int = 1000, executable: str | None = None) -> None:
    """Write a PNG of the first ``width`` × ``height`` pixels of ``page``, as a reader sees it."""
    tools = _launch(executable)
    try:
        session = _open(tools, Path(page), width, height)
        data = tools.send("Page.captureScreenshot", session, format="png")["data"]
    finally:
        tools.close()
    with atomic_path(output) as tmp:
        tmp.write_bytes(base64.b64decode(data))


if __name__ == "__main__":
    screenshot(sys.argv[1] if len(sys.argv) > 1 else "results/report.html",
               sys.argv[2] if len(sys.argv) > 2 else "docs/report-top.png")

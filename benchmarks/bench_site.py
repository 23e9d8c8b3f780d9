"""The static site (``make site``): its size, its build time, and the calculator's cold start.

Budgets (issue 15): the site at most 60 MB; ``make site`` at most 60 s once its downloads
are cached; from opening the calculator to the first hash at most 15 s, cold.

* **size**: every file of ``site/_output``, against the Pyodide runtime alone (the files
  the npm package ``pyodide`` gives, which any Python-in-the-page site ships).
* **build**: ``make site`` with everything downloaded (a rebuild from the same inputs),
  against its own ``voici build`` step (JupyterLite and Voici's share of it).
* **cold start**: a fresh browser context (empty cache and storage) opens the calculator
  app, types the first public test vector and waits until the page shows its hash.
  Against a bare page that loads the same Pyodide from the same server and computes the
  same hash with ``hmac`` (no JupyterLite, no widgets, no kernel): what the runtime alone
  costs. Interleaved, median of the rounds. Debian's Chromium, driven by Playwright, as in
  tests/browser; the site is served by ``python -m http.server`` on loopback.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from urllib.parse import urlsplit

from ._util import ROOT, Result, median

OUTPUT = ROOT / "site" / "_output"
SUMMARY = ROOT / "site" / "_build" / "summary.json"
VECTOR = ("username", "EPswPGbpdBLZnh9XW134hK7qYe", "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b")
EXPECTED = "oUkNFqfm7UjLds8vXFWarT1l3gqORGoztf+EyFmoX2Q="

BARE_CODE = (
    "import base64, hashlib, hmac\n"
    f"base64.b64encode(hmac.new({VECTOR[2]!r}.encode(), ({VECTOR[0]!r} + {VECTOR[1]!r}).encode(),"
    " hashlib.sha256).digest()).decode()"
)
BARE_PAGE = """<!doctype html><html><body><p id="out">starting</p><script>
const s = document.createElement('script');
s.src = '/static/pyodide/pyodide.js';
s.onload = async () => {
  const pyodide = await loadPyodide({indexURL: '/static/pyodide/'});
  document.getElementById('out').textContent = pyodide.runPython(CODE);
};
document.body.appendChild(s);
</script></body></html>""".replace("CODE", json.dumps(BARE_CODE))


def _make_site() -> tuple[float, dict]:
    start = time.perf_counter()
    subprocess.run(["make", "site"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    return time.perf_counter() - start, json.loads(SUMMARY.read_text())


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cold_starts(rounds: int) -> tuple[list[float], list[float], list[str]]:
    sys.path.insert(0, str(ROOT / "tests" / "browser"))
    try:
        from browser_harness import CHROMIUM, CHROMIUM_ARGS
    finally:
        sys.path.pop(0)
    from playwright.sync_api import sync_playwright

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(OUTPUT),
         str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    bare = BARE_PAGE
    blocked: list[str] = []
    app_times: list[float] = []
    bare_times: list[float] = []
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                import urllib.request

                urllib.request.urlopen(f"{base}/", timeout=2).close()  # noqa: S310 - loopback
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=CHROMIUM_ARGS)

            def context():
                ctx = browser.new_context(viewport={"width": 1280, "height": 900})

                def route(r):
                    url = r.request.url
                    if urlsplit(url).path == "/__bench__/bare.html":
                        r.fulfill(status=200, content_type="text/html", body=bare)
                    elif urlsplit(url).hostname == "127.0.0.1":
                        r.continue_()
                    else:
                        blocked.append(url)
                        r.abort()

                ctx.route("**/*", route)
                return ctx

            def app() -> float:
                ctx = context()
                page = ctx.new_page()
                start = time.perf_counter()
                page.goto(f"{base}/voici/render/apps/calculator.html")
                page.get_by_label("Username").fill(VECTOR[0], timeout=120_000)
                page.get_by_label("App client id").fill(VECTOR[1])
                page.get_by_label("Client secret").fill(VECTOR[2])
                page.locator("code", has_text=EXPECTED).first.wait_for(timeout=120_000)
                elapsed = time.perf_counter() - start
                ctx.close()
                return elapsed

            def bare_page() -> float:
                ctx = context()
                page = ctx.new_page()
                start = time.perf_counter()
                page.goto(f"{base}/__bench__/bare.html")
                page.locator("#out", has_text=EXPECTED).wait_for(timeout=120_000)
                elapsed = time.perf_counter() - start
                ctx.close()
                return elapsed

            for _ in range(rounds):
                app_times.append(app())
                bare_times.append(bare_page())
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    return app_times, bare_times, blocked


def bench(rounds: int = 3) -> list[Result]:
    if not (OUTPUT / "index.html").exists():
        _make_site()  # the first build may download; it is not the one measured
    build_s, summary = _make_site()
    size_mb = summary["bytes"] / 1e6
    runtime_mb = summary["runtime_bytes"] / 1e6
    app_times, bare_times, blocked = _cold_starts(rounds)
    cold, bare = median(app_times), median(bare_times)
    notes_cold = [f"median of {rounds} interleaved rounds, each in a fresh browser context; "
                  f"all rounds: {', '.join(f'{t:.1f}' for t in app_times)} s"]
    if blocked:
        notes_cold.append(f"requests to other hosts (aborted): {sorted(set(blocked))}")
    return [
        Result("site: size of site/_output", size_mb, runtime_mb, "MB",
               baseline_name="the Pyodide runtime alone (npm package files shipped)",
               goal="<= 60 MB", ok=size_mb <= 60,
               notes=[f"{len(summary['packages'])} wheels in the page's Pyodide lock"]),
        Result("site: make site, downloads cached", build_s, summary["voici_seconds"], "s",
               baseline_name="its voici build step alone", goal="<= 60 s", ok=build_s <= 60),
        Result("site: calculator open -> first hash, cold", cold, bare, "s",
               baseline_name="bare page: same Pyodide, same server, hmac in Python",
               goal="<= 15 s", ok=cold <= 15, notes=notes_cold),
    ]

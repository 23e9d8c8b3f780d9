"""The static site (``make site``) in a real browser: Python runs in the page, nothing leaves it.

The module builds the site with ``make site`` (a few seconds once its downloads are
cached), serves ``site/_output`` with ``python -m http.server`` on loopback under a path
prefix, as GitHub Pages serves a project's site, and opens
each page in Debian's Chromium: the two apps (Voici), lessons 03 and 09 (JupyterLite),
the landing page. It types into the widgets and checks what the page computed against
this package run here (the right hash, the mistake named, the error explained).

Every request is recorded three ways: Playwright's routing (which aborts anything not
on loopback and lists it on failure), the static server's own log, and Chromium's
NetLog, which sees the network stack itself, service worker and web workers included.
The last test closes the browser and reads the NetLog: no request may have gone
anywhere but the site. Chromium also resolves no other host name
(``--host-resolver-rules``), so a miss fails here instead of reaching out.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import shutil
import signal
import string
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser_harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LOOPBACK,
    PAGES_KEY,
    ROOT,
    SERVERS_KEY,
    Server,
    Tab,
    _wait,
    browser_unavailable,
    free_port,
    nbval_mismatches,
    nbval_sanitizer,
    page_code_cells,
    run_all_in_lab,
)

import cognito_helpers as ch

OUTPUT = ROOT / "site" / "_output"
COLD_START_S = 180  # a generous ceiling for a test; the budget (15 s) is in benchmarks/
LESSON_03 = "lessons/03-compute-the-hash.ipynb"
LESSON_09 = "lessons/09-troubleshooting.ipynb"
PACKAGE = ROOT / "cognito_helpers"
SANITIZE = ROOT / "notebooks" / "sanitize.cfg"  # pyproject.toml's --nbval-sanitize-with
# every lesson the site ships (site/build.py: all of notebooks/ but 10), by file name
SHIPPED = [p.name for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
           if not p.name.startswith("10-")]
# GitHub Pages serves a project's site under /<repository>/: so does this test's server
PREFIX = "/cognito-secret-hash-lab"


# -- the site, its server, a browser that records every request ----------------------------


@pytest.fixture(scope="module")
def built_site(browser_ready: None) -> Path:
    """``make site``, as the README says (downloads only on the first run)."""
    if shutil.which("npm") is None:
        browser_unavailable("npm is not installed ('make site' takes Pyodide from the npm registry)")
    proc = subprocess.run(["make", "site"], cwd=ROOT, capture_output=True, text=True,
                          timeout=900, check=False)
    if proc.returncode != 0:
        pytest.fail(f"make site failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n"
                    f"{proc.stderr[-4000:]}", pytrace=False)
    assert (OUTPUT / "index.html").is_file()
    return OUTPUT


@pytest.fixture(scope="module")
def site(built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    port = free_port()
    home = tmp_path_factory.mktemp("site-server")
    (home / "pages").mkdir()
    (home / "pages" / PREFIX.strip("/")).symlink_to(built_site, target_is_directory=True)
    server = Server(
        "site (python -m http.server)",
        [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory",
         str(home / "pages"), str(port)],
        {**os.environ, "PYTHONUNBUFFERED": "1"}, home / "pages", port, f"{PREFIX}/",
        home / "http.log",
    )
    try:
        server.start()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    yield server
    server.stop()


@dataclass
class RecordingBrowser:
    """Chromium with a NetLog, and every URL Playwright saw requested (by test)."""

    browser: Any
    pw: Any
    netlog: Path
    seen: dict[str, list[str]] = field(default_factory=dict)
    closed: bool = False

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.browser.close()  # Chromium finishes the NetLog file on a clean exit
            self.pw.stop()


@pytest.fixture(scope="module")
def recording_browser(browser_ready: None,
                      tmp_path_factory: pytest.TempPathFactory) -> Iterator[RecordingBrowser]:
    from playwright.sync_api import sync_playwright

    netlog = tmp_path_factory.mktemp("site-netlog") / "netlog.json"
    args = [
        *CHROMIUM_ARGS,
        f"--log-net-log={netlog}",
        "--net-log-capture-mode=Default",
        # any host name but loopback fails to resolve: a request that slipped past
        # Playwright's routing fails here too, and the NetLog still records it
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
        # Chromium's own password-form lookups, which the secret box would trigger
        "--disable-features=AutofillServerCommunication",
    ]
    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
    except Exception as exc:
        pw.stop()
        browser_unavailable(f"Chromium at {CHROMIUM} did not start ({str(exc).splitlines()[0]})")
    rec = RecordingBrowser(browser, pw, netlog)
    yield rec
    rec.close()


@pytest.fixture
def tab(recording_browser: RecordingBrowser, site: Server,
        request: pytest.FixtureRequest) -> Iterator[Tab]:
    """A fresh context (cold: no cache, no stored notebooks) that may only reach loopback."""
    rec = recording_browser
    context = rec.browser.new_context(viewport={"width": 1280, "height": 900})
    page = Tab(context.new_page())
    request.node.stash[PAGES_KEY] = [page]
    request.node.stash[SERVERS_KEY] = [site]
    seen = rec.seen.setdefault(request.node.name, [])

    def only_loopback(route: Any) -> None:
        if urlsplit(route.request.url).hostname in LOOPBACK:
            route.continue_()
        else:
            page.blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_loopback)
    context.on("request", lambda r: seen.append(r.url))
    page.page.on("console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None)
    page.page.set_default_timeout(60_000)
    yield page
    context.close()
    assert not page.blocked, f"the page asked for hosts other than the site: {page.blocked}"


# -- helpers ----------------------------------------------------------------------------------


def _inputs() -> tuple[str, str, str]:
    """Fresh values every run, so nothing the page shows can be a stored output."""
    alphabet = string.ascii_lowercase + string.digits
    username = f"user-{secrets.token_hex(3)}"
    client_id = "".join(secrets.choice(alphabet) for _ in range(26))
    secret = "".join(secrets.choice(alphabet) for _ in range(51))
    return username, client_id, secret


def _type_and_check_hash(tab: Tab, scope: Any, username: str, client_id: str, secret: str) -> None:
    scope.get_by_label("Username").fill(username)
    scope.get_by_label("App client id").fill(client_id)
    scope.get_by_label("Client secret").fill(secret)
    # the kernel has answered for the last box typed into once the masked secret shows
    scope.locator("code", has_text=ch.mask(secret)).first.wait_for(timeout=60_000)
    correct = scope.locator("tr", has=tab.page.locator("td", has_text="Correct")).locator("code")
    shown = correct.first.inner_text().strip()
    expected = ch.secret_hash(username, client_id, secret)
    assert shown == expected, f"the page computed {shown!r}, secret_hash gives {expected!r}"


def _paste_and_check_mistake(scope: Any, username: str, client_id: str, secret: str) -> None:
    reversed_hash = ch.hash_variants(username, client_id, secret)["reversed"].value
    scope.get_by_label("Hash your app sent").fill(reversed_hash)
    verdict = ch.hash_variants(username, client_id, secret, sent=reversed_hash).verdict()
    scope.get_by_text(verdict).wait_for(timeout=60_000)


def _secret_never_shown(tab: Tab, secret: str) -> None:
    text = tab.page.locator("body").inner_text()
    assert secret not in text, "the client secret appears in the page text"
    assert f"({len(secret)} chars)" in text  # shown masked instead


def _diagnosis_case() -> dict[str, str]:
    """A failing sign-in with fresh values: the app sent a hex digest instead of base64."""
    username, client_id, secret = _inputs()
    wrong = ch.aws_error("hash_mismatch")
    error = (f"An error occurred ({wrong.code}) when calling the InitiateAuth operation: "
             f"{wrong.message(client_id=client_id)}")
    sent = ch.hash_variants(username, client_id, secret)["hex"].value
    return {"error": error, "username": username, "client_id": client_id, "secret": secret,
            "sent": sent}


def _fill_and_check_diagnosis(tab: Tab, scope: Any, case: dict[str, str]) -> None:
    scope.get_by_label("Error text").fill(case["error"])
    scope.get_by_label("Username").fill(case["username"])
    scope.get_by_label("App client id").fill(case["client_id"])
    scope.get_by_label("Client secret").fill(case["secret"])
    scope.get_by_label("Hash your app sent").fill(case["sent"])
    expected = ch.troubleshoot(case["error"], username=case["username"],
                               client_id=case["client_id"], client_secret=case["secret"],
                               sent=case["sent"])
    # the error explained, then the mistake named: what this package says, here
    assert expected.keys == ("hash_mismatch", "hex_digest")
    for _, diagnosis in expected.diagnoses:
        scope.get_by_text(diagnosis.cause, exact=True).wait_for(timeout=60_000)
    right = ch.secret_hash(case["username"], case["client_id"], case["secret"])
    line = scope.get_by_text(f"expected for username '{case['username']}':")
    assert line.inner_text().strip().endswith(ch.mask(right))
    text = tab.page.locator("body").inner_text()
    assert case["secret"] not in text and right not in text


def _url(site: Server, path: str = "") -> str:
    return f"{site.base_url}{PREFIX}/{path}"


def _open_lesson(tab: Tab, site: Server, path: str) -> None:
    tab.page.goto(_url(site, f"lab/index.html?path={path}"))
    _wait(tab, path, "st.ready && st.kernel === 'idle'", COLD_START_S * 1000)


# Run code in a JupyterLite notebook's kernel; return its stdout (and any error).
_EXECUTE = """async ([path, code]) => {
  const app = window.jupyterapp;
  const panel = Array.from(app.shell.widgets('main')).find(
    w => w.context && w.context.path === path && w.sessionContext);
  const future = panel.sessionContext.session.kernel.requestExecute(
    {code, store_history: false});
  let out = '';
  future.onIOPub = msg => {
    if (msg.header.msg_type === 'stream') out += msg.content.text;
    if (msg.header.msg_type === 'error') out += `ERROR ${msg.content.ename}: ${msg.content.evalue}`;
  };
  await future.done;
  return out;
}"""

_WHAT_RUNS = """
import hashlib, importlib.metadata, importlib.util, json, pathlib, sys
import cognito_helpers
root = pathlib.Path(cognito_helpers.__file__).parent
print(json.dumps({
    "platform": sys.platform,
    "files": {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
              for p in sorted(root.rglob("*.py"))},
    "absent": [m for m in ("boto3", "botocore", "moto") if importlib.util.find_spec(m) is None],
    "versions": {m: importlib.metadata.version(m) for m in ("botocore", "moto")
                 if importlib.util.find_spec(m) is not None},
}))
"""


def _checkout_files() -> dict[str, str]:
    return {p.relative_to(PACKAGE).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(PACKAGE.rglob("*.py"))}


# -- the tests ------------------------------------------------------------------------------


def test_landing_page_links_every_app_and_lesson_and_says_what_needs_make_lab(
        tab: Tab, site: Server):
    page = tab.page
    page.goto(_url(site))
    text = page.locator("body").inner_text()
    assert "make lab" in text
    links = {a.get_attribute("id"): a.get_attribute("href")
             for a in page.locator("a[id]").all()}
    assert set(links) == {"app-calculator", "app-diagnose",
                          *(f"lesson-{name[:2]}" for name in SHIPPED)}
    for name, href in links.items():
        response = page.request.get(_url(site, href.split("?")[0]))
        assert response.status == 200, f"{name}: {href} answers {response.status}"
    # lesson 10 is named, with why it is not here and where it runs
    elsewhere = page.locator("#lesson-10-elsewhere").inner_text()
    assert "subprocess" in elsewhere and "make lab" in elsewhere
    assert "notebooks/10-other-languages.ipynb" in elsewhere


def test_calculator_app_computes_the_hash_in_the_page(tab: Tab, site: Server):
    page = tab.page
    started = time.monotonic()
    page.goto(_url(site, "voici/render/apps/calculator.html"))
    page.get_by_label("Client secret").wait_for(state="visible", timeout=COLD_START_S * 1000)
    assert "hash_calculator" not in page.locator("body").inner_text()  # no code on the page
    username, client_id, secret = _inputs()
    _type_and_check_hash(tab, page, username, client_id, secret)
    print(f"calculator: open -> first hash {time.monotonic() - started:.1f} s (cold context)")
    _paste_and_check_mistake(page, username, client_id, secret)
    _secret_never_shown(tab, secret)


def test_diagnosis_app_explains_the_error_and_names_the_mistake(tab: Tab, site: Server):
    page = tab.page
    page.goto(_url(site, "voici/render/apps/diagnose.html"))
    page.get_by_label("Error text").wait_for(state="visible", timeout=COLD_START_S * 1000)
    assert "troubleshooter" not in page.locator("body").inner_text()
    _fill_and_check_diagnosis(tab, page, _diagnosis_case())


def test_lesson_03_runs_in_the_page_with_this_checkouts_package(tab: Tab, site: Server):
    _open_lesson(tab, site, LESSON_03)
    state = run_all_in_lab(tab, LESSON_03, timeout=COLD_START_S)
    assert state["counts"] and all(c is not None for c in state["counts"])
    # the page's Python is Pyodide, running this checkout's package, without boto3 or moto
    out = tab.page.evaluate(_EXECUTE, [LESSON_03, _WHAT_RUNS])
    assert not out.startswith("ERROR"), out
    ran = json.loads(out.strip().splitlines()[-1])
    assert ran["platform"] == "emscripten"
    assert ran["files"] == _checkout_files(), "the page runs other code than cognito_helpers/"
    # boto3 and moto are there (the local Cognito runs in the page), botocore and moto as
    # the site trimmed them (site/build.py, TRIM)
    assert ran["absent"] == []
    assert ran["versions"]["botocore"].endswith("+cognitoidp"), ran["versions"]
    assert ran["versions"]["moto"].endswith("+cognitoidp"), ran["versions"]
    widget = tab.page.locator(".jp-OutputArea-output", has=tab.page.get_by_label("Client secret"))
    assert widget.count() == 1
    username, client_id, secret = _inputs()
    _type_and_check_hash(tab, widget, username, client_id, secret)
    _paste_and_check_mistake(widget, username, client_id, secret)
    _secret_never_shown(tab, secret)


def test_lesson_09_explain_and_fingerprint_runs_in_the_page(tab: Tab, site: Server):
    _open_lesson(tab, site, LESSON_09)
    run_all_in_lab(tab, LESSON_09, timeout=COLD_START_S)
    # the whole lesson now (the live causes run on the in-process local Cognito); the
    # note under its title is checked in tests/test_site_contents.py
    form = tab.page.locator(".jp-OutputArea-output", has=tab.page.get_by_label("Error text"))
    assert form.count() == 1
    _fill_and_check_diagnosis(tab, form, _diagnosis_case())


def _run_lesson(tab: Tab, site: Server, name: str) -> list[dict]:
    """Open lessons/<name> in the site's lab, run all cells, return what each code cell
    shows; fail with every cell whose outputs are not the committed ones (nbval's rules)."""
    path = f"lessons/{name}"
    _open_lesson(tab, site, path)
    run_all_in_lab(tab, path, timeout=COLD_START_S * 2)
    cells = page_code_cells(tab, path)
    committed = json.loads((ROOT / "notebooks" / name).read_text())
    problems = nbval_mismatches(committed, cells, nbval_sanitizer(SANITIZE))
    assert not problems, (f"{name}: outputs in the page differ from the committed ones "
                          "(after notebooks/sanitize.cfg):\n" + "\n".join(problems))
    return cells


@pytest.mark.parametrize("name", SHIPPED)
def test_each_lesson_runs_in_the_page_with_the_committed_outputs(tab: Tab, site: Server,
                                                                  name: str):
    _run_lesson(tab, site, name)


def test_lesson_02_shows_cognitos_error_texts_in_the_page(tab: Tab, site: Server):
    _run_lesson(tab, site, "02-reproduce-the-error.ipynb")
    text = tab.page.locator(".jp-Notebook").inner_text()
    assert "is configured with secret but SECRET_HASH was not received" in text
    assert "Unable to verify secret hash for client" in text


def test_lesson_11_client_credentials_returns_a_bearer_token_in_the_page(tab: Tab, site: Server):
    name = "11-client-secret-on-oauth-endpoints.ipynb"
    path = f"lessons/{name}"
    _open_lesson(tab, site, path)
    # whether a later cell of the lesson fails is the per-lesson test's business: this one
    # needs the cells up to the client-credentials call to have run
    with contextlib.suppress(AssertionError):
        run_all_in_lab(tab, path, timeout=COLD_START_S * 2)
    out = tab.page.evaluate(_EXECUTE, [path, (
        "print(m2m.status, m2m.body['token_type'], m2m.body['access_token'].count('.'),"
        " len(m2m.body['access_token']) > 100)")])
    assert out.strip() == "200 Bearer 2 True", out  # a JWT, never printed in full


def test_an_edited_lesson_survives_a_reload_in_the_browsers_storage(tab: Tab, site: Server):
    """JupyterLite keeps the notebooks a learner changed in the browser (IndexedDB): a
    reload, the same browser profile, shows the edit; nothing is sent to the site."""
    path = "lessons/03-compute-the-hash.ipynb"
    _open_lesson(tab, site, path)
    marker = f"# my note {secrets.token_hex(4)}"
    tab.page.evaluate("""async ([path, marker]) => {
      const app = window.jupyterapp;
      const panel = Array.from(app.shell.widgets('main')).find(
        w => w.context && w.context.path === path);
      const cell = panel.content.widgets.find(c => c.model.type === 'code');
      cell.model.sharedModel.setSource(marker + '\\n' + cell.model.sharedModel.getSource());
      await panel.context.save();
    }""", [path, marker])
    tab.page.reload()
    _wait(tab, path, "st.ready", COLD_START_S * 1000)
    sources = [c["source"] for c in page_code_cells(tab, path)]
    assert sources[0].startswith(marker), sources[0][:80]
    # kept in this browser's storage, not on the site: the served file has no such note
    served = tab.page.request.get(_url(site, f"files/{path}"))
    assert served.status == 200 and marker not in served.text()


def test_make_site_serve_serves_the_site_as_the_readme_says(built_site: Path, tmp_path: Path):
    """README: ``make site-serve`` (``SITE_PORT=...``) serves site/_output on 127.0.0.1."""
    port = free_port()
    log = tmp_path / "site-serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(["make", "site-serve", f"SITE_PORT={port}"], cwd=ROOT,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as r:
                    body = r.read().decode()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"make site-serve did not serve on {port}: "
                                         f"{log.read_text()[-2000:]}") from None
                time.sleep(0.2)
        assert "Cognito Secret Hash Lab, in your browser" in body
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


def _netlog_requests(netlog: Path) -> list[dict[str, str]]:
    """Every URL request Chromium's network stack started: url, initiator, request type."""
    try:
        log = json.loads(netlog.read_text(errors="replace"))
    except ValueError as exc:
        raise AssertionError(f"the NetLog at {netlog} is incomplete ({exc}): did Chromium "
                             "exit cleanly?") from None
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [
        {"url": e["params"]["url"], "initiator": e["params"].get("initiator", ""),
         "type": e["params"].get("request_type", "")}
        for e in log["events"] if e["type"] == start_job and "url" in e.get("params", {})
    ]


def _from_the_browser_itself(req: dict[str, str]) -> bool:
    """Chromium's own background services (sign-in, component updates, network time) start
    requests with no origin behind them; everything a page, its workers or its service worker
    asks for has the page's origin as initiator, or is a navigation."""
    return req["initiator"] == "not an origin" and req["type"] == "other"


_BYTECODE_PROBE = """
import builtins, json, sys

def _from_source(prefix):
    return sorted(name for name, module in list(sys.modules.items())
                  if str(getattr(getattr(module, "__spec__", None), "origin", "")).startswith(prefix)
                  and module.__spec__.origin.endswith(".py"))

stdlib_at_start = _from_source("/lib/python313.zip/")
compiled = []
_compile = builtins.compile

def _recording(source, filename, *args, **kwargs):  # what the import system compiles with
    if isinstance(filename, str) and filename.endswith(".py"):
        compiled.append(filename)
    return _compile(source, filename, *args, **kwargs)

builtins.compile = _recording
import in_process_flows
result = in_process_flows.run_flows()
builtins.compile = _compile
json.dumps({"stdlib_at_start": stdlib_at_start, "stdlib_files": _from_source("/lib/python313.zip/"),
            "compiled": [f for f in compiled if not f.startswith("/extra/")],
            "stdlib_pyc": sum(str(getattr(m, "__file__", "")).endswith(".pyc")
                              for m in list(sys.modules.values())),
            "wrong_hash": result["wrong_hash"]})
"""


def test_the_sites_python_runs_the_lessons_flows_from_bytecode(built_site: Path, tmp_path: Path):
    """make site byte-compiles what the notebooks import (site/precompile.py), in the site's
    own Pyodide: that Pyodide, from the built site's files (its standard library zip, its
    lock's wheels), runs the in-process flows (sign-in, refresh, rotation, JWKS, OAuth, SRP)
    compiling not one module from source, and the standard library it boots with is pyc."""
    node = shutil.which("node")
    if node is None:
        browser_unavailable("node is not installed (make site runs it too)")
    probe = tmp_path / "probe.py"
    probe.write_text(_BYTECODE_PROBE, encoding="utf-8")
    proc = subprocess.run(
        [node, str(Path(__file__).with_name("site_bytecode.mjs")),
         str(built_site / "static" / "pyodide"), str(probe), str(ROOT / "tests")],
        capture_output=True, text=True, timeout=600, check=False, cwd=tmp_path)
    shown = "\n".join(line[:400] for line in proc.stderr.splitlines()[-40:])
    assert proc.returncode == 0, shown
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["wrong_hash"][0] == "NotAuthorizedException"
    assert result["stdlib_at_start"] == [], "Pyodide booted from standard-library source"
    assert result["stdlib_files"] == []
    assert result["stdlib_pyc"] > 100
    assert result["compiled"] == [], (
        "modules the page compiles from source: the build's warm-up (site/precompile.py) "
        f"did not import them: {result['compiled']}")


def test_no_request_left_the_site(recording_browser: RecordingBrowser, site: Server):
    """Run last: the browser closes, and its NetLog lists every request of the module."""
    rec = recording_browser
    assert rec.seen, "no page was opened before this test (run the whole module)"
    rec.close()
    requests = _netlog_requests(rec.netlog)
    pages = [r for r in requests if not _from_the_browser_itself(r)]
    browser_own = sorted({urlsplit(r["url"]).hostname or "" for r in requests} -
                         {urlsplit(r["url"]).hostname or "" for r in pages})
    seen = sorted({u for per_test in rec.seen.values() for u in per_test})
    report = ROOT / ".pytest_cache" / "site-requests.txt"
    report.parent.mkdir(exist_ok=True)
    report.write_text("\n".join([
        "# every request the pages made (Chromium's NetLog): initiator, type, URL",
        *sorted(f"{r['initiator']}  {r['type']}  {r['url']}" for r in pages),
        "", "# Chromium's own background requests (no page behind them; they fail to resolve)",
        *browser_own, "", "# every URL Playwright saw the pages request", *seen,
    ]) + "\n")
    assert len(pages) >= len(seen) / 2, f"the NetLog at {rec.netlog} misses the pages' requests"
    outside = sorted({r["url"] for r in pages
                      if urlsplit(r["url"]).scheme in ("http", "https", "ws", "wss")
                      and urlsplit(r["url"]).hostname not in LOOPBACK})
    assert not outside, f"requests that left the site (all listed in {report}): {outside}"
    local = [r["url"] for r in pages if urlsplit(r["url"]).hostname in LOOPBACK]
    assert all(urlsplit(u).port == site.port for u in local), local
    # and only under the site's path, as on GitHub Pages (no page assumes it is at /)
    assert all(urlsplit(u).path.startswith(f"{PREFIX}/") for u in local), [
        u for u in local if not urlsplit(u).path.startswith(f"{PREFIX}/")]
    # the server saw the runtime and the wheels being fetched from it
    served = Path(site.log_path).read_text(errors="replace")
    for name in ("pyodide.asm.wasm", "pyodide-lock.json", "cognito_secret_hash_lab-"):
        assert name in served, f"the site's server never served {name}"

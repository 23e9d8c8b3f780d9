"""The hash calculator in a real browser: the app page (Voilà) and the lesson (JupyterLab)."""

from __future__ import annotations

import secrets
import shutil
import string
from pathlib import Path

from browser_harness import ANSWER_WAIT_MS, ROOT, Server, Tab, open_in_lab, run_all_in_lab

from cognito_helpers import mask, secret_hash
from cognito_helpers.lessons.calculator import hash_variants

LESSON = ROOT / "notebooks" / "03-compute-the-hash.ipynb"


def _inputs() -> tuple[str, str, str]:
    """Fresh values every run, so nothing the page shows can be a stored output."""
    alphabet = string.ascii_lowercase + string.digits
    username = f"user-{secrets.token_hex(3)}"
    client_id = "".join(secrets.choice(alphabet) for _ in range(26))
    secret = "".join(secrets.choice(alphabet) for _ in range(51))
    return username, client_id, secret


def _type_and_read_hash(tab: Tab, scope, username: str, client_id: str, secret: str) -> str:
    scope.get_by_label("Username").fill(username)
    scope.get_by_label("App client id").fill(client_id)
    scope.get_by_label("Client secret").fill(secret)
    expected = secret_hash(username, client_id, secret)
    # Wait on state: the kernel has answered for the last box typed into (the page
    # shows the new secret, masked). The lesson's calculator starts pre-filled, so
    # an older answer is on the page until then.
    scope.locator("code", has_text=mask(secret)).first.wait_for(timeout=ANSWER_WAIT_MS)
    correct = scope.locator("tr", has=tab.page.locator("td", has_text="Correct")).locator("code")
    shown = correct.first.inner_text().strip()
    assert shown == expected, f"the page shows {shown!r}, secret_hash gives {expected!r}"
    return shown


def _check_mistake_is_named(tab: Tab, scope, username: str, client_id: str, secret: str) -> None:
    variants = hash_variants(username, client_id, secret)
    scope.get_by_label("Hash your app sent").fill(variants["reversed"].value)
    verdict = hash_variants(username, client_id, secret, sent=variants["reversed"].value).verdict()
    scope.get_by_text(verdict).wait_for(timeout=ANSWER_WAIT_MS)


def _secret_never_shown(tab: Tab, secret: str) -> None:
    text = tab.page.locator("body").inner_text()
    assert secret not in text, "the client secret appears in the page text"
    assert f"({len(secret)} chars)" in text  # shown masked instead


def test_voila_calculator_app_computes_the_hash_typed_in(voila: Server, new_tab):
    tab = new_tab()
    page = tab.page
    page.goto(f"{voila.base_url}/voila/render/calculator.ipynb")
    page.get_by_label("Client secret").wait_for(state="visible", timeout=90_000)
    assert "hash_calculator" not in page.locator("body").inner_text()  # no code on the page
    username, client_id, secret = _inputs()
    _type_and_read_hash(tab, page, username, client_id, secret)
    _check_mistake_is_named(tab, page, username, client_id, secret)
    _secret_never_shown(tab, secret)


def test_lab_lesson_03_runs_and_its_calculator_answers_typing(lab: Server, new_tab):
    tab = new_tab()
    path = open_in_lab(lab, tab, LESSON)
    state = run_all_in_lab(tab, path)
    assert all(p.startswith("[") for p in state["prompts"])
    # the lesson's calculator widget is the one output with a secret box
    widget = tab.page.locator(".jp-OutputArea-output", has=tab.page.get_by_label("Client secret"))
    assert widget.count() == 1
    username, client_id, secret = _inputs()
    _type_and_read_hash(tab, widget, username, client_id, secret)
    _check_mistake_is_named(tab, widget, username, client_id, secret)
    _secret_never_shown(tab, secret)


def test_calculator_at_the_binder_address_inside_a_jupyter_server(lab: Server, new_tab):
    """Binder and JupyterHub serve the apps through Voilà's server extension:
    ``?urlpath=voila/render/apps/calculator.ipynb`` (README, "Run a workshop")."""
    apps = Path(lab.cwd) / "apps"
    apps.mkdir(exist_ok=True)
    shutil.copy(ROOT / "apps" / "calculator.ipynb", apps / "calculator.ipynb")
    tab = new_tab()
    page = tab.page
    page.goto(f"{lab.base_url}/voila/render/apps/calculator.ipynb?token={lab.token}")
    page.get_by_label("Client secret").wait_for(state="visible", timeout=90_000)
    username, client_id, secret = _inputs()
    _type_and_read_hash(tab, page, username, client_id, secret)
    _secret_never_shown(tab, secret)


def test_voila_landing_page_says_what_each_app_does(voila: Server, new_tab):
    """`make app` opens on apps/index.ipynb; its links open the apps."""
    from cognito_helpers.lessons.apps import APPS

    tab = new_tab()
    page = tab.page
    page.goto(f"{voila.base_url}/voila/render/index.ipynb")
    page.get_by_role("link", name="SECRET_HASH calculator").wait_for(timeout=90_000)
    text = page.locator("body").inner_text()
    for what in APPS.values():
        assert what.split(":")[0].split("?")[0] in text
    page.get_by_role("link", name="SECRET_HASH calculator").click()
    page.get_by_label("Client secret").wait_for(state="visible", timeout=90_000)
    assert page.url.endswith("/voila/render/calculator.ipynb")


def test_calculator_at_800px_verdict_first_values_on_one_line(voila: Server, new_tab):
    tab = new_tab()
    page = tab.page
    page.set_viewport_size({"width": 800, "height": 900})
    page.goto(f"{voila.base_url}/voila/render/calculator.ipynb")
    page.get_by_label("Client secret").wait_for(state="visible", timeout=90_000)
    username, client_id, secret = _inputs()
    _type_and_read_hash(tab, page, username, client_id, secret)
    _check_mistake_is_named(tab, page, username, client_id, secret)
    verdict = page.locator(".cognito-verdict")
    table = page.locator("table.cognito-variants")
    assert verdict.bounding_box()["y"] < table.bounding_box()["y"]  # the answer above the table
    assert verdict.evaluate("e => getComputedStyle(e).fontWeight") in ("700", "bold")
    line_height = None
    for code in table.locator("code").all():  # no hash value is cut over two lines
        box = code.bounding_box()
        line_height = line_height or box["height"]
        assert box["height"] <= line_height * 1.5, code.inner_text()
    table_box = table.bounding_box()
    assert table_box["x"] + table_box["width"] <= 800 + 1  # and the table fits the window
    SHOT_DIR = ROOT / ".pytest_cache" / "browser-screenshots"
    SHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOT_DIR / "calculator-800px.png"), full_page=True)
    _secret_never_shown(tab, secret)

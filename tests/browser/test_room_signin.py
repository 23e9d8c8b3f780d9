"""A participant signs in to the workshop room in a real browser, with the pool's managed login.

The hub's login page -> the local Cognito's /oauth2/authorize and its sign-in
page -> back to the hub with a code, which the hub redeems with the app
client's secret (HTTP Basic) -> the participant's own JupyterLab opens.
"""

from __future__ import annotations

import os

import pytest

from cognito_helpers.workshop.room import PROXY_BIN

room_harness = pytest.importorskip("room_harness")
if not PROXY_BIN.exists():
    if os.environ.get("CI"):
        pytest.fail("configurable-http-proxy is missing under CI: (cd room && npm ci)", pytrace=False)
    pytest.skip("the room's proxy is not installed: (cd room && npm ci)", allow_module_level=True)


@pytest.fixture(scope="module")
def room(tmp_path_factory, browser_ready):
    try:
        with room_harness.cognito_room_running(tmp_path_factory.mktemp("browser-room")) as running:
            yield running
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)


def test_sign_in_through_the_pools_page_opens_the_participants_lab(room, new_tab):
    base, client, _lc, sheet, _work = room
    person = sheet[0]
    tab = new_tab()
    page = tab.page
    page.goto(f"{base}/hub/login")
    page.get_by_text("the workshop's Cognito pool").click()
    # the local Cognito's sign-in page of the pool's domain
    page.wait_for_url("**/login?**")
    assert "/oauth2/" not in page.url or "/login" in page.url
    page.fill("#username", person["username"])
    page.fill("#password", person["password"])
    page.keyboard.press("Enter")
    # back at the hub, signed in: the participant's own server starts and JupyterLab opens
    page.wait_for_url(f"**/user/{person['username']}/lab**", timeout=120_000)
    page.wait_for_selector(".jp-LabShell", timeout=120_000)
    assert person["username"] in {u["name"] for u in client.users()}
    assert tab.blocked == [], tab.blocked  # nothing but loopback was asked for

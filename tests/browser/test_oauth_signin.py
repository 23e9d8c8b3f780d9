"""The local Cognito's sign-in page in a real browser: authorize -> sign in -> callback -> token.

Chromium opens /oauth2/authorize of the demo pool's domain, lands on the sign-in
page, types a wrong password (Cognito's text shows), then the right one, and
follows the redirect to the app's callback URL (answered by Playwright, as the
app would) with the code and the state; the code is then redeemed at the token
endpoint with the client's Basic header and the PKCE verifier.
"""

from __future__ import annotations

import urllib.parse

import cognito_helpers as ch


def test_sign_in_through_the_page_and_redeem_the_code(new_tab, demo):
    verifier, challenge = ch.pkce_pair()
    authorize = demo.oauth_urls()["authorize"] + "?" + urllib.parse.urlencode({
        "response_type": "code", "client_id": demo.client_id,
        "redirect_uri": demo.callback_url, "scope": "openid email", "state": "browser-1",
        "nonce": "n-browser", "code_challenge": challenge, "code_challenge_method": "S256",
    })
    tab = new_tab()
    page = tab.page
    arrived: list[str] = []

    def app_callback(route):  # the app's own page at its callback URL
        arrived.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<h1>Signed in</h1>")

    page.route(demo.callback_url + "*", app_callback)
    page.goto(authorize)
    assert "/login?" in page.url and page.title() == "Sign in"
    page.fill("#username", demo.username)
    page.fill("#password", "not-the-password")
    page.click("button[type=submit]")
    assert page.inner_text("#error") == "Incorrect username or password."
    page.fill("#username", demo.username)
    page.fill("#password", demo.password)
    page.click("button[type=submit]")
    page.wait_for_selector("text=Signed in")
    assert len(arrived) == 1 and arrived[0].startswith(demo.callback_url + "?code=")
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(arrived[0]).query))
    assert query["state"] == "browser-1"
    tokens = ch.token_request(
        demo.oauth_urls()["token"],
        {"grant_type": "authorization_code", "code": query["code"],
         "redirect_uri": demo.callback_url, "code_verifier": verifier},
        authorization=ch.basic_authorization(demo.client_id, demo.client_secret),
    )
    assert tokens.status == 200, tokens.reason
    assert ch.peek_token(tokens.body["id_token"]).claims["nonce"] == "n-browser"
    assert tab.blocked == [] and tab.console_errors == []

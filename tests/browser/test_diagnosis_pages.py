"""The diagnosis form in a real browser: the app page (Voilà) and the lesson (JupyterLab)."""

from __future__ import annotations

import secrets
import string

from browser_harness import ANSWER_WAIT_MS, ROOT, Server, Tab, open_in_lab, run_all_in_lab

from cognito_helpers import mask, secret_hash
from cognito_helpers.lessons.calculator import hash_variants
from cognito_helpers.lessons.troubleshooting import troubleshoot
from cognito_helpers.local.answers import aws_error

LESSON = ROOT / "notebooks" / "09-troubleshooting.ipynb"


def _case() -> dict[str, str]:
    """A failing sign-in with fresh values: the app sent a hex digest instead of base64."""
    alphabet = string.ascii_lowercase + string.digits
    username = f"user-{secrets.token_hex(3)}"
    client_id = "".join(secrets.choice(alphabet) for _ in range(26))
    secret = "".join(secrets.choice(alphabet) for _ in range(51))
    wrong = aws_error("hash_mismatch")
    error = (f"An error occurred ({wrong.code}) when calling the InitiateAuth operation: "
             f"{wrong.message(client_id=client_id)}")
    sent = hash_variants(username, client_id, secret)["hex"].value
    return {"error": error, "username": username, "client_id": client_id, "secret": secret,
            "sent": sent}


def _fill_and_check(tab: Tab, scope, case: dict[str, str]) -> None:
    scope.get_by_label("Error text").fill(case["error"])
    scope.get_by_label("Username").fill(case["username"])
    scope.get_by_label("App client id").fill(case["client_id"])
    scope.get_by_label("Client secret").fill(case["secret"])
    scope.get_by_label("Hash your app sent").fill(case["sent"])

    expected = troubleshoot(case["error"], username=case["username"], client_id=case["client_id"],
                            client_secret=case["secret"], sent=case["sent"])
    assert expected.keys == ("hash_mismatch", "hex_digest")  # what the page must show
    for _, diagnosis in expected.diagnoses:
        scope.get_by_text(diagnosis.cause, exact=True).wait_for(timeout=ANSWER_WAIT_MS)
    # the hash the page shows (masked, as everywhere) is the one secret_hash computes
    right = secret_hash(case["username"], case["client_id"], case["secret"])
    line = scope.get_by_text(f"expected for username '{case['username']}':")
    assert line.inner_text().strip().endswith(mask(right))
    text = tab.page.locator("body").inner_text()
    assert case["secret"] not in text and right not in text


def test_voila_diagnosis_app_names_the_mistake(voila: Server, new_tab):
    tab = new_tab()
    page = tab.page
    page.goto(f"{voila.base_url}/voila/render/diagnose.ipynb")
    page.get_by_label("Error text").wait_for(state="visible", timeout=90_000)
    assert "troubleshooter" not in page.locator("body").inner_text()  # no code on the page
    _fill_and_check(tab, page, _case())


def test_lab_lesson_07_runs_and_its_form_diagnoses_typing(lab: Server, new_tab):
    tab = new_tab()
    path = open_in_lab(lab, tab, LESSON)
    run_all_in_lab(tab, path)
    form = tab.page.locator(".jp-OutputArea-output", has=tab.page.get_by_label("Error text"))
    assert form.count() == 1
    _fill_and_check(tab, form, _case())


def test_voila_diagnosis_app_needs_no_terminal(voila: Server, new_tab):
    """Its Fix offers the form itself, code shows as code, and a URL-safe hash says where it differs."""
    import base64

    from cognito_helpers.hashing import hmac_sha256

    tab = new_tab()
    page = tab.page
    page.goto(f"{voila.base_url}/voila/render/diagnose.ipynb")
    page.get_by_label("Error text").wait_for(state="visible", timeout=90_000)
    case = _case()
    page.get_by_label("Error text").fill(case["error"])
    page.get_by_text("Find the mistake here: fill in the username").wait_for(timeout=ANSWER_WAIT_MS)
    text = page.locator("body").inner_text()
    assert "cognito_helpers fingerprint" not in text and "`" not in text
    assert page.locator(".cognito-diagnosis code", has_text="sub").count() >= 1
    # a URL-safe hash: masked, sent and expected look alike; the page says where they differ.
    # Draw until they differ only where the mask hides (a '-' among the characters the mask
    # shows would make the masked forms differ, and the page would rightly say something else:
    # about one draw in ten).
    while True:
        digest = hmac_sha256(case["secret"].encode(), (case["username"] + case["client_id"]).encode())
        sent, standard = base64.urlsafe_b64encode(digest).decode(), base64.b64encode(digest).decode()
        if sent != standard and mask(sent) == mask(standard):
            break
        case = _case()
    page.get_by_label("Username").fill(case["username"])
    page.get_by_label("App client id").fill(case["client_id"])
    page.get_by_label("Client secret").fill(case["secret"])
    page.get_by_label("Error text").fill(case["error"])
    page.get_by_label("Hash your app sent").fill(sent)
    page.get_by_text("looks like the expected hash when masked, but differs").wait_for(timeout=ANSWER_WAIT_MS)
    body = page.locator("body").inner_text()
    assert "is expected (character" in body
    assert case["secret"] not in body and sent not in body

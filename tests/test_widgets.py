"""The ipywidgets front ends, driven in-process: set ``.value``, read what is displayed.

Each widget's observers run synchronously when a value changes (as when a
person types), so no kernel or browser is needed.
"""

from __future__ import annotations

import cognito_helpers as ch
from cognito_helpers.lessons.widgets import HashCalculator

U, C, S = "username", "EPswPGbpdBLZnh9XW134hK7qYe", "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b"
RIGHT = "oUkNFqfm7UjLds8vXFWarT1l3gqORGoztf+EyFmoX2Q="


def test_calculator_prefilled_shows_the_hash() -> None:
    calc = ch.hash_calculator(U, C, S)
    assert isinstance(calc, HashCalculator)
    assert RIGHT in calc.result.value
    assert calc.result.value == ch.hash_variants(U, C, S)._repr_html_()


def test_calculator_updates_as_the_reader_types() -> None:
    calc = ch.hash_calculator()
    assert "Fill in: username, app client id, client secret." in calc.result.value
    calc.username.value = U
    calc.client_id.value = C
    assert "Fill in: client secret." in calc.result.value
    calc.secret.value = S
    assert RIGHT in calc.result.value
    calc.username.value = "a@b.com"
    expected = ch.secret_hash("a@b.com", C, S)
    assert expected in calc.result.value and RIGHT not in calc.result.value
    assert calc.last.correct == expected


def test_calculator_compares_with_what_the_app_sent() -> None:
    calc = ch.hash_calculator(U, C, S)
    hex_digest = ch.hash_variants(U, C, S)["hex"].value
    calc.sent.value = hex_digest
    assert calc.last.match.key == "hex"
    assert "Hex digest (hexdigest()" in calc.result.value
    calc.sent.value = ""
    assert calc.last.match is None and "your app sent" not in calc.result.value


def test_calculator_never_shows_the_secret() -> None:
    calc = ch.hash_calculator(U, C, S)
    calc.sent.value = S  # the raw-secret mistake
    shown = calc.result.value + repr(calc) + str(calc._repr_mimebundle_())
    assert S not in shown
    assert ch.mask(S) in calc.result.value
    assert "Raw secret as the hash" in calc.result.value
    calc.secret.value = S + "\n"
    assert "ends with a newline" in calc.result.value and S not in calc.result.value


def test_calculator_secret_box_is_a_password_box() -> None:
    import ipywidgets

    calc = ch.hash_calculator(U, C, S)
    assert isinstance(calc.secret, ipywidgets.Password)
    assert S not in repr(calc.secret)


# -- the troubleshooting form (notebook 09) ---------------------------------------

MISMATCH = (
    "An error occurred (NotAuthorizedException) when calling the InitiateAuth operation: "
    f"Unable to verify secret hash for client {C}"
)


def test_troubleshooter_starts_by_asking_for_the_error() -> None:
    form = ch.troubleshooter()
    assert "Paste the complete error" in form.result.value
    assert form.result.value == ch.troubleshoot()._repr_html_()


def test_troubleshooter_diagnoses_as_the_reader_fills_it_in() -> None:
    form = ch.troubleshooter()
    form.error.value = MISMATCH
    assert form.last.keys == ("hash_mismatch",)
    assert "fill in: username, client id, client secret" in form.result.value
    form.username.value = U
    form.client_id.value = C
    form.secret.value = S
    form.sent.value = ch.hash_variants(U, C, S)["reversed"].value
    assert form.last.keys == ("hash_mismatch", "reversed_order")
    assert "client_id + username instead of username + client_id" in form.result.value
    form.sent.value = RIGHT
    assert form.last.keys == ("hash_mismatch", "correct")


def test_troubleshooter_uses_other_usernames() -> None:
    form = ch.troubleshooter(username="7f3c2a10-1b2c-4d5e-8f90-123456789abc", client_id=C,
                             client_secret=S)
    form.sent.value = ch.secret_hash("maria@example.com", C, S)
    assert form.last.keys != ("other_username",)
    form.other_usernames.value = "maria@example.com"
    assert form.last.keys == ("other_username",)


def test_troubleshooter_never_shows_the_secret() -> None:
    import ipywidgets

    form = ch.troubleshooter(MISMATCH, U, C, S, S)
    assert isinstance(form.secret, ipywidgets.Password)
    assert form.last.keys == ("hash_mismatch", "raw_secret")
    shown = form.result.value + repr(form) + str(form._repr_mimebundle_())
    assert S not in shown


# -- the same, inside a real kernel (ipykernel comms, as in JupyterLab) ------------


def test_widgets_update_inside_a_kernel() -> None:
    import nbformat
    from nbclient import NotebookClient

    source = f"""
import cognito_helpers as ch
calc = ch.hash_calculator()
calc.username.value, calc.client_id.value, calc.secret.value = {U!r}, {C!r}, {S!r}
form = ch.troubleshooter({MISMATCH!r})
form.username.value, form.client_id.value, form.secret.value = {U!r}, {C!r}, {S!r}
form.sent.value = calc.last["hex"].value
print({RIGHT!r} in calc.result.value, form.last.keys, {S!r} in calc.result.value + form.result.value)
"""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    out = "".join(o.get("text", "") for o in nb.cells[0].outputs)
    assert out.strip() == "True ('hash_mismatch', 'hex_digest') False"


def test_calculator_strict_is_a_checkbox_not_python_advice() -> None:
    """Issue 14: the widget told people to 'pass strict=False'; a box says it instead."""
    odd = "example-secret-read-from-your-secrets-store"
    calc = ch.hash_calculator(U, C, odd)
    assert calc.strict.value is True and calc.strict.description == "Check Cognito's rules"
    assert "client_secret: contains &#x27;-&#x27;" in calc.result.value
    assert "strict=False" not in calc.result.value
    calc.strict.value = False
    assert "⚠️" not in calc.result.value
    assert ch.secret_hash(U, C, odd, strict=False) in calc.result.value
    assert odd not in calc.result.value


def test_calculator_verdict_comes_first_and_values_do_not_wrap() -> None:
    calc = ch.hash_calculator(U, C, S, sent=ch.hash_variants(U, C, S)["hex"].value)
    html_out = calc.result.value
    assert html_out.startswith('<p class="cognito-verdict"')
    assert html_out.index("what this mistake produces") < html_out.index("<table")
    assert html_out.count('white-space:nowrap;text-align:left"><code') == len(ch.MISTAKES)
    assert "username <code>" not in html_out and "<b>Username</b>" in html_out

"""The ipywidgets front ends, driven in-process: set ``.value``, read what is displayed.

Each widget's observers run synchronously when a value changes (as when a
person types), so no kernel or browser is needed.
"""

from __future__ import annotations

import cognito_helpers as ch
from cognito_helpers.widgets import HashCalculator

U, C, S = "username", "EPswPGbpdBLZnh9XW134hK7qYe", "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b"
RIGHT = "oUkNFqfm7UjLds8vXFWarT1l3gqORGoztf+EyFmoX2Q="


def test_calculator_prefilled_shows_the_hash() -> None:
    calc = ch.hash_calculator(U, C, S)
    assert isinstance(calc, HashCalculator)
    assert RIGHT in calc.result.value
    assert calc.result.value == ch.hash_variants(U, C, S)._repr_html_()


def test_calculator_updates_as_the_reader_types() -> None:
    calc = ch.hash_calculator()
    assert "Waiting for input" in calc.result.value and "username" in calc.result.value
    calc.username.value = U
    calc.client_id.value = C
    assert "client_secret: is empty" in calc.result.value
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

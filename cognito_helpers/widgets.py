"""ipywidgets front ends. Each widget only wires its inputs to a plain function.

* :func:`hash_calculator` (``notebooks/03-compute-the-hash.ipynb``) shows
  :func:`cognito_helpers.calculator.hash_variants` live.

What a widget shows is exactly that function's ``_repr_html_``, and a
notebook cell calls the same function, so nbval validates it (nbval has no
widget manager). ``tests/test_widgets.py`` drives the observers in-process.
Secrets are typed into a :class:`ipywidgets.Password` box, whose repr never
contains the value, and are only ever shown masked.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from .calculator import hash_variants
from .exceptions import InvalidInputError

__all__ = ["HashCalculator", "hash_calculator"]

_STYLE = {"description_width": "11em"}
_LAYOUT = {"width": "42em"}


def _text(description: str, value: str, placeholder: str) -> w.Text:
    return w.Text(value=value, description=description, placeholder=placeholder,
                  style=_STYLE, layout=_LAYOUT, continuous_update=True)


def _message(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


class HashCalculator(w.VBox):
    """Username, client id, masked secret (and optionally the hash your app sent) in;
    the correct hash and the common mistakes out, recomputed on every keystroke."""

    def __init__(self, username: str = "", client_id: str = "", client_secret: str = "",
                 sent: str = "") -> None:
        self.username = _text("Username", username, "the USERNAME your app sends")
        self.client_id = _text("App client id", client_id, "26 characters, [a-z0-9]")
        self.secret = w.Password(value=client_secret, description="Client secret",
                                 placeholder="never shown, only masked", style=_STYLE,
                                 layout=_LAYOUT)
        self.sent = _text("Hash your app sent", sent, "optional: paste it to compare")
        self.result = w.HTML()
        self.last: Any = None
        super().__init__(children=[self.username, self.client_id, self.secret, self.sent,
                                   self.result])
        for box in (self.username, self.client_id, self.secret, self.sent):
            box.observe(self._update, names="value")
        self._update()

    def _update(self, change: object = None) -> None:
        """Recompute from the current inputs (the observer of every input box)."""
        try:
            self.last = hash_variants(self.username.value, self.client_id.value,
                                      self.secret.value, sent=self.sent.value or None)
        except InvalidInputError as exc:
            self.last = exc
            self.result.value = _message(f"Waiting for input: {exc}")
            return
        self.result.value = self.last._repr_html_()

    def __repr__(self) -> str:
        # The default widget repr would list every child; this one never shows the secret.
        return (f"HashCalculator(username={self.username.value!r}, "
                f"client_id={self.client_id.value!r}, secret=<masked>)")


def hash_calculator(username: str = "", client_id: str = "", client_secret: str = "",
               sent: str = "") -> HashCalculator:
    """The interactive SECRET_HASH calculator, optionally pre-filled."""
    return HashCalculator(username, client_id, client_secret, sent)

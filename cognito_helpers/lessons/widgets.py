"""ipywidgets front ends. Each widget only wires its inputs to a plain function.

* :func:`hash_calculator` (``notebooks/03-compute-the-hash.ipynb``) shows
  :func:`cognito_helpers.calculator.hash_variants` live.
* :func:`troubleshooter` (``notebooks/09-troubleshooting.ipynb``) shows
  :func:`cognito_helpers.troubleshooting.troubleshoot` live.

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

from ..exceptions import InvalidInputError
from ..validate import flag, strings, text
from .calculator import hash_variants
from .troubleshooting import troubleshoot

__all__ = ["HashCalculator", "Troubleshooter", "hash_calculator", "troubleshooter"]

_STYLE = {"description_width": "11em"}
_LAYOUT = {"width": "42em"}


def _text(description: str, value: str, placeholder: str) -> w.Text:
    return w.Text(value=value, description=description, placeholder=placeholder,
                  style=_STYLE, layout=_LAYOUT, continuous_update=True)


def _texts(**fields: object) -> None:
    """A form's fields are text (a widget would fail with traitlets' TraitError otherwise)."""
    for name, value in fields.items():
        text(name, value, what="text (str); '' leaves the field empty")


def _message(text: str) -> str:
    return f"<p>{html.escape(text)}</p>"


class HashCalculator(w.VBox):
    """Username, client id, masked secret (and optionally the hash your app sent) in;
    the correct hash and the common mistakes out, recomputed on every keystroke."""

    def __init__(self, username: str = "", client_id: str = "", client_secret: str = "",
                 sent: str = "", strict: bool = True) -> None:
        self.username = _text("Username", username, "the USERNAME your app sends")
        self.client_id = _text("App client id", client_id, "26 characters, [a-z0-9]")
        self.secret = w.Password(value=client_secret, description="Client secret",
                                 placeholder="never shown, only masked", style=_STYLE,
                                 layout=_LAYOUT)
        self.sent = _text("Hash your app sent", sent, "optional: paste it to compare")
        # strict: warn about values Cognito never issues (the hashes below use them as typed)
        self.strict = w.Checkbox(value=strict, description="Check Cognito's rules",
                                 indent=False, layout={"width": "42em"},
                                 tooltip="Untick to hash unusual values without warnings")
        self.result = w.HTML()
        self.last: Any = None
        super().__init__(children=[self.username, self.client_id, self.secret, self.sent,
                                   self.strict, self.result])
        for box in (self.username, self.client_id, self.secret, self.sent, self.strict):
            box.observe(self._update, names="value")
        self._update()

    def _update(self, change: object = None) -> None:
        """Recompute from the current inputs (the observer of every input box)."""
        missing = [name for name, box in (("username", self.username),
                                          ("app client id", self.client_id),
                                          ("client secret", self.secret)) if not box.value]
        if missing:
            self.last = None
            self.result.value = _message("Fill in: " + ", ".join(missing) + ".")
            return
        try:
            self.last = hash_variants(self.username.value, self.client_id.value,
                                      self.secret.value, sent=self.sent.value or None,
                                      strict=self.strict.value)
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
               sent: str = "", strict: bool = True) -> HashCalculator:
    """The interactive SECRET_HASH calculator, optionally pre-filled.

    Unticking "Check Cognito's rules" (``strict=False``) drops the warnings
    about values Cognito never issues; the hashes always use the values as typed.
    """
    _texts(username=username, client_id=client_id, client_secret=client_secret, sent=sent)
    flag("strict", strict)
    return HashCalculator(username, client_id, client_secret, sent, strict)


class Troubleshooter(w.VBox):
    """The troubleshooting form: the error text, the inputs of the hash, the hash the app
    sent (all optional) in; the diagnosis out, recomputed on every change."""

    def __init__(self, error: str = "", username: str = "", client_id: str = "",
                 client_secret: str = "", sent: str = "", other_usernames: str = "",
                 authorization: str = "") -> None:
        self.error = w.Textarea(value=error, description="Error text",
                                placeholder="paste the exception as your SDK printed it",
                                style=_STYLE, layout={"width": "42em", "height": "6em"})
        self.username = _text("Username", username, "the USERNAME the failing call hashed")
        self.other_usernames = _text("Other names", other_usernames,
                                     "optional: e-mail alias, sub (comma separated)")
        self.client_id = _text("App client id", client_id, "26 characters, [a-z0-9]")
        self.secret = w.Password(value=client_secret, description="Client secret",
                                 placeholder="never shown, only masked", style=_STYLE,
                                 layout=_LAYOUT)
        self.sent = _text("Hash your app sent", sent, "the SECRET_HASH from your app's log")
        # it encodes the secret: a password box, never shown (notebook 11)
        self.authorization = w.Password(value=authorization, description="Authorization",
                                        placeholder="optional: 'Basic ...' sent to /oauth2/token",
                                        style=_STYLE, layout=_LAYOUT)
        self.result = w.HTML()
        self.last: Any = None
        boxes = (self.error, self.username, self.other_usernames, self.client_id, self.secret,
                 self.sent, self.authorization)
        super().__init__(children=[*boxes, self.result])
        for box in boxes:
            box.observe(self._update, names="value")
        self._update()

    def _update(self, change: object = None) -> None:
        """Re-diagnose from the current inputs (the observer of every box)."""
        self.last = troubleshoot(
            self.error.value, username=self.username.value, client_id=self.client_id.value,
            client_secret=self.secret.value, sent=self.sent.value,
            other_usernames=self.other_usernames.value, authorization=self.authorization.value,
        )
        self.result.value = self.last._repr_html_()

    def __repr__(self) -> str:
        return (f"Troubleshooter(error={len(self.error.value)} chars, "
                f"username={self.username.value!r}, client_id={self.client_id.value!r}, "
                "secret=<masked>)")


def troubleshooter(error: str = "", username: str = "", client_id: str = "",
                   client_secret: str = "", sent: str = "",
                   other_usernames: str = "", authorization: str = "") -> Troubleshooter:
    """The interactive troubleshooting form, optionally pre-filled (``other_usernames``: a
    list, or text separated by commas)."""
    if not isinstance(other_usernames, str):
        other_usernames = ", ".join(strings("other_usernames", other_usernames,
                                            what="usernames (a list, or text separated by commas)"))
    _texts(error=error, username=username, client_id=client_id, client_secret=client_secret,
           sent=sent, authorization=authorization)
    return Troubleshooter(error, username, client_id, client_secret, sent, other_usernames,
                          authorization)

"""What the troubleshooting form shows: the pasted error explained and the sent hash fingerprinted.

Taught in ``notebooks/09-troubleshooting.ipynb``. :func:`troubleshoot` is a
thin front over the diagnosis engine (:func:`cognito_helpers.diagnosis.explain`
and :func:`~cognito_helpers.diagnosis.fingerprint`), for whatever the person
has filled in so far, plus what to fill in next. It never calls Cognito and
never raises on bad input: a form must keep working while someone types. The
ipywidgets form (:func:`cognito_helpers.widgets.troubleshooter`) only wires its
boxes to this function. The secret is only ever shown masked.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..diagnosis import Diagnosis, explain, fingerprint
from ..diagnosis.result import html_text
from ..exceptions import InvalidInputError
from ..validate import items

__all__ = ["HASH_ERRORS", "Troubleshooting", "troubleshoot"]

#: catalogue keys of the errors a wrong SECRET_HASH produces
HASH_ERRORS = frozenset({"hash_mismatch", "hash_mismatch_alt"})


@dataclass(frozen=True)
class Troubleshooting:
    """The form's result: diagnoses (titled), input problems, and the next step."""

    diagnoses: tuple[tuple[str, Diagnosis], ...]
    problems: tuple[str, ...]
    next_step: str

    @property
    def keys(self) -> tuple[str, ...]:
        """The diagnoses' keys, in order (``("hash_mismatch", "hex_digest")``)."""
        return tuple(d.key for _, d in self.diagnoses)

    def __repr__(self) -> str:
        parts = []
        for title, d in self.diagnoses:
            parts.append(f"== {title} ==\n{d.to_text()}")
        parts += [f"Input problem: {p}" for p in self.problems]
        if self.next_step:
            parts.append(f"Next: {self.next_step}")
        return "\n\n".join(parts)

    def _repr_pretty_(self, p, cycle: bool) -> None:  # IPython display
        p.text(repr(self))

    def _repr_html_(self) -> str:
        esc = html_text
        parts = [f"<h4>{esc(title)}</h4>{d._repr_html_()}" for title, d in self.diagnoses]
        parts += [f"<p>⚠️ {esc(p)}</p>" for p in self.problems]
        if self.next_step:
            parts.append(f"<p><b>Next:</b> {esc(self.next_step)}</p>")
        return "".join(parts)


# What the diagnosis engine tells a terminal user, and what this form offers instead:
# the people who use the form (the app in apps/, the widget in 09) may never open one.
_IN_FORM = [
    (re.compile(r"Find the mistake with `[^`]*fingerprint[^`]*`(?: \([^)]*\))?\."),
     "Find the mistake here: fill in the username the failing call hashed, the client "
     "id, the client secret and the hash your app sent, and this form names it."),
    (re.compile(r"Fingerprint the hash your app sent with `[^`]*fingerprint[^`]*`"),
     "Fill in the hash your app sent and its inputs in this form to name the mistake"),
    (re.compile(r"`python -m cognito_helpers fingerprint` tells"),
     "this form, given the hash your app sent, tells"),
    (re.compile(r"^`fingerprint` names the mistake that produced the hash your app sent\."),
     "This form names the mistake that produced the hash your app sent, once its hash "
     "fields are filled in."),
    (re.compile(r"^`(python -m cognito_helpers check-client[^`]*)`"),
     r"The app client's page in the Cognito console (or, in a terminal, `\1`)"),
    (re.compile(r"\(see it with `python -m cognito_helpers proxy`\)"),
     "(in your app's debug log, or with `python -m cognito_helpers proxy` in a terminal)"),
]


def _in_form_text(text: str) -> str:
    for pattern, replacement in _IN_FORM:
        text = pattern.sub(replacement, text)
    return text


def in_form(d: Diagnosis) -> Diagnosis:
    """``d`` with its advice to run a command replaced by what the form does (issue 14)."""
    return dataclasses.replace(
        d, fix=_in_form_text(d.fix), confirm=tuple(_in_form_text(c) for c in d.confirm)
    )


def _clean(value: object) -> str:
    return value if isinstance(value, str) else ""


def troubleshoot(
    error: str = "",
    *,
    username: str = "",
    client_id: str = "",
    client_secret: str = "",
    sent: str = "",
    other_usernames: Iterable[str] | str = (),
    authorization: str = "",
) -> Troubleshooting:
    """Explain ``error`` and, given the inputs and the hash the app ``sent``, name the mistake.

    ``authorization`` is the ``Authorization`` header an app sent to the OAuth
    token endpoint; with ``client_id`` (and ``client_secret``) the result names
    the mistake behind it too (notebook 11).

    Every argument is optional; the result says what to fill in next.
    ``other_usernames`` (a list, or text separated by commas) are other names
    the app may have hashed: the e-mail alias, the ``sub``.
    """
    error = _clean(error)
    username, client_id, sent = _clean(username), _clean(client_id), _clean(sent)
    client_secret = _clean(client_secret)
    if isinstance(other_usernames, str):
        other_usernames = other_usernames.split(",")
    others = [o.strip() for o in items("other_usernames", other_usernames, what="a list of usernames, "
              "or text separated by commas") if isinstance(o, str) and o.strip()]

    diagnoses: list[tuple[str, Diagnosis]] = []
    problems: list[str] = []
    explained: Diagnosis | None = None
    if error.strip():
        explained = in_form(explain(error))
        diagnoses.append(("The error", explained))
        named = explained.facts.get("client_id")
        if named and client_id.strip() and named != client_id.strip():
            problems.append(
                f"The error names app client {named}, but you entered {client_id.strip()}: "
                "the app may use another client (or another environment's settings)."
            )
    authorization = _clean(authorization)
    if authorization.strip() and client_id.strip():
        from ..diagnosis.authorization import fingerprint_authorization

        try:
            diagnoses.append(
                (
                    "The Authorization header your app sent",
                    fingerprint_authorization(
                        authorization,
                        client_id.strip(),
                        client_secret,
                        usernames=[n for n in [username, *others] if n],
                    ),
                )
            )
        except InvalidInputError as exc:
            problems.append(str(exc))
    elif authorization.strip():
        problems.append("To check the Authorization header, fill in the client id too.")
    hash_inputs = (username, client_id, client_secret, sent)
    if all(hash_inputs):
        try:
            diagnoses.append(
                (
                    "The hash your app sent",
                    fingerprint(username, client_id, client_secret, sent, other_usernames=others),
                )
            )
        except InvalidInputError as exc:
            problems.append(str(exc))

    if authorization.strip() and not sent:
        next_step = ""
    elif not error.strip() and not any(hash_inputs):
        next_step = "Paste the complete error your app or SDK printed (exception name and message)."
    elif explained is not None and explained.status == "unknown":
        next_step = "Paste the complete error text, as the SDK printed it."
    elif not all(hash_inputs) and (
        explained is None or explained.key in HASH_ERRORS or any(hash_inputs)
    ):
        missing = [
            name
            for name, value in zip(
                ("username", "client id", "client secret", "the hash your app sent"),
                hash_inputs,
                strict=True,
            )
            if not value
        ]
        next_step = (
            "To name the mistake behind the hash, fill in: " + ", ".join(missing) + ". "
            "Log the SECRET_HASH your app sends (only while debugging, then remove the log)."
        )
    else:
        next_step = ""
    return Troubleshooting(tuple(diagnoses), tuple(problems), next_step)

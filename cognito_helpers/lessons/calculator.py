"""The hash calculator: the right SECRET_HASH next to what common mistakes produce.

Taught in ``notebooks/03-compute-the-hash.ipynb``. The ipywidgets calculator in
:mod:`cognito_helpers.widgets` only wires its inputs to :func:`hash_variants`;
a notebook cell calls the same function, so nbval checks what the widget shows.

The mistakes are the ones listed in ``docs/facts.md#mistakes-people-make``: hex digest, ``client_id + username`` order, URL-safe base64,
a trailing newline in the secret, the raw secret sent as the hash, HMAC keyed
with the message, plain SHA-256 without HMAC. Standard library only.
"""

from __future__ import annotations

import base64
import hashlib
import html
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..exceptions import InvalidInputError
from ..hashing import check_client_id, check_client_secret, check_username, hmac_sha256, strict_hint
from ..redact import mask

__all__ = ["MISTAKES", "HashVariants", "Variant", "hash_variants"]


def _visible_mask(value: str) -> str:
    """``mask(value)`` with invisible characters escaped (a kept ``\\n`` shows as ``\\n``)."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in mask(value))


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _correct(u: str, c: str, s: str) -> str:
    return _b64(hmac_sha256(s.encode(), (u + c).encode()))


# key -> (label, what the code did, function computing what it sends)
MISTAKES: dict[str, tuple[str, str, Callable[[str, str, str], str]]] = {
    "correct": (
        "Correct",
        "base64(HMAC-SHA256(key=secret, msg=username + client_id))",
        _correct,
    ),
    "hex": (
        "Hex digest",
        "hexdigest() instead of base64 of the raw digest",
        lambda u, c, s: hmac_sha256(s.encode(), (u + c).encode()).hex(),
    ),
    "reversed": (
        "Reversed order",
        "msg = client_id + username",
        lambda u, c, s: _b64(hmac_sha256(s.encode(), (c + u).encode())),
    ),
    "urlsafe": (
        "URL-safe base64",
        "urlsafe_b64encode: '-' and '_' instead of '+' and '/'",
        lambda u, c, s: base64.urlsafe_b64encode(
            hmac_sha256(s.encode(), (u + c).encode())
        ).decode("ascii"),
    ),
    "newline": (
        "Trailing newline in secret",
        "secret read from a file or `echo` output with its final '\\n'",
        lambda u, c, s: _b64(hmac_sha256((s + "\n").encode(), (u + c).encode())),
    ),
    "raw_secret": (
        "Raw secret as the hash",
        "the client secret itself sent as SECRET_HASH",
        lambda u, c, s: s,
    ),
    "swapped": (
        "Key and message swapped",
        "HMAC keyed with username + client_id, secret as the message",
        lambda u, c, s: _b64(hmac_sha256((u + c).encode(), s.encode())),
    ),
    "sha256": (
        "SHA-256 without HMAC",
        "sha256(secret + username + client_id), no HMAC",
        lambda u, c, s: _b64(hashlib.sha256((s + u + c).encode()).digest()),
    ),
}


@dataclass(frozen=True, repr=False)
class Variant:
    """One way of computing the hash: its label and the value it produces.

    ``value`` may be the secret itself (the ``raw_secret`` mistake); use
    :attr:`shown` for anything a person sees. The repr never shows the value
    of a sensitive variant.
    """

    key: str
    label: str
    how: str
    value: str
    sensitive: bool = False
    matches_sent: bool = False

    @property
    def shown(self) -> str:
        """The value as it may be displayed (masked when it is the secret)."""
        return _visible_mask(self.value) if self.sensitive else self.value

    def __repr__(self) -> str:
        return f"Variant({self.key!r}, {self.shown!r})"


@dataclass(frozen=True, repr=False)
class HashVariants:
    """The result of :func:`hash_variants`; iterate it for the variants, correct first."""

    username: str
    client_id: str
    secret_masked: str
    variants: tuple[Variant, ...]
    problems: tuple[str, ...] = ()
    sent: str | None = None

    def __iter__(self) -> Iterator[Variant]:
        return iter(self.variants)

    def __getitem__(self, key: str) -> Variant:
        for v in self.variants:
            if v.key == key:
                return v
        raise KeyError(f"no variant {key!r}; known: {', '.join(MISTAKES)}")

    @property
    def correct(self) -> str:
        """The right SECRET_HASH for these inputs (as given)."""
        return self["correct"].value

    @property
    def match(self) -> Variant | None:
        """The variant equal to the hash your app sent, if one is."""
        return next((v for v in self.variants if v.matches_sent), None)

    def verdict(self) -> str:
        """One line on the hash your app sent (empty when none was given)."""
        if self.sent is None:
            return ""
        m = self.match
        if m is None:
            return (
                "The hash your app sent matches none of these: check the username "
                "(alias vs internal name), the client id and which secret is used."
            )
        if m.key == "correct":
            return "The hash your app sent is correct for these inputs."
        return f"The hash your app sent is what this mistake produces: {m.label} ({m.how})."

    def lines(self) -> list[str]:
        """The plain-text table, one line per variant."""
        width = max(len(v.label) for v in self.variants)
        out = [
            f"username  = {self.username!r}",
            f"client_id = {self.client_id!r}",
            f"secret    = {self.secret_masked}",
        ]
        out += [f"problem: {p}" for p in self.problems]
        for v in self.variants:
            flag = "  <- your app sent this" if v.matches_sent else ""
            out.append(f"{v.label:<{width}}  {v.shown}{flag}")
        if self.sent is not None:
            out.append(self.verdict())
        return out

    def __repr__(self) -> str:
        return "\n".join(self.lines())

    def _repr_pretty_(self, p, cycle: bool) -> None:  # IPython display
        p.text(repr(self))

    def _repr_html_(self) -> str:
        esc = html.escape
        rows = []
        for v in self.variants:
            style = ""
            if v.key == "correct":
                style = ' style="font-weight:bold"'
            if v.matches_sent:
                style = ' style="background:#fff3b0"'
            rows.append(
                f'<tr{style}><td style="white-space:nowrap;text-align:left">{esc(v.label)}</td>'
                f'<td style="white-space:nowrap;text-align:left"><code style="font-size:0.85em">'
                f"{esc(v.shown)}</code></td>"
                f'<td style="white-space:normal;text-align:left;font-size:0.9em;line-height:1.3">'
                f"{esc(v.how)}</td></tr>"
            )
        problems = "".join(f"<p>⚠️ {esc(p)}</p>" for p in self.problems)
        verdict = ""
        if self.sent is not None:  # the answer first, where the eye lands, not under the table
            m = self.match
            colour = "#1a7f37" if m is not None and m.key == "correct" else (
                "#9a6700" if m is not None else "#cf222e")
            verdict = (
                f'<p class="cognito-verdict" style="font-weight:bold;font-size:1.1em;'
                f'border-left:4px solid {colour};padding:0.3em 0.8em">'
                f"{esc(self.verdict())}</p>"
            )
        return (
            f"{verdict}<p><b>Username</b> <code>{esc(self.username)}</code> · <b>App client id</b> "
            f"<code>{esc(self.client_id)}</code> · <b>Secret</b> <code>{esc(self.secret_masked)}"
            f"</code></p>{problems}"
            # the values never wrap (a hash cut in two reads as two); the explanation does
            f'<table class="cognito-variants" style="table-layout:auto;max-width:100%">'
            f'<tr style="text-align:left"><th>Variant</th><th>Value</th><th>What the code did</th></tr>'
            f"{''.join(rows)}</table>"
        )


def _problems(username: str, client_id: str, client_secret: str) -> tuple[str, ...]:
    # the calculator hashes as given anyway: no "pass strict=False" advice in its warnings
    found = []
    for check, value in (
        (check_username, username),
        (check_client_id, client_id),
        (check_client_secret, client_secret),
    ):
        try:
            check(value)
        except InvalidInputError as exc:
            found.append(strict_hint(str(exc), None))
    return tuple(found)


_EMPTY = {
    "username": "is empty: type the USERNAME your app sends.",
    "client_id": "is empty: copy the app client id from the app client's settings.",
    "client_secret": "is empty: copy it from the app client's settings (Show client secret).",
}


def hash_variants(
    username: str, client_id: str, client_secret: str, *, sent: str | None = None,
    strict: bool = True,
) -> HashVariants:
    """The correct SECRET_HASH and what each common mistake produces, for these inputs.

    The values are hashed exactly as given (like ``secret_hash(..., strict=False)``);
    anything Cognito's rules would refuse (a trailing newline, a pool id where
    the client id belongs) is listed in ``problems``, unless ``strict=False``
    (the calculator's "Check Cognito's rules" box unticked). ``sent``, the hash your
    app sent, is compared against every variant. The secret is only ever shown
    masked.

    >>> hv = hash_variants("username", "EPswPGbpdBLZnh9XW134hK7qYe",
    ...                    "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b")
    >>> hv.correct
    'oUkNFqfm7UjLds8vXFWarT1l3gqORGoztf+EyFmoX2Q='
    """
    for field, value in (
        ("username", username),
        ("client_id", client_id),
        ("client_secret", client_secret),
    ):
        if not isinstance(value, str):
            raise InvalidInputError(
                field, f"expected text (str), got {type(value).__name__}. Pass it as a string."
            )
        if value == "":
            raise InvalidInputError(field, _EMPTY[field])
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidInputError(
                field, "contains a lone surrogate, which has no UTF-8 form."
            ) from None
    if sent is not None:
        if not isinstance(sent, str):
            raise InvalidInputError(
                "sent", f"expected text (str), got {type(sent).__name__}."
            )
        sent = sent.strip() or None
    variants = []
    for key, (label, how, fn) in MISTAKES.items():
        value = fn(username, client_id, client_secret)
        variants.append(
            Variant(
                key,
                label,
                how,
                value,
                sensitive=key == "raw_secret",
                matches_sent=sent is not None and value == sent,
            )
        )
    return HashVariants(
        username=username,
        client_id=client_id,
        secret_masked=_visible_mask(client_secret),
        variants=tuple(variants),
        problems=_problems(username, client_id, client_secret) if strict else (),
        sent=sent,
    )

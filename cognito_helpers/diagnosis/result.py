"""The typed result every diagnosis returns: cause, evidence, fix, confidence.

One shape for ``explain``, ``fingerprint``, ``check_client`` and
``verify_flow``, so that the CLI, the inspecting proxy and the troubleshooting
notebook (``notebooks/09-troubleshooting.ipynb``) render it the same way: as
text (:meth:`Diagnosis.to_text`), as JSON (:meth:`Diagnosis.to_json`) and as
HTML in a notebook (``_repr_html_``).

A result never holds a client secret, password or token: the functions that
build it only put masked values (``redact.mask``) in it.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from ..validate import number

__all__ = ["Check", "Confidence", "Diagnosis", "Status", "html_text", "printable"]

# found: a cause or mistake was identified.   ok: nothing wrong.
# problem: a check found something wrong.     unknown: no known cause matched.
# incomplete: some facts could not be checked (credentials, network).
Status = Literal["found", "ok", "problem", "unknown", "incomplete"]
# high: an exact match (message text, hash).  medium: a match with a caveat.
# low: a hint only.                           none: nothing matched.
Confidence = Literal["high", "medium", "low", "none"]


_BACKTICKS = re.compile(r"`([^`]+)`")


def html_text(text: object) -> str:
    """``text`` escaped for HTML, its `backticked` parts shown as code (as in Markdown)."""
    return _BACKTICKS.sub(r"<code>\1</code>", html.escape(str(text)))


def printable(text: str) -> str:
    """``text`` with lone surrogates escaped (``\\ud800``), so any stream can write it.

    They arrive from command-line bytes that are not UTF-8 and from JSON
    escapes; unescaped, printing them raises UnicodeEncodeError.
    """
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


@dataclass(frozen=True)
class Check:
    """One line of a configuration check or of an end-to-end run."""

    name: str
    status: Literal["ok", "problem", "info", "unchecked"]
    text: str

    def to_dict(self) -> dict[str, str]:
        """A JSON-ready dict."""
        return {"name": self.name, "status": self.status, "text": self.text}


@dataclass(frozen=True)
class Diagnosis:
    """What is wrong, how we know, how to fix it, and what would confirm it.

    ``kind`` says which function made it (``explain``, ``fingerprint``,
    ``check-client``, ``verify``); ``key`` is a stable identifier of the cause
    (a ``local.answers`` catalogue key for ``explain``, a mistake name for
    ``fingerprint``) that scripts can rely on; ``alternatives`` lists the
    closest other causes as ``(key, title)`` pairs; ``facts`` holds what was
    read from the input (client id, operation, request id...), never a secret.
    """

    kind: str
    status: Status
    key: str
    cause: str
    fix: str
    confidence: Confidence
    evidence: tuple[str, ...] = ()
    confirm: tuple[str, ...] = ()
    alternatives: tuple[tuple[str, str], ...] = ()
    checks: tuple[Check, ...] = ()
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when nothing wrong was found (a correct hash, a healthy client)."""
        return self.status == "ok"

    @property
    def _alternatives_heading(self) -> str:
        # with a cause found they are other findings; without one, the nearest guesses
        return "Also found" if self.status == "found" else "Closest known causes"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict with every field."""
        return {
            "kind": self.kind,
            "status": self.status,
            "key": self.key,
            "cause": self.cause,
            "fix": self.fix,
            "confidence": self.confidence,
            "evidence": list(self.evidence),
            "confirm": list(self.confirm),
            "alternatives": [{"key": k, "cause": t} for k, t in self.alternatives],
            "checks": [c.to_dict() for c in self.checks],
            "facts": dict(self.facts),
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """The result as a JSON document (what ``--json`` prints)."""
        number("indent", indent, minimum=0, maximum=16, integer=True, optional=True)
        return printable(
            json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, default=str)
        )

    def to_text(self) -> str:
        """The result as plain text for a terminal."""
        lines = [f"Cause: {self.cause}", f"Confidence: {self.confidence}"]
        if self.evidence:
            lines.append("Evidence:")
            lines += [f"  - {e}" for e in self.evidence]
        if self.checks:
            lines.append("Checks:")
            width = max(len(c.status) for c in self.checks)
            lines += [f"  [{c.status:<{width}}] {c.name}: {c.text}" for c in self.checks]
        if self.fix:
            lines.append(f"Fix: {self.fix}")
        if self.confirm:
            lines.append("To confirm:")
            lines += [f"  - {c}" for c in self.confirm]
        if self.alternatives:
            lines.append(f"{self._alternatives_heading}:")
            lines += [f"  - {t} [{k}]" for k, t in self.alternatives]
        return printable("\n".join(lines))

    def __str__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        esc = html_text
        colour = {"ok": "#1a7f37", "found": "#9a6700", "problem": "#cf222e"}.get(
            self.status, "#57606a"
        )
        parts = [
            f'<div class="cognito-diagnosis" style="border-left:4px solid {colour};'
            'padding:0.3em 0.8em">',
            f"<p><b>{esc(self.cause)}</b> <small>({esc(self.status)}, confidence "
            f"{esc(self.confidence)})</small></p>",
        ]

        def section(title: str, items: list[str]) -> None:
            if items:
                parts.append(f"<p>{esc(title)}</p><ul>")
                parts.extend(f"<li>{esc(i)}</li>" for i in items)
                parts.append("</ul>")

        section("Evidence", list(self.evidence))
        section("Checks", [f"[{c.status}] {c.name}: {c.text}" for c in self.checks])
        if self.fix:
            parts.append(f"<p><b>Fix:</b> {esc(self.fix)}</p>")
        section("To confirm", list(self.confirm))
        section(self._alternatives_heading, [f"{t} [{k}]" for k, t in self.alternatives])
        parts.append("</div>")
        return printable("".join(parts))

"""``explain(text)``: from an error a person pasted to its cause and fix.

Taught in ``notebooks/09-troubleshooting.ipynb``; the rows come from the
error table of ``docs/facts.md#what-cognito-answers``, and the
texts are matched against ``cognito_helpers.local.answers.CATALOGUE``, so the
recogniser and the local Cognito can never drift apart. What each one means
(title, fix, facts to confirm) is the table in :mod:`.causes`.

The pasted text may be a boto3 ``ClientError`` ("An error occurred
(NotAuthorizedException) when calling the InitiateAuth operation: ..."), a Go
SDK v1 / v2 log line, a JS SDK v3 / Amplify error or its JSON body, a Java SDK
v2 exception, or just the message; with or without quotes, trailing dots,
request ids, in any letter case. Standard library only (no boto3).
"""

from __future__ import annotations

import re

from ..exceptions import InvalidInputError
from ..local.answers import CATALOGUE
from ..redact import mask
from .causes import CAUSES, OAUTH_CAUSES, Cause
from .result import Diagnosis

__all__ = ["CAUSES", "MESSAGE_ENDS", "MESSAGE_PREFIXES", "Cause", "explain"]

_MAX_TEXT = 20_000  # longer pastes are searched in their first 20,000 characters

assert set(CATALOGUE) <= set(CAUSES), "every catalogue entry needs a cause"

# -- recognising the message ------------------------------------------------------------

_PLACEHOLDERS = {
    "client_id": r"['\"`]?(?P<client_id>[\w+]+)['\"`]?",
    "user_pool_id": r"['\"`]?(?P<user_pool_id>[a-z]{2}(?:-[a-z]+)+-\d+_[\w]+|[\w-]+)['\"`]?",
    "flow": r"(?P<flow>[A-Za-z]+(?:_[A-Za-z]+)+)",
}
# more specific first: "User pool client X" before "User pool X", the admin text
# ("Auth flow not enabled") before "{flow} flow not enabled".
_ORDER = [
    "secret_missing",
    "secret_missing_legacy",
    "hash_not_configured",
    "hash_mismatch",
    "hash_mismatch_alt",
    "client_not_found",
    "pool_not_found",
    "admin_flow_not_enabled",
    "flow_not_enabled",
]
_ORDER += [k for k in CATALOGUE if k not in _ORDER]


def _template_regex(template: str) -> re.Pattern[str]:
    body = template.rstrip(".")
    out = []
    for literal, name in re.findall(r"([^{]*)(?:\{(\w+)\})?", body):
        out.append(r"\s+".join(re.escape(w) for w in literal.split(" ")))
        if name:
            out.append(_PLACEHOLDERS[name])
    # a match starts at a word boundary: without it, a long run of letters makes the
    # "{flow} flow ..." pattern retry from every position (quadratic time)
    prefix = r"(?<![\w])" if body[0].isalnum() or body[0] == "{" else ""
    return re.compile(prefix + "".join(out) + r"\.?", re.IGNORECASE)


_PATTERNS = [(key, _template_regex(CATALOGUE[key].template)) for key in _ORDER]

# -- partial pastes: "Unable to verify secret hash", lower-case, without the client id --

_MIN_WORDS = 5  # a prefix this long (or the whole message) names one message only


def _template_items(template: str) -> list[tuple[str, str]]:
    """The template as ("word", w) and ("placeholder", name) items, in order."""
    items: list[tuple[str, str]] = []
    for literal, name in re.findall(r"([^{]*)(?:\{(\w+)\})?", template.rstrip(".")):
        items += [("word", w) for w in literal.split()]
        if name:
            items.append(("placeholder", name))
    return items


def _words(template: str) -> list[str]:
    return [w for kind, w in _template_items(template) if kind == "word"]


def _characteristic(key: str) -> str:
    """The shortest start of ``key``'s message, placeholders left out, that names it alone.

    At least ``_MIN_WORDS`` words (or the whole message); no other message
    (with another text) starts with the same words.
    """
    words = _words(CATALOGUE[key].template)
    others = [_words(e.template) for e in CATALOGUE.values()
              if e.template != CATALOGUE[key].template]
    for n in range(min(_MIN_WORDS, len(words)), len(words) + 1):
        start = [w.lower() for w in words[:n]]
        if not any([w.lower() for w in o[:n]] == start for o in others):
            return " ".join(words[:n]).rstrip(",:;")
    return " ".join(words)


#: catalogue key -> the start of its message that is enough to recognise it
#: ("Unable to verify secret hash"), as a person pastes or searches it
MESSAGE_PREFIXES = {key: _characteristic(key) for key in CATALOGUE}


def _prefix_regex(key: str) -> re.Pattern[str]:
    """The characteristic start of ``key``'s message, each placeholder optional."""
    need = len(MESSAGE_PREFIXES[key].split())
    parts, seen = [], 0
    for kind, value in _template_items(CATALOGUE[key].template):
        if seen == need:
            break
        if kind == "placeholder":  # optional: pasted with or without the id
            ph = _PLACEHOLDERS[value]
            parts.append(r"(?:\s+" + ph + ")?" if parts else "(?:" + ph + r"\s+)?")
            continue
        word = value.rstrip(",:;") if seen == need - 1 else value
        parts.append((r"\s+" if seen else "") + re.escape(word))
        seen += 1
    return re.compile(r"(?<![\w])" + "".join(parts), re.IGNORECASE)


_MIN_END_WORDS = 4  # the end of a message people paste alone: "SECRET_HASH was not received"


def _characteristic_end(key: str) -> str:
    """The shortest end of ``key``'s message, placeholders left out, that names it alone.

    At least ``_MIN_END_WORDS`` words (or the whole message); no other message
    ends with the same words. The end is what a log line cut after the client
    id shows ("... SECRET_HASH was not received").
    """
    words = [w.lower() for w in _words(CATALOGUE[key].template)]
    others = [[w.lower() for w in _words(e.template)] for e in CATALOGUE.values()
              if e.template != CATALOGUE[key].template]
    original = _words(CATALOGUE[key].template)
    for n in range(min(_MIN_END_WORDS, len(words)), len(words) + 1):
        end = words[-n:]
        if not any(o[-n:] == end for o in others):
            return " ".join(original[-n:])
    return " ".join(original)


#: catalogue key -> the end of its message that is enough to recognise it
#: ("SECRET_HASH was not received"), as a person pastes the tail of a log line
MESSAGE_ENDS = {key: _characteristic_end(key) for key in CATALOGUE}


def _suffix_regex(key: str) -> re.Pattern[str]:
    """The characteristic end of ``key``'s message, each placeholder in it optional."""
    need = len(MESSAGE_ENDS[key].split())
    items = _template_items(CATALOGUE[key].template)
    word_at = [i for i, (kind, _) in enumerate(items) if kind == "word"]
    parts: list[str] = []
    for kind, value in items[word_at[-need]:]:
        if kind == "placeholder":  # optional: pasted with or without the id
            ph = _PLACEHOLDERS[value]
            parts.append(r"(?:\s+" + ph + ")?" if parts else "(?:" + ph + r"\s+)?")
            continue
        parts.append((r"\s+" if parts else "") + re.escape(value))
    return re.compile(r"(?<![\w])" + "".join(parts) + r"\.?(?![\w])", re.IGNORECASE)


_PARTIAL = [(key, _prefix_regex(key)) for key in _ORDER]
_PARTIAL_END = [(key, _suffix_regex(key)) for key in _ORDER]
_CODES = {e.code.lower(): e.code for e in CATALOGUE.values()}
_CODE_RE = re.compile(
    r"(?<![A-Za-z])(" + "|".join(sorted(_CODES, key=len, reverse=True)) + r")(?![A-Za-z])",
    re.IGNORECASE,
)
_OPERATIONS = [
    "AdminInitiateAuth",
    "AdminRespondToAuthChallenge",
    "ConfirmForgotPassword",
    "ConfirmSignUp",
    "DescribeUserPoolClient",
    "ForgotPassword",
    "GetTokensFromRefreshToken",
    "InitiateAuth",
    "ListUserPoolClientSecrets",
    "ResendConfirmationCode",
    "RespondToAuthChallenge",
    "RevokeToken",
    "SignUp",
    "GetUser",
    "GlobalSignOut",
    "AdminGetUser",
    "AdminCreateUser",
    "AdminConfirmSignUp",
    "AdminSetUserPassword",
]
_OPS = {op.lower(): op for op in _OPERATIONS}
_OP_RE = re.compile(
    r"(?:calling the\s+|Cognito Identity Provider:\s*|IdentityProviderService\.|operation\s+)"
    r"(\w+)",
    re.IGNORECASE,
)
_OP_ANY = re.compile(
    r"(?<![A-Za-z])(" + "|".join(sorted(_OPS, key=len, reverse=True)) + r")(?![A-Za-z])",
    re.IGNORECASE,
)
_REQUEST_ID = re.compile(
    r"request[\s_-]*id[\"']?\s*[:=]?\s*[\"']?([0-9a-f][0-9a-f-]{7,})", re.IGNORECASE
)
_STATUS = re.compile(r"status\s*code[\"']?\s*[:=]?\s*(\d{3})", re.IGNORECASE)
_FLOW_ANY = re.compile(
    r"\b(USER_PASSWORD_AUTH|ADMIN_USER_PASSWORD_AUTH|ADMIN_NO_SRP_AUTH|USER_SRP_AUTH|"
    r"REFRESH_TOKEN_AUTH|REFRESH_TOKEN|CUSTOM_AUTH|USER_AUTH)\b"
)
_ENDPOINT_REGION = re.compile(
    r"cognito-idp(?:-fips)?\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws", re.IGNORECASE
)
_POOL_ANY = re.compile(r"\b([a-z]{2}(?:-[a-z]+)+-\d+_[A-Za-z0-9]+)\b")
_JSON_MESSAGE = re.compile(r"[\"']message[\"']\s*:\s*[\"']((?:[^\"'\\]|\\.)*)[\"']", re.IGNORECASE)
_AFTER_CODE = re.compile(
    r"Exception\s*[:)]\s*(?:when calling the \w+ operation:\s*)?(.+)", re.IGNORECASE
)
_HASHLIKE = re.compile(r"[A-Za-z0-9+/_=-]{16,128}")
_FORMAT_RE = re.compile(
    r"secret_?hash.{0,200}failed to satisfy constraint|failed to satisfy constraint.{0,200}"
    r"\[\\w\+=/\]\+|'secretHash' failed",
    re.IGNORECASE | re.DOTALL,
)

# AWS's validation message: "1 validation error detected: Value [ 'v' ]at 'member' failed
# to satisfy constraint: Member must ..." (the value is left out for sensitive members).
_VALIDATION_RE = re.compile(
    r"(\d+) validation errors? detected: Value (?:null |'[^']*' )?at '([\w.]+)' failed to "
    r"satisfy constraint: Member must ([^;]+)",
    re.IGNORECASE,
)


def _sdk_form(text: str) -> str:
    if re.search(r"An error occurred \(\w+\) when calling the \w+ operation", text, re.I):
        return "boto3 / botocore ClientError"
    if re.search(r"operation error Cognito Identity Provider", text, re.I):
        return "AWS SDK for Go v2"
    if re.search(r"\(Service:\s*CognitoIdentityProvider", text, re.I):
        return "AWS SDK for Java v2"
    if re.search(r"status code:\s*\d{3},\s*request id", text, re.I):
        return "AWS SDK for Go v1"
    if re.search(r"[\"']__type[\"']\s*:", text):
        return "JSON error body (JS SDK v3, Amplify, raw HTTP)"
    if _CODE_RE.search(text):
        return "exception name and message (JS SDK v3, Amplify, .NET, logs)"
    return "message text only"


def _facts(text: str) -> dict[str, str]:
    facts: dict[str, str] = {"form": _sdk_form(text)}
    code = _CODE_RE.search(text)
    if code:
        facts["exception"] = _CODES[code.group(1).lower()]
    for m in _OP_RE.finditer(text):
        if m.group(1).lower() in _OPS:
            facts["operation"] = _OPS[m.group(1).lower()]
            break
    else:
        m = _OP_ANY.search(text)
        if m:
            facts["operation"] = _OPS[m.group(1).lower()]
    for name, rx in (("request_id", _REQUEST_ID), ("status_code", _STATUS)):
        m = rx.search(text)
        if m:
            facts[name] = m.group(1)
    m = _FLOW_ANY.search(text)
    if m:
        facts["auth_flow"] = m.group(1)
    m = _POOL_ANY.search(text)
    if m:
        facts["user_pool_id"] = m.group(1)
    m = _ENDPOINT_REGION.search(text)
    if m:
        facts["endpoint_region"] = m.group(1).lower()
    return facts


_STOP = {
    "the",
    "for",
    "was",
    "but",
    "and",
    "not",
    "this",
    "with",
    "please",
    "after",
    "some",
    "time",
    "error",
    "exception",
    "occurred",
    "when",
    "calling",
    "operation",
    "user",
}


def _tokens(text: str) -> set[str]:
    words = re.findall(r"[a-z]{3,}", re.sub(r"([a-z])([A-Z])", r"\1 \2", text).lower())
    return {w for w in words if w not in _STOP}


_CAUSE_TOKENS = {
    key: _tokens(re.sub(r"\{\w+\}", " ", e.template) + " " + e.code) for key, e in CATALOGUE.items()
}


def _closest(text: str, limit: int = 3) -> tuple[tuple[str, str], ...]:
    words = _tokens(text)
    scored = []
    for key, toks in _CAUSE_TOKENS.items():
        if toks and words & toks:
            scored.append((len(words & toks) / len(toks), key))
    scored.sort(key=lambda s: (-s[0], _ORDER.index(s[1])))
    return _unique([(k, _title(k, {})) for _, k in scored])[:limit]


def _title(key: str, facts: dict[str, str]) -> str:
    title = CAUSES[key].title
    if "client_id" not in facts:
        title = (title.replace("App client {cid}", "The app client")
                 .replace("app client {cid}", "the app client")
                 .replace("client {cid}", "the app client"))
    if "user_pool_id" not in facts:
        title = title.replace("User pool {pool}", "The user pool")
    return title.format(
        cid=facts.get("client_id"),
        pool=facts.get("user_pool_id"),
        flow=facts.get("auth_flow", "requested"),
    )


def _unique(pairs: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    seen: set[str] = set()
    out = []
    for key, title in pairs:
        if title not in seen:
            seen.add(title)
            out.append((key, title))
    return tuple(out)


def _fmt(text: str, facts: dict[str, str]) -> str:
    return text.replace("{cid}", facts.get("client_id", "CLIENT_ID")).replace(
        "{flow}", facts.get("auth_flow", "<FLOW>")
    )


_SIGN_UP_FAMILY = {
    "SignUp",
    "ConfirmSignUp",
    "ForgotPassword",
    "ConfirmForgotPassword",
    "ResendConfirmationCode",
}


def _operation_hint(key: str, facts: dict[str, str]) -> str:
    """What the failing operation (when the text names it) says about the hash it needed."""
    op, flow = facts.get("operation", ""), facts.get("auth_flow", "")
    if key.startswith("secret_missing"):
        if op in _SIGN_UP_FAMILY or op.endswith("RespondToAuthChallenge"):
            return (
                f"the failing call is {op}: libraries that hash the sign-in often leave the "
                "hash out of this one"
            )
        return f"the failing call is {op}" if op else ""
    if flow in ("REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"):
        return (
            "the failing call is a refresh (REFRESH_TOKEN_AUTH): its hash must cover the "
            "internal username (the `sub` UUID in email-as-username pools), not the e-mail "
            "or alias typed at sign-in"
        )
    if op.endswith("RespondToAuthChallenge"):
        return (
            f"the failing call is {op}: its hash must cover USERNAME (or USER_ID_FOR_SRP) "
            "from the challenge's ChallengeParameters, not the alias typed at sign-in"
        )
    if op in _SIGN_UP_FAMILY:
        return f"the failing call is {op}: its SecretHash covers the exact Username it sends"
    return f"the failing call is {op}" if op else ""


def _result(
    key: str,
    facts: dict[str, str],
    evidence: list[str],
    confidence: str,
    alternatives: tuple[tuple[str, str], ...] = (),
) -> Diagnosis:
    cause = CAUSES[key]
    confirm = tuple(_fmt(c, facts) for c in cause.confirm)
    fix = _fmt(cause.fix, facts)
    if key.startswith(("hash_mismatch", "secret_missing")):
        hint = _operation_hint(key, facts)
        if hint:
            evidence.append(hint)
            fix = f"{hint[0].upper()}{hint[1:]}. {fix}"
    return Diagnosis(
        kind="explain",
        status="found",
        key=key,
        cause=_title(key, facts),
        fix=fix,
        confidence=confidence,  # type: ignore[arg-type]
        evidence=tuple(evidence),
        confirm=confirm,
        alternatives=alternatives,
        facts=dict(facts),
    )


_OAUTH_ERRORS = "|".join(k.removeprefix("oauth_") for k in OAUTH_CAUSES)
# {"error":"invalid_client"}, error=invalid_client (a redirect), OAuth2RequestError: invalid_client
_OAUTH_JSON = re.compile(rf"[\"']error[\"']\s*:\s*[\"']({_OAUTH_ERRORS})[\"']")
_OAUTH_PARAM = re.compile(rf"[?&#]error=({_OAUTH_ERRORS})\b")
_OAUTH_WORD = re.compile(rf"\b({_OAUTH_ERRORS})\b")
_OAUTH_ENDPOINT = re.compile(r"/(oauth2/(?:token|authorize|userInfo|revoke)|logout|error)\b", re.I)


def _explain_oauth(flat: str, facts: dict[str, str]) -> Diagnosis | None:
    """An answer of the OAuth 2.0 endpoints: a one-word ``error`` code, in JSON or a redirect."""
    m = _OAUTH_JSON.search(flat) or _OAUTH_PARAM.search(flat)
    confidence = "high"
    if m is None:
        m = _OAUTH_WORD.search(flat)
        confidence = "medium"
    if m is None:
        return None
    key = f"oauth_{m.group(1)}"
    cause = OAUTH_CAUSES[key]
    facts = dict(facts, oauth_error=m.group(1))
    endpoint = _OAUTH_ENDPOINT.search(flat)
    if endpoint:
        facts["endpoint"] = "/" + endpoint.group(1)
    evidence = [f"OAuth 2.0 error recognised: {m.group(1)} (Cognito's OAuth endpoints answer "
                "a one-word error, with no more detail)"]
    if confidence == "medium":
        evidence.append("the code appears as a word, not as JSON or a redirect parameter")
    if "endpoint" in facts:
        evidence.append(f"endpoint: {facts['endpoint']}")
    cid = facts.get("client_id", "CLIENT_ID")
    return Diagnosis(
        kind="explain",
        status="found",
        key=key,
        cause=cause.title,
        fix=cause.fix,
        confidence=confidence,  # type: ignore[arg-type]
        evidence=tuple(evidence),
        confirm=tuple(c.replace("{cid}", cid) for c in cause.confirm),
        facts=facts,
    )


def explain(text: str) -> Diagnosis:
    """Recognise a Cognito error in pasted ``text``; return its cause, fix and confirming facts.

    Every row of the error table in ``docs/facts.md#what-cognito-answers`` is recognised
    from its message (exception name optional); text that matches none gives
    ``status="unknown"`` with the closest known causes, never a guess.

    >>> d = explain("An error occurred (NotAuthorizedException) when calling the "
    ...             "InitiateAuth operation: Unable to verify secret hash for client abc123")
    >>> d.key, d.facts["client_id"], d.facts["operation"]
    ('hash_mismatch', 'abc123', 'InitiateAuth')
    """
    if not isinstance(text, str):
        raise InvalidInputError(
            "text", f"expected the error text (str), got {type(text).__name__}."
        )
    if not text.strip():
        raise InvalidInputError(
            "text", "is empty. Paste the error message your app or SDK printed."
        )
    text = text[:_MAX_TEXT]
    flat = re.sub(r"(?<!\\)\\+([\"'])", r"\1", re.sub(r"\s+", " ", text))
    facts = _facts(flat)
    code = facts.get("exception")
    found = [(key, rx.search(flat), False) for key, rx in _PATTERNS]
    if not any(m for _, m, _ in found):  # the start of a message, as people paste and search it
        found = [(key, rx.search(flat), "start") for key, rx in _PARTIAL]
    if not any(m for _, m, _ in found):  # or its end, as a log line cut after the client id
        found = [(key, rx.search(flat), "end") for key, rx in _PARTIAL_END]
    for key, m, partial in found:
        if not m:
            continue
        entry = CATALOGUE[key]
        for name in ("client_id", "user_pool_id", "flow"):
            value = m.groupdict().get(name)
            if value:
                facts["auth_flow" if name == "flow" else name] = value
        if partial:
            whole = entry.message(client_id="<client id>", user_pool_id="<pool id>", flow="<FLOW>")
            evidence = [f"message recognised: {m.group(0).strip()!r} (the {partial} of what AWS "
                        f"sends as {entry.code}: {whole!r})"]
        else:
            evidence = [f"message recognised: {m.group(0).strip()!r} (AWS sends it as "
                        f"{entry.code})"]
        confidence = "high"
        if code:
            evidence.insert(0, f"exception: {code}")
            same = code == entry.code or {code, entry.code} == {
                "TooManyRequestsException",
                "LimitExceededException",
            }
            if not same:
                confidence = "medium"
                evidence.append(
                    f"note: AWS sends this message with {entry.code}, the text says {code}"
                )
            elif key == "throttled" and code == "LimitExceededException":
                key = "limit_exceeded"
        else:
            evidence.append("no exception name in the text; the message alone identifies it")
        pool_region = facts.get("user_pool_id", "").partition("_")[0]
        called = facts.get("endpoint_region")
        if key in ("client_not_found", "pool_not_found") and called:
            if pool_region and pool_region != called:
                evidence.append(
                    f"the call went to {called} but the pool lives in {pool_region} "
                    "(the prefix of its id): the region is the cause"
                )
                confidence = "high"
            else:
                evidence.append(
                    f"the call went to region {called}: the pool must live there "
                    f"(its id must start with {called}_)"
                )
        if "request_id" in facts:
            evidence.append(f"request id: {facts['request_id']} (quote it to AWS Support)")
        # a pasted log may hold several errors: name the others, claim only the first
        also = _unique(
            [
                (k, _title(k, {}))
                for k, other in _PATTERNS
                if CATALOGUE[k].template not in (entry.template, CATALOGUE[key].template)
                and CAUSES[k].title != CAUSES[key].title
                and other.search(flat)
            ]
        )
        if also:
            evidence.append(
                "the text holds other Cognito errors too: " + "; ".join(t for _, t in also)
            )
        return _result(key, facts, evidence, confidence, also)
    oauth = _explain_oauth(flat, facts)
    if oauth is not None:
        return oauth
    validation = _VALIDATION_RE.search(flat)
    if _FORMAT_RE.search(flat):
        exact = validation is not None and validation.group(2) == "secretHash"
        return _result(
            "secret_hash_format",
            facts,
            ["validation error on the secret hash's characters"]
            + (["AWS's own validation message: 'secretHash' " + validation.group(3).strip()]
               if exact else []),
            "high" if exact else "medium",
        )
    if validation is not None:
        return _result(
            "parameter_validation",
            facts,
            [
                f"AWS's validation message ({validation.group(1)} error(s)): "
                f"'{validation.group(2)}' must {validation.group(3).strip()}",
            ],
            "high",
        )
    if code == "NotAuthorizedException":
        after = _JSON_MESSAGE.search(flat) or _AFTER_CODE.search(flat)
        message = after.group(1).strip().strip("\"'`.") if after else ""
        message = re.split(r"\s+(?:status code:|\(Service:)", message)[0].strip()
        if _HASHLIKE.fullmatch(message):
            return _result(
                "moto_hash_message",
                facts,
                [f"exception: {code}", f"the message is a hash-like value, {mask(message)}"],
                "medium",
            )
    # Only an exception name: say so; one name can stand for several causes.
    if code:
        keys = [k for k in _ORDER if CATALOGUE[k].code == code]
        if len(keys) == 1:
            return _result(
                keys[0],
                facts,
                [f"exception: {code}", "only the exception name was recognised, not the message"],
                "medium",
            )
        return Diagnosis(
            kind="explain",
            status="unknown",
            key="not_recognised",
            cause=f"{code}, but the message is not one this tool knows: several causes "
            "share this exception.",
            fix="Paste the full message (everything after the exception name); the closest "
            "known causes with this exception are listed below.",
            confidence="low",
            evidence=(f"exception: {code}", "message not recognised"),
            alternatives=_unique([(k, _title(k, facts)) for k in keys]),
            facts=facts,
        )
    return Diagnosis(
        kind="explain",
        status="unknown",
        key="not_recognised",
        cause="Not recognised: this text matches no Cognito error this tool knows.",
        fix="Paste the complete error as your SDK printed it (exception name and message). "
        "If it is a Cognito error missing here, the closest known causes are listed below; "
        "none of them is claimed to be the answer.",
        confidence="none",
        evidence=(f"{len(text)} characters searched, no known exception name or message",),
        alternatives=_closest(flat),
        facts=facts,
    )

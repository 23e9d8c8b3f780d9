"""What the local Cognito answers, and what a web page may ask of it: the route table.

What it answers: an explicit allowlist, :data:`ROUTES`
------------------------------------------------------

Only the requests in :data:`ROUTES` reach a handler (and through it moto):
``POST /`` with ``X-Amz-Target`` (Cognito's JSON protocol) and the two GET
endpoints Cognito documents for a pool, ``/<pool>/.well-known/jwks.json`` and
``/<pool>/.well-known/openid-configuration``. Everything else, moto's own
query-string dispatch (``GET /?Action=AdminSetUserPassword&...``) included,
gets an AWS-shaped error and never reaches moto. To serve a new endpoint, add
one :class:`Route` to :data:`ROUTES` (its handler is a method of one of the
mixins); nothing else dispatches.

Why the web-page rules are what they are
----------------------------------------

A page the user happens to visit can send requests to ``127.0.0.1``. The
rule: **a page can do no more here than it could against AWS without
credentials.** On AWS, a page (any origin) may call the *unsigned* operations
(InitiateAuth, SignUp, RespondToAuthChallenge...: the ones the API model marks
``authtype: none``); AWS answers CORS for them, which is how
amazon-cognito-identity-js and Amplify work in browsers. Signed (admin and
management) operations need credentials a page does not have. Locally, any
signature is accepted (there are no real credentials to check), and the dummy
ones are public, so:

* unsigned operations and the two GET endpoints answer any origin with
  ``Access-Control-Allow-Origin: *`` (never an echo of the ``Origin`` sent, and
  never with credentials), as AWS does;
* signed operations refuse a request that a browser sent (it carries
  ``Origin``, or ``Sec-Fetch-Site`` other than ``none``: SDKs outside a browser
  send neither), answering ``UnrecognizedClientException`` as AWS answers a
  page that has no valid credentials; and a signed operation with no SigV4
  ``Authorization`` header at all is refused with
  ``MissingAuthenticationTokenException``, as on AWS;
* a request must name this server in its ``Host`` header (``127.0.0.1:PORT``,
  ``localhost:PORT``, ``[::1]:PORT``): a page whose own domain was re-pointed
  at 127.0.0.1 (DNS rebinding) sends its own name and is refused, 403
  (:func:`cognito_helpers.loopback.host_allowed`); a ``Host`` that is not a host
  name at all (``evil.example/.localhost:PORT``) is a 400 before that
  (:func:`cognito_helpers.loopback.host_header_problem`);
* a browser cannot add ``X-Amz-Target`` to a request without a CORS preflight,
  so a plain form post or ``<img>`` can never reach an operation.

Bodies are refused by their declared length before anything is read (any
route), and chunked bodies are read up to the same limit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .outbox import OUTBOX_PATH

__all__ = ["CORS_REQUEST_HEADERS", "ROUTES", "Route", "cors_start_response", "from_browser"]

# What a page may send and read on the CORS routes (AWS answers the same for its SDKs).
CORS_REQUEST_HEADERS = frozenset(
    {
        "content-type", "x-amz-target", "x-amz-user-agent", "x-amz-date", "authorization",
        "x-amz-security-token", "x-amz-content-sha256", "amz-sdk-invocation-id",
        "amz-sdk-request", "cache-control",
    }
)
CORS_EXPOSE = "x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date"


@dataclass(frozen=True)
class Route:
    """One request the local Cognito answers: method(s), path pattern, handler.

    ``handler`` names a method of :class:`~cognito_helpers.local.layer.FidelityLayer` (or of one of its
    mixins) called as ``handler(environ, start_response, match)``. ``methods``
    ``("*",)``: every method reaches the handler, which answers 405 itself.
    ``cors``: pages of any origin may read the answer
    (``Access-Control-Allow-Origin: *``, preflight answered), as AWS allows
    for its public endpoints; False: no CORS header; None: the handler sets its
    own (the OAuth endpoints).
    ``from_browsers``: False refuses a request a browser sent (``Origin``, or
    ``Sec-Fetch-Site`` other than ``none``), for endpoints AWS does not have
    or that a page must not drive.
    """

    methods: tuple[str, ...]
    path: str
    handler: str
    cors: bool | None = True
    from_browsers: bool = True
    doc: str = ""

    def match(self, path: str) -> re.Match[str] | None:
        return re.fullmatch(self.path, path)


#: Everything the local Cognito answers; every other request gets an AWS-shaped
#: error and never reaches moto. Add a line here for a new endpoint.
ROUTES: list[Route] = [
    Route(("POST",), r"/", "_serve_json_protocol",
          doc="Cognito's JSON protocol: X-Amz-Target: AWSCognitoIdentityProviderService.<Op>"),
    Route(("GET",), r"/(?P<pool>[^/]+)/\.well-known/jwks\.json", "_serve_well_known",
          doc="the pool's signing keys"),
    # local/oauth/ answers these itself: its own methods (405), CORS and error shapes.
    Route(("*",), r"/[\w-]+_[0-9A-Za-z]+/\.well-known/openid-configuration", "_serve_oauth",
          cors=None, doc="the pool's OpenID Connect discovery document"),
    Route(("*",), r"/[a-z0-9][a-z0-9.-]{0,253}/(?:oauth2/[A-Za-z]+|logout|login|error)",
          "_serve_oauth", cors=None,
          doc="a domain's OAuth 2.0 endpoints: authorize, token, userInfo, revoke, logout, login"),
    # Not an AWS API: the codes for programs outside this process (.outbox); no page reads it.
    # (.outbox refuses web pages itself, with its own words; the Host check is the layer's.)
    Route(("*",), re.escape(OUTBOX_PATH), "_outbox_route", cors=False,
          doc="the codes Cognito would have e-mailed, as JSON (local only)"),
]


def from_browser(environ: dict[str, Any]) -> bool:
    """Whether a browser sent this request (SDKs outside a browser send neither header)."""
    if environ.get("HTTP_ORIGIN") is not None:
        return True
    site = environ.get("HTTP_SEC_FETCH_SITE")
    return site is not None and site.strip().lower() != "none"


def cors_start_response(
    start_response: Callable[..., Any], cors: bool | None
) -> Callable[..., Any]:
    """start_response that drops any CORS header (moto's flask-cors echoes Origin) and adds ours."""

    def respond(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        out = [(k, v) for k, v in headers if not k.lower().startswith("access-control-")]
        if cors:
            out += [
                ("Access-Control-Allow-Origin", "*"),
                ("Access-Control-Expose-Headers", CORS_EXPOSE),
            ]
        return start_response(status, out, exc_info) if exc_info else start_response(status, out)

    return respond

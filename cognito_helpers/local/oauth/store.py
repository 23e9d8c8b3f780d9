"""What the OAuth endpoints remember: codes, sign-in sessions, scopes of refresh tokens.

State apart from the wire, as in moto: one :class:`OAuthStore` per layer
(per isolated account), used under the layer's lock. Authorization codes are
single-use and live five minutes (developer guide, "Authorization code
grant": the code is valid for five minutes).
"""

from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass, field

__all__ = ["CODE_LIFETIME", "CodeGrant", "OAuthStore", "SignInSession"]

CODE_LIFETIME = 300
SESSION_LIFETIME = 3600  # managed login's session cookie lasts one hour (developer guide)
MAX_ENTRIES = 10_000  # a loop that never redeems its codes must not fill the memory


@dataclass(frozen=True)
class CodeGrant:
    """An issued authorization code and what redeeming it must match."""

    pool_id: str
    client_id: str
    username: str
    redirect_uri: str
    scopes: tuple[str, ...]
    auth_time: int
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    expires: float


@dataclass(frozen=True)
class SignInSession:
    pool_id: str
    username: str
    auth_time: int
    expires: float


@dataclass
class OAuthStore:
    codes: dict[str, CodeGrant] = field(default_factory=dict)
    sessions: dict[str, SignInSession] = field(default_factory=dict)
    # refresh token -> the scopes of the sign-in it came from (local.tokens keeps the rest)
    refresh_scopes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # origin_jti of revoked refresh tokens: their access tokens stop working too
    revoked_origins: set[str] = field(default_factory=set)

    def _trim(self, table: dict[str, object]) -> None:
        now = time.time()
        for key, entry in list(table.items()):
            if getattr(entry, "expires", now + 1) < now:
                table.pop(key, None)
        while len(table) >= MAX_ENTRIES:
            table.pop(next(iter(table)))

    def new_code(self, grant: CodeGrant) -> str:
        self._trim(self.codes)  # type: ignore[arg-type]
        code = str(uuid.uuid4())  # Cognito's codes are UUIDs
        self.codes[code] = grant
        return code

    def take_code(self, code: str) -> CodeGrant | None:
        """The grant of ``code``, removed (a code is redeemed once, right or wrong)."""
        grant = self.codes.pop(code, None)
        if grant is None or grant.expires < time.time():
            return None
        return grant

    def new_session(self, pool_id: str, username: str, auth_time: int) -> str:
        self._trim(self.sessions)  # type: ignore[arg-type]
        sid = secrets.token_urlsafe(32)
        self.sessions[sid] = SignInSession(
            pool_id, username, auth_time, time.time() + SESSION_LIFETIME
        )
        return sid

    def session(self, sid: str | None, pool_id: str) -> SignInSession | None:
        entry = self.sessions.get(sid or "")
        if entry is None or entry.pool_id != pool_id or entry.expires < time.time():
            return None
        return entry

    def end_session(self, sid: str | None) -> None:
        self.sessions.pop(sid or "", None)

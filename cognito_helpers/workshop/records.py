"""What a workshop is made of: its participants, the workshop ``up`` created, what ``down`` removed.

Plain records, shared by provisioning (:mod:`.provision`) and the files it
writes (:mod:`.files`, :mod:`.envfile`); every repr masks the secret or
password it holds (README, "Run a workshop").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..redact import mask
from ..validate import with_text_fields

__all__ = ["DownResult", "Participant", "Workshop"]


@dataclass(frozen=True)
class Participant:
    """One participant's sign-in; the repr masks the password."""

    username: str
    password: str = field(repr=False)
    env_file: str

    def __repr__(self) -> str:
        return f"Participant({self.username!r}, password={mask(self.password, keep=0)})"


@dataclass(frozen=True)
class Workshop:
    """What ``workshop_up`` created; the repr masks the client secret."""

    workshop_id: str
    region: str
    endpoint_url: str | None
    user_pool_id: str
    client_id: str
    client_secret: str = field(repr=False)
    participants: tuple[Participant, ...]
    out_dir: Path

    def __repr__(self) -> str:
        return (
            f"Workshop({self.workshop_id!r}, pool={self.user_pool_id}, client={self.client_id}, "
            f"secret={mask(self.client_secret)}, participants={len(self.participants)})"
        )

    def env(self, participant: Participant) -> dict[str, str]:
        """The environment of one participant (what their env file holds)."""
        with_text_fields("participant", participant, ("username", "password"),
                         "a Participant (one of this workshop's participants)")
        env = {
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
            "COGNITO_USER_POOL_ID": self.user_pool_id,
            "COGNITO_CLIENT_ID": self.client_id,
            "COGNITO_CLIENT_SECRET": self.client_secret,
            "COGNITO_USERNAME": participant.username,
            "COGNITO_PASSWORD": participant.password,
        }
        if self.endpoint_url:
            env["COGNITO_ENDPOINT_URL"] = self.endpoint_url
        return env


@dataclass
class DownResult:
    """What ``workshop_down`` removed (or found already gone)."""

    workshop_id: str | None
    deleted_pools: list[str] = field(default_factory=list)
    already_gone: list[str] = field(default_factory=list)
    deleted_files: list[str] = field(default_factory=list)
    left_files: list[str] = field(default_factory=list)  # something up did not write sat there

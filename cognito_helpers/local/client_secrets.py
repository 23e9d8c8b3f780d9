"""App-client secrets: the records the layer keeps, rotation, and the SECRET_HASH check.

moto's clients are kept secret-less (so moto never checks a hash itself); the
layer records up to two secrets per client, as ``AddUserPoolClientSecret``
allows, and checks every hash against each active one. Taught in
``notebooks/02-reproduce-the-error.ipynb`` and ``08-rotate-the-secret.ipynb``.
"""

from __future__ import annotations

import base64
import hmac
import re
import secrets as _secrets
import string
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..hashing import hmac_sha256
from ..operations import hash_site
from .answers import AwsFault

__all__ = ["ClientSecrets", "HashCheck", "SecretRecord", "generate_client_secret"]

# botocore service-2.json, ClientSecretType: 24-64 chars of [\w+]+.
_CUSTOM_SECRET = re.compile(r"[A-Za-z0-9_+]{24,64}")
# AWS-issued secrets are ~51 chars of [a-z0-9] (COGNITO_FACTS.md).
_SECRET_ALPHABET = string.ascii_lowercase + string.digits
_SECRET_LENGTH = 51
MAX_SECRETS_PER_CLIENT = 2


@dataclass(frozen=True)
class HashCheck:
    """One SECRET_HASH check the layer made (passed to ``LocalCognito(on_check=...)``).

    ``outcome`` is ``"ok"``, ``"missing"`` (client has a secret, none sent),
    ``"mismatch"`` or ``"unexpected"`` (hash sent to a client without secret).
    ``expected_username`` is the username the hash had to cover (see
    :mod:`cognito_helpers.operations`). ``sent_hash`` is what the app sent;
    treat it as sensitive and mask it when showing it.
    """

    operation: str
    client_id: str
    field: str
    rule: str
    sent_username: str | None
    expected_username: str | None
    sent_hash: str | None = field(repr=False)  # may be the raw secret (mistake 5): never shown
    outcome: str
    secret_id: str | None = None


@dataclass
class SecretRecord:
    """One active client secret; the value stays inside the layer."""

    secret_id: str
    value: str
    created: float
    generated: bool

    def __repr__(self) -> str:  # never show the value
        return f"SecretRecord(secret_id={self.secret_id!r}, generated={self.generated})"

    def descriptor(self, *, with_value: bool) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ClientSecretId": self.secret_id,
            "ClientSecretCreateDate": self.created,
        }
        if with_value and self.generated:
            out["ClientSecretValue"] = self.value
        return out



def generate_client_secret() -> str:
    """A secret shaped like the ones AWS generates: 51 chars of [a-z0-9]."""
    return "".join(_secrets.choice(_SECRET_ALPHABET) for _ in range(_SECRET_LENGTH))



def _b64_hash(secret: str, username: str, client_id: str) -> str:
    return base64.b64encode(
        hmac_sha256(secret.encode("utf-8"), (username + client_id).encode("utf-8"))
    ).decode("ascii")



class ClientSecrets:
    """Mixed into :class:`~cognito_helpers.local.layer.FidelityLayer`: owns ``self.secrets``."""

    secrets: dict[str, list[SecretRecord]]
    on_check: Callable[[HashCheck], None] | None

    def client_secrets(self, client_id: str) -> list[SecretRecord]:
        """The active secrets of a client, oldest first (empty: no secret)."""
        with self._lock:
            return list(self.secrets.get(client_id, []))

    def _new_secret(self, client_id: str, value: str | None) -> SecretRecord:
        now = time.time()
        # ClientSecretId is "<client-id>--<epoch-create-time>" (API reference).
        stamp = int(now * 1000)
        taken = {r.secret_id for r in self.secrets.get(client_id, [])}
        while f"{client_id}--{stamp}" in taken:
            stamp += 1
        return SecretRecord(
            f"{client_id}--{stamp}", value or generate_client_secret(), now, value is None
        )

    @staticmethod
    def _check_custom_secret(value: Any) -> str:
        if not isinstance(value, str) or not _CUSTOM_SECRET.fullmatch(value):
            # AWS's validation wording; the value itself is never echoed (sensitive).
            raise AwsFault(
                "InvalidParameterException",
                "1 validation error detected: Value at 'clientSecret' failed to satisfy "
                "constraint: Member must have length between 24 and 64 and match "
                "regular expression pattern: [\\w+]+",
            )
        return value

    def _check_hash(
        self, operation: str, params: dict[str, Any], client_id: str, expected_username: str | None
    ) -> None:
        """Check the request's secret hash as AWS does; raise AwsFault if it fails."""
        site = hash_site(operation, params)
        if site is None:
            return
        records = self.client_secrets(client_id)
        sent = site.sent_hash
        raw = params.get("SecretHash") if site.field == "SecretHash" else sent
        outcome, secret_id = "ok", None
        fault: AwsFault | None = None
        if not records:
            if raw is not None:
                outcome = "unexpected"
                fault = AwsFault.of("hash_not_configured", client_id=client_id)
        elif not sent:
            outcome = "missing"
            # SignUp-family calls still get the older wording in public reports.
            key = "secret_missing_legacy" if site.field == "SecretHash" else "secret_missing"
            fault = AwsFault.of(key, client_id=client_id)
        else:
            # Every active secret is accepted: what zero-downtime rotation implies.
            username = expected_username if expected_username is not None else ""
            for record in records:
                if hmac.compare_digest(
                    _b64_hash(record.value, username, client_id).encode(), sent.encode("utf-8")
                ):
                    secret_id = record.secret_id
                    break
            else:
                outcome = "mismatch"
                fault = AwsFault.of("hash_mismatch", client_id=client_id)
        if self.on_check is not None:
            self.on_check(
                HashCheck(
                    operation,
                    client_id,
                    site.field,
                    site.rule,
                    site.sent_username,
                    expected_username,
                    sent,
                    outcome,
                    secret_id,
                )
            )
        if fault is not None:
            raise fault


    # -- rotation: AddUserPoolClientSecret, List..., Delete... ---------------------

    def _add_secret(self, params: dict[str, Any], environ: dict[str, Any]) -> Any:
        _, client = self._find_client(params.get("ClientId"), params.get("UserPoolId"))
        custom = params.get("ClientSecret")
        if custom is not None:
            self._check_custom_secret(custom)
        records = self.secrets.setdefault(client.id, [])
        if len(records) >= MAX_SECRETS_PER_CLIENT:
            # "up to 2 active secrets per app client" (COGNITO_FACTS); wording is ours.
            raise AwsFault(
                "LimitExceededException",
                f"App client {client.id} already has {MAX_SECRETS_PER_CLIENT} client secrets; "
                "delete one with DeleteUserPoolClientSecret first.",
            )
        record = self._new_secret(client.id, custom)
        records.append(record)
        return self._json_response({"ClientSecretDescriptor": record.descriptor(with_value=True)})

    def _list_secrets(self, params: dict[str, Any], environ: dict[str, Any]) -> Any:
        _, client = self._find_client(params.get("ClientId"), params.get("UserPoolId"))
        records = self.secrets.get(client.id, [])
        # "the response never reveals the actual secret value" (API reference).
        return self._json_response(
            {"ClientSecrets": [r.descriptor(with_value=False) for r in records]}
        )

    def _delete_secret(self, params: dict[str, Any], environ: dict[str, Any]) -> Any:
        _, client = self._find_client(params.get("ClientId"), params.get("UserPoolId"))
        records = self.secrets.get(client.id, [])
        secret_id = params.get("ClientSecretId")
        match = [r for r in records if r.secret_id == secret_id]
        if not match:
            raise AwsFault(
                "ResourceNotFoundException", f"Client secret {secret_id} does not exist."
            )
        if len(records) == 1:
            # "the last secret cannot be deleted" (COGNITO_FACTS); wording is ours.
            raise AwsFault(
                "InvalidParameterException",
                "Cannot delete the last client secret of an app client; add a new one first.",
            )
        records.remove(match[0])
        return self._json_response({})

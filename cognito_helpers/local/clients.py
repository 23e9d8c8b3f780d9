"""App clients: their auth-flow settings, and the client calls the layer completes.

The layer keeps each client's secrets itself (:mod:`.client_secrets`), so the
client calls that create, show or delete a client pass through here to add or
drop them; ``ExplicitAuthFlows`` get AWS's defaults and rules.
"""

from __future__ import annotations

from typing import Any

from ..operations import REFRESH_FLOWS
from .answers import AwsFault
from .refresh import check_rotation_setting

__all__ = ["DEFAULT_EXPLICIT_AUTH_FLOWS", "AppClients"]

# CreateUserPoolClient API reference: "If you don't specify a value for
# ExplicitAuthFlows, your user client supports ALLOW_REFRESH_TOKEN_AUTH,
# ALLOW_USER_SRP_AUTH, and ALLOW_CUSTOM_AUTH."
DEFAULT_EXPLICIT_AUTH_FLOWS = [
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_CUSTOM_AUTH",
]

# Which ExplicitAuthFlows values enable an AuthFlow (ALLOW_* and their legacy names,
# ExplicitAuthFlowsType in the API reference).
_FLOW_ENABLERS: dict[str, frozenset[str]] = {
    "USER_PASSWORD_AUTH": frozenset({"ALLOW_USER_PASSWORD_AUTH", "USER_PASSWORD_AUTH"}),
    "USER_SRP_AUTH": frozenset({"ALLOW_USER_SRP_AUTH"}),
    "CUSTOM_AUTH": frozenset({"ALLOW_CUSTOM_AUTH", "CUSTOM_AUTH_FLOW_ONLY"}),
    "REFRESH_TOKEN_AUTH": frozenset({"ALLOW_REFRESH_TOKEN_AUTH"}),
    "REFRESH_TOKEN": frozenset({"ALLOW_REFRESH_TOKEN_AUTH"}),
    "ADMIN_USER_PASSWORD_AUTH": frozenset({"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"}),
    "ADMIN_NO_SRP_AUTH": frozenset({"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"}),
    "USER_AUTH": frozenset({"ALLOW_USER_AUTH"}),
}
_LEGACY_FLOWS = frozenset({"ADMIN_NO_SRP_AUTH", "CUSTOM_AUTH_FLOW_ONLY", "USER_PASSWORD_AUTH"})



class AppClients:
    """Mixed into :class:`~cognito_helpers.local.layer.FidelityLayer`: app-client calls."""

    @staticmethod
    def _normalise_flows(params: dict[str, Any]) -> None:
        flows = params.get("ExplicitAuthFlows")
        if not flows:
            params["ExplicitAuthFlows"] = list(DEFAULT_EXPLICIT_AUTH_FLOWS)
            return
        if not isinstance(flows, list) or not all(isinstance(f, str) for f in flows):
            raise AwsFault(
                "InvalidParameterException", "ExplicitAuthFlows must be a list of strings."
            )
        if any(f in _LEGACY_FLOWS for f in flows) and any(f.startswith("ALLOW_") for f in flows):
            # CreateUserPoolClient API reference: legacy and ALLOW_ values can't be mixed.
            raise AwsFault(
                "InvalidParameterException",
                "The combination of legacy and new ExplicitAuthFlows values is not allowed.",
            )

    def _with_secret(self, client_json: dict[str, Any]) -> dict[str, Any]:
        records = self.secrets.get(client_json.get("ClientId", ""), [])
        if records:
            client_json["ClientSecret"] = records[0].value
        else:
            client_json.pop("ClientSecret", None)
        return client_json

    def _create_client(self, params: dict[str, Any], environ: dict[str, Any]) -> Any:
        generate = params.pop("GenerateSecret", False)
        custom = params.pop("ClientSecret", None)
        if custom is not None:
            if generate:
                raise AwsFault(
                    "InvalidParameterException",
                    "GenerateSecret and ClientSecret cannot both be set; give one or the other.",
                )
            self._check_custom_secret(custom)
        self._normalise_flows(params)
        check_rotation_setting(params)  # RetryGracePeriodSeconds 0-60 (refresh.py)

        def post(data: dict[str, Any]) -> dict[str, Any]:
            client = data.get("UserPoolClient", {})
            if generate or custom is not None:
                cid = client["ClientId"]
                self.secrets[cid] = [self._new_secret(cid, custom)]
            data["UserPoolClient"] = self._with_secret(client)
            return data

        return self._moto(environ, params, post)

    def _update_client(self, params: dict[str, Any], environ: dict[str, Any]) -> Any:
        # UpdateUserPoolClient resets what is not given to its default (API reference).
        self._normalise_flows(params)
        check_rotation_setting(params)  # RetryGracePeriodSeconds 0-60 (refresh.py)
        return self._moto(
            environ,
            params,
            lambda d: {"UserPoolClient": self._with_secret(d.get("UserPoolClient", {}))},
        )

    def _describe_client(self, params: dict[str, Any], environ: dict[str, Any]) -> Any:
        self._find_client(params.get("ClientId"), params.get("UserPoolId"))
        return self._moto(
            environ,
            params,
            lambda d: {"UserPoolClient": self._with_secret(d.get("UserPoolClient", {}))},
        )

    def _delete_client(self, params: dict[str, Any], environ: dict[str, Any]) -> Any:
        self._find_client(params.get("ClientId"), params.get("UserPoolId"))
        self.secrets.pop(params["ClientId"], None)
        return self._moto(environ, params)

    def _delete_pool(self, params: dict[str, Any], environ: dict[str, Any]) -> Any:
        pool = self._find_pool(params.get("UserPoolId"))
        for cid in list(pool.clients):
            self.secrets.pop(cid, None)
        return self._moto(environ, params)

    @staticmethod
    def _flow_enabled(client: Any, flow: str) -> bool:
        flows = set(client.extended_config.get("ExplicitAuthFlows") or DEFAULT_EXPLICIT_AUTH_FLOWS)
        enablers = _FLOW_ENABLERS.get(flow)
        if enablers is None:
            return True  # unknown flows are moto's to reject
        if flow in REFRESH_FLOWS and flows <= _LEGACY_FLOWS:
            return True  # legacy-only configurations always allowed refresh
        return bool(flows & enablers)

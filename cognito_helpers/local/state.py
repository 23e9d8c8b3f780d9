"""Where the layer finds moto's state: pools, app clients and users of one account.

moto keeps every account's backends in one process-global dict; the layer only
ever looks into its own account, and a signed call only into its own region.
"""

from __future__ import annotations

from typing import Any

from .answers import AwsFault

__all__ = ["MotoState"]


class MotoState:
    """Mixed into :class:`~cognito_helpers.local.layer.FidelityLayer`: look-ups in moto's backends."""

    def _backends(self) -> list[Any]:
        """moto's backends of this account: only the signed region's for a signed request.

        Signed (Admin*, management) calls name their region in the credential
        scope, and a pool in another region does not exist for them, as on AWS.
        Unsigned calls (InitiateAuth, SignUp...) carry no region here: the one
        local endpoint stands for every region's, so they find any pool.
        """
        from moto.cognitoidp.models import cognitoidp_backends

        account = cognitoidp_backends[self.account_id]
        region = getattr(self._request, "region", None)
        if region is not None:
            return [account[region]] if region in account else []
        return [b for region, b in list(account.items()) if region != "global"]

    def _find_pool(self, pool_id: Any) -> Any:
        if isinstance(pool_id, str):
            for backend in self._backends():
                pool = backend.user_pools.get(pool_id)
                if pool is not None:
                    return pool
        raise AwsFault.of("pool_not_found", user_pool_id=str(pool_id))

    def _find_client(self, client_id: Any, pool_id: Any = None) -> tuple[Any, Any]:
        """(pool, client) for ``client_id``; ResourceNotFoundException as AWS words it."""
        if not isinstance(client_id, str) or not client_id:
            raise AwsFault(
                "InvalidParameterException",
                "1 validation error detected: Value at 'clientId' failed to satisfy constraint: "
                "Member must not be null",
            )
        if pool_id is not None:
            pool = self._find_pool(pool_id)
            client = pool.clients.get(client_id)
            if client is None:
                raise AwsFault.of("client_not_found", client_id=client_id)
            return pool, client
        for backend in self._backends():
            for pool in list(backend.user_pools.values()):
                client = pool.clients.get(client_id)
                if client is not None:
                    return pool, client
        raise AwsFault.of("client_not_found", client_id=client_id)

    def _pool_exists(self, pool_id: str) -> bool:
        return any(pool_id in backend.user_pools for backend in self._backends())

    @staticmethod
    def _user(pool: Any, username: Any) -> Any:
        return pool._get_user(username) if isinstance(username, str) else None

"""room/z2jh-values.yaml uses only keys the Zero to JupyterHub chart documents.

The chart's JSON schema is not reachable from the registries this project
builds with, so the documented keys we use are listed here (from the chart's
configuration reference, z2jh.jupyter.org "Configuration Reference"), and a
key outside them (a typo helm would silently ignore) fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")

VALUES = Path(__file__).resolve().parent.parent / "room" / "z2jh-values.yaml"

# Documented keys; below hub.config any traitlets class.trait is JupyterHub's own config.
DOCUMENTED = {
    "hub", "hub.config",
    "singleuser", "singleuser.image", "singleuser.image.name", "singleuser.image.tag",
    "singleuser.defaultUrl", "singleuser.memory", "singleuser.memory.guarantee",
    "singleuser.memory.limit", "singleuser.cpu", "singleuser.cpu.guarantee",
    "singleuser.cpu.limit", "singleuser.storage", "singleuser.storage.capacity",
    "singleuser.extraEnv",
    "cull", "cull.enabled", "cull.timeout", "cull.every",
    "scheduling", "scheduling.userScheduler", "scheduling.userScheduler.enabled",
    "prePuller", "prePuller.hook", "prePuller.hook.enabled", "prePuller.continuous",
    "prePuller.continuous.enabled",
    "proxy", "proxy.https", "proxy.https.enabled", "proxy.https.hosts",
    "proxy.https.letsencrypt", "proxy.https.letsencrypt.contactEmail",
}
GENERIC_OAUTH_TRAITS = {
    "client_id", "authorize_url", "token_url", "userdata_url", "oauth_callback_url",
    "scope", "username_claim", "basic_auth", "login_service", "allow_all",
}


def _paths(tree: dict, prefix: str = "") -> list[str]:
    out = []
    for key, value in tree.items():
        path = f"{prefix}.{key}" if prefix else key
        out.append(path)
        if isinstance(value, dict) and path not in ("hub.config", "singleuser.extraEnv"):
            out += _paths(value, path)
    return out


def test_every_key_is_documented():
    values = yaml.safe_load(VALUES.read_text())
    unknown = [p for p in _paths(values) if p not in DOCUMENTED]
    assert unknown == []


def test_the_authenticator_settings_are_real_traits():
    from oauthenticator.generic import GenericOAuthenticator

    values = yaml.safe_load(VALUES.read_text())
    config = values["hub"]["config"]
    assert config["JupyterHub"]["authenticator_class"] == "generic-oauth"
    traits = set(GenericOAuthenticator.class_trait_names(config=True))
    used = set(config["GenericOAuthenticator"])
    assert used <= GENERIC_OAUTH_TRAITS <= traits | {"client_id"}
    assert config["GenericOAuthenticator"]["basic_auth"] is True  # Cognito wants Basic
    assert "client_secret" not in config["GenericOAuthenticator"]  # never committed


def test_the_limits_cover_the_measured_participant():
    values = yaml.safe_load(VALUES.read_text())
    mem = values["singleuser"]["memory"]
    mb = {"M": 1, "G": 1024}
    guarantee = int(mem["guarantee"][:-1]) * mb[mem["guarantee"][-1]]
    limit = int(mem["limit"][:-1]) * mb[mem["limit"][-1]]
    assert 290 < guarantee <= limit  # benchmarks/bench_room.py: ~290 MB a participant

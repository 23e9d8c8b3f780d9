"""RS256 without cryptography (cognito_helpers/pure_crypto.py, local/no_cryptography.py).

The browser edition has no ``cryptography`` and no ``ssl``: python-rsa signs the
local Cognito's tokens and PyJWT verifies with it (no_ssl.py lets PyJWT and botocore
import). Here that path is forced on CPython, in a subprocess whose imports of
``cryptography`` and ``ssl`` fail (a meta-path blocker, as if they were not there),
and checked against the real thing both ways: tokens it signs verify with
cryptography-backed PyJWT, and tokens cryptography signs verify there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.twofactor.totp import TOTP as RealTOTP

from cognito_helpers import pure_crypto
from cognito_helpers.local import no_cryptography

TESTS = Path(__file__).parent
ROOT = TESTS.parent

BLOCKER = textwrap.dedent("""
    import importlib.abc, sys

    class AsInPyodide(importlib.abc.MetaPathFinder):
        # as if cryptography (and its cffi backend) and ssl were not there: Pyodide's npm build
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in ("cryptography", "cffi", "_cffi_backend", "ssl", "_ssl"):
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)
            return None

    sys.meta_path.insert(0, AsInPyodide())
""")


def run_without_cryptography(body: str, tmp_path: Path) -> dict:
    """Run ``body`` in a Python that cannot import cryptography; it fills ``result``."""
    out = tmp_path / "result.json"
    script = BLOCKER + textwrap.dedent("""
        import json, sys
        result = {}
    """) + textwrap.dedent(body) + textwrap.dedent(f"""
        import jwt.algorithms
        assert not jwt.algorithms.has_crypto
        result["cryptography_modules"] = sorted(m for m in sys.modules
                                                if m.split(".")[0] in ("cryptography", "ssl"))
        open({str(out)!r}, "w").write(json.dumps(result))
    """)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(ROOT)])}
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(out.read_text())
    # the stand-ins moto and PyJWT imported over are gone: nothing else saw a fake
    # cryptography or ssl
    assert result.pop("cryptography_modules") == []
    return result


def test_tokens_signed_without_cryptography_verify_with_it(tmp_path):
    result = run_without_cryptography("""
        from in_process_flows import run_flows
        flows = run_flows()  # every flow, in process, python-rsa signing and verifying
        result.update({k: flows[k] for k in ("jwks", "id_token", "access_token", "issuer",
                                             "client_id", "wrong_hash")})
    """, tmp_path)
    assert result["wrong_hash"][0] == "NotAuthorizedException"
    keys = jwt.PyJWKSet.from_dict(result["jwks"])
    for token, use in ((result["id_token"], "id"), (result["access_token"], "access")):
        header = jwt.get_unverified_header(token)
        assert header == {"kid": header["kid"], "alg": "RS256"}
        claims = jwt.decode(token, keys[header["kid"]].key, algorithms=["RS256"],
                            issuer=result["issuer"], options={"verify_aud": False})
        assert claims["token_use"] == use
    assert len({key["kid"] for key in result["jwks"]["keys"]}) == 2  # two keys per pool


def test_tokens_signed_with_cryptography_verify_without_it(tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update(kid="k1", alg="RS256", use="sig")
    now = int(time.time())
    claims = {"iss": "http://local-cognito.localhost/us-east-1_AbCdEf123", "aud": "client1",
              "token_use": "id", "cognito:username": "alice", "exp": now + 600, "iat": now}
    good = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"})
    head, _payload, sig = good.split(".")
    edited = {**claims, "cognito:username": "mallory"}
    forged = ".".join([head, jwt.utils.base64url_encode(json.dumps(edited).encode()).decode(),
                       sig])
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    wrong_key = jwt.encode(claims, other, algorithm="RS256", headers={"kid": "k1"})
    case = tmp_path / "case.json"
    case.write_text(json.dumps(
        {"jwks": {"keys": [jwk]}, "good": good, "forged": forged, "wrong_key": wrong_key}))
    result = run_without_cryptography(f"""
        import cognito_helpers as ch
        from cognito_helpers.exceptions import TokenError

        case = json.load(open({str(case)!r}))
        issuer = "http://local-cognito.localhost/us-east-1_AbCdEf123"
        verified = ch.verify_token(case["good"], jwks=case["jwks"], issuer=issuer,
                                   client_id="client1", token_use="id")
        result["claims"] = verified.claims
        for name in ("forged", "wrong_key"):
            try:
                ch.verify_token(case[name], jwks=case["jwks"], issuer=issuer,
                                client_id="client1", token_use="id")
            except TokenError as exc:
                result[name] = str(exc)
    """, tmp_path)
    assert result["claims"]["cognito:username"] == "alice"
    assert "signature" in result["forged"].lower() and "signature" in result["wrong_key"].lower()


def test_pure_rs256_matches_pyjwt_with_cryptography_in_process():
    """The adapter's signatures are PKCS#1 v1.5 ones: byte-identical to cryptography's."""
    import rsa as pyrsa

    lab = pure_crypto.LabKey(pyrsa.PrivateKey(*_lab_numbers(0)))
    pure = pure_crypto._pure_rs256()
    real = jwt.algorithms.RSAAlgorithm(jwt.algorithms.RSAAlgorithm.SHA256)
    real_private = real.from_jwk(pure.to_jwk(lab.private, as_dict=True))
    message = b"header.payload"
    signature = pure.sign(message, pure.prepare_key(lab))
    assert signature == real.sign(message, real_private)  # deterministic scheme
    assert real.verify(message, real_private.public_key(), signature)
    assert pure.verify(message, pure.from_jwk(real.to_jwk(real_private.public_key())), signature)
    assert not pure.verify(b"header.payloaD", lab.public, signature)
    # a SHA-512 signature is not an RS256 one, though the key is right
    assert not pure.verify(message, lab.public, pyrsa.sign(message, lab.private, "SHA-512"))


def _lab_numbers(index: int) -> tuple[int, ...]:
    keys = json.loads((ROOT / "cognito_helpers" / "lab_rsa_keys.json").read_text())["keys"]
    k = {name: int(value, 16) for name, value in keys[index].items()}
    return k["n"], k["e"], k["d"], k["p"], k["q"]


def test_the_shipped_lab_keys_are_distinct_2048_bit_rsa_keys():
    data = json.loads((ROOT / "cognito_helpers" / "lab_rsa_keys.json").read_text())
    assert "never use them for anything real" in data["note"]
    moduli = set()
    for index in range(len(data["keys"])):
        n, e, d, p, q = _lab_numbers(index)
        assert n == p * q and n.bit_length() == 2048 and e == 65537
        assert pow(pow(12345, e, n), d, n) == 12345
        moduli.add(n)
    assert len(moduli) == len(data["keys"]) >= 16  # eight pools before rsa.newkeys is needed


@pytest.mark.parametrize("at", [0, 59, 1111111109, 1234567890, 2000000000])
def test_totp_stand_in_gives_cryptographys_codes(at):
    key = b"12345678901234567890"
    real = RealTOTP(key, 6, hashes.SHA1(), 30, enforce_key_length=False)  # noqa: S303 - RFC 6238
    stand_in = no_cryptography.TOTP(key, 6, no_cryptography.SHA1(), 30, enforce_key_length=False)
    assert stand_in.generate(at) == real.generate(at)
    stand_in.verify(real.generate(at), at)
    with pytest.raises(no_cryptography.InvalidToken):
        stand_in.verify(b"000000" if real.generate(at) != b"000000" else b"111111", at)


def test_with_cryptography_nothing_changes():
    assert pure_crypto.have_cryptography()
    assert pure_crypto.install_pyjwt_rs256() is False
    assert isinstance(jwt.algorithms.get_default_algorithms()["RS256"], jwt.algorithms.RSAAlgorithm)


def test_the_managed_login_and_userinfo_without_cryptography(tmp_path):
    """Lesson 11's code flow ends at userInfo, which checks the access token's signature
    with the pool's public key: a python-rsa key there (seen failing in the page once)."""
    result = run_without_cryptography("""
        import cognito_helpers as ch
        from cognito_helpers.local import LocalCognito
        from in_process_flows import code_flow

        with LocalCognito(in_process=True) as lc:
            demo = lc.demo()
            _page, answer = code_flow(demo)
            info = ch.oauth_get(demo.oauth_urls()["userinfo"], bearer=answer.body["access_token"])
            forged = answer.body["access_token"][:-4] + ("AAAA" if not answer.body[
                "access_token"].endswith("AAAA") else "BBBB")
            refused = ch.oauth_get(demo.oauth_urls()["userinfo"], bearer=forged)
            result.update(token=answer.status, info=info.status, email=info.body.get("email"),
                          want=demo.email, refused=refused.status)
    """, tmp_path)
    assert (result["token"], result["info"]) == (200, 200)
    assert result["email"] == result["want"]
    assert result["refused"] == 401  # a changed signature is not the pool's


def test_crt_signing_is_byte_for_byte_python_rsas_own():
    import rsa as python_rsa

    from cognito_helpers import pure_crypto

    for index in (0, 5):
        n, e, d, p, q = _lab_numbers(index)
        private = python_rsa.PrivateKey(n, e, d, p, q)
        for message in (b"", b"a.b", bytes(range(256)) * 40):
            assert pure_crypto.sign_rs256(message, private) == python_rsa.sign(
                message, private, "SHA-256")

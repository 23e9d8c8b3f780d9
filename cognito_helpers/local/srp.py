"""The server half of Cognito's SRP (USER_SRP_AUTH), so the local Cognito verifies the proof.

moto answers ``PASSWORD_VERIFIER`` with random ``SRP_B``/``SALT`` and accepts
any ``PASSWORD_CLAIM_SIGNATURE``: a wrong password signs in over SRP
(``docs/facts.md#the-local-cognito-and-moto``). The fidelity layer uses this module to issue
real values and check the signature as Cognito does.

Cognito's variant of SRP-6a, as implemented by AWS's own clients
(amazon-cognito-identity-js ``AuthenticationHelper``) and pycognito:

* group: the 3072-bit MODP prime of RFC 3526 section 4, generator 2;
* hashes are SHA-256 over the bytes of "padded hex" numbers (even length, a
  leading ``00`` when the top bit is set); ``k = H(N | g)``, ``u = H(A | B)``;
* ``x = H(salt | H(pool_suffix + username + ":" + password))`` where
  ``pool_suffix`` is the part of the pool id after ``_`` and ``username`` is
  ``USER_ID_FOR_SRP``;
* the session key is HKDF-SHA256(ikm=S, salt=u, info="Caldera Derived Key"),
  16 bytes; the claim is ``base64(HMAC-SHA256(key, pool_suffix + username +
  secret_block_bytes + timestamp))``.

Cost: anyone who knows a username can make the server start a challenge, so
starting one must be cheap (issue 12: a full-size ``pow`` took ~50 ms of CPU,
and 18 a second made a correct sign-in 112x slower). The server's secret
exponent ``b`` has 256 bits, twice the 128-bit strength of the 3072-bit group
(RFC 3526 section 8 on exponent sizes), and every power of ``g`` is read off a
fixed-base table (:func:`g_pow`: ~64 multiplications instead of ~3,500); a
user's salt and verifier are kept, as Cognito keeps them, so a challenge costs
one such power (about 1 ms) and an answer a few ms.

Taught in ``notebooks/04-sign-in-flows.ipynb``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

__all__ = [
    "EXPONENT_BITS",
    "G",
    "N",
    "SrpChallenge",
    "g_pow",
    "is_valid_public_value",
    "start_challenge",
    "verify_claim",
]

# RFC 3526, section 4: the 3072-bit MODP group.
N = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
    "3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33"
    "A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864"
    "D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2"
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
    16,
)
G = 2
_INFO = b"Caldera Derived Key"
EXPONENT_BITS = 256  # the server's secret b: 2 x the group's 128-bit strength (RFC 3526 s. 8)

# g_pow's table: row i holds g^(j * 16^i) mod N for j = 0..15, for exponents below
# 2^512 (x * u, the verifier's exponent times u, has up to 512 bits). 2,048 numbers of
# 384 bytes (~0.9 MB), built once on first use (~20 ms).
_WINDOW = 4
_TABLE_BITS = 512
_table: list[list[int]] = []
_table_lock = threading.Lock()


def _g_table() -> list[list[int]]:
    if not _table:
        with _table_lock:
            if not _table:
                rows: list[list[int]] = []
                base = G
                for _ in range(_TABLE_BITS // _WINDOW):
                    row = [1, base]
                    for _ in range(2**_WINDOW - 2):
                        row.append(row[-1] * base % N)
                    rows.append(row)
                    base = row[-1] * base % N  # g^(16^(i+1))
                _table.extend(rows)
    return _table


def g_pow(exponent: int) -> int:
    """``pow(G, exponent, N)`` from a fixed-base table: one multiplication per 4 bits.

    For exponents of up to 512 bits (larger ones fall back to ``pow``); about
    40x faster than ``pow`` for the 256-bit exponents the server uses.
    """
    if exponent < 0 or exponent >> _TABLE_BITS:
        return pow(G, exponent, N)
    result = 1
    mask = 2**_WINDOW - 1
    for row in _g_table():
        if not exponent:
            break
        digit = exponent & mask
        if digit:
            result = result * row[digit] % N
        exponent >>= _WINDOW
    return result


def _padded_hex(value: int | str) -> str:
    text = value if isinstance(value, str) else format(value, "x")
    if len(text) % 2:
        return "0" + text
    if text[0] in "89abcdefABCDEF":
        return "00" + text
    return text


def _h(*parts: str) -> int:
    """SHA-256 over the concatenated padded-hex parts, as an integer."""
    data = b"".join(bytes.fromhex(_padded_hex(p)) for p in parts)
    return int(hashlib.sha256(data).hexdigest(), 16)


def _k() -> int:
    return _K


_K = _h(format(N, "x"), format(G, "x"))


def _x(pool_suffix: str, username: str, password: str, salt_hex: str) -> int:
    inner = hashlib.sha256(f"{pool_suffix}{username}:{password}".encode()).hexdigest()
    return int(hashlib.sha256(bytes.fromhex(_padded_hex(salt_hex) + inner)).hexdigest(), 16)


@dataclass
class SrpChallenge:
    """What the server keeps between InitiateAuth and the PASSWORD_VERIFIER answer."""

    pool_suffix: str
    username: str
    salt_hex: str
    secret_block: str
    a_value: int = field(repr=False)
    b_value: int = field(repr=False)
    big_b: int = field(repr=False)
    verifier: int = field(repr=False)
    x_value: int = field(default=0, repr=False)  # verifier = g^x; v^u = g^(x*u) from the table

    @property
    def srp_b_hex(self) -> str:
        return format(self.big_b, "x")


def is_valid_public_value(hex_value: object) -> bool:
    """Whether ``SRP_A`` is a hex number that is not 0 mod N (SRP-6a's safety check)."""
    if not isinstance(hex_value, str) or not hex_value or len(hex_value) > 2048:
        return False
    try:
        return int(hex_value, 16) % N != 0
    except ValueError:
        return False


# A user's salt and verifier, as Cognito keeps them from the time the password is set
# (so SALT is the same at each sign-in): one g_pow fewer per challenge. Keyed by
# (pool, user, SHA-256 of the password), so a new password gets a new salt.
_MAX_VERIFIERS = 1024
_verifiers: OrderedDict[tuple[str, str, bytes], tuple[str, int, int]] = OrderedDict()
_verifiers_lock = threading.Lock()


def _user_verifier(pool_id: str, username: str, password: str) -> tuple[str, int, int]:
    """(salt_hex, x, verifier = g^x) for a user's current password."""
    key = (pool_id, username, hashlib.sha256(password.encode("utf-8")).digest())
    with _verifiers_lock:
        found = _verifiers.get(key)
        if found is not None:
            _verifiers.move_to_end(key)
            return found
    salt_hex = secrets.token_hex(16)
    x_value = _x(pool_id.split("_", 1)[1], username, password, salt_hex)
    entry = (salt_hex, x_value, g_pow(x_value))
    with _verifiers_lock:
        entry = _verifiers.setdefault(key, entry)
        while len(_verifiers) > _MAX_VERIFIERS:
            _verifiers.popitem(last=False)
    return entry


def start_challenge(
    pool_id: str, username: str, password: str, srp_a_hex: str
) -> SrpChallenge | None:
    """Issue ``SRP_B``, ``SALT`` and ``SECRET_BLOCK`` for a user; None if ``SRP_A`` is invalid."""
    if not is_valid_public_value(srp_a_hex):  # SRP-6a: abort on A = 0 mod N
        return None
    a_value = int(srp_a_hex, 16)
    pool_suffix = pool_id.split("_", 1)[1]
    salt_hex, x_value, verifier = _user_verifier(pool_id, username, password)
    b_value = secrets.randbits(EXPONENT_BITS) | 1  # never 0
    big_b = (_K * verifier + g_pow(b_value)) % N
    secret_block = base64.b64encode(secrets.token_bytes(48)).decode("ascii")
    return SrpChallenge(
        pool_suffix, username, salt_hex, secret_block, a_value, b_value, big_b, verifier,
        x_value,
    )


def verify_claim(challenge: SrpChallenge, timestamp: str, signature_b64: str) -> bool:
    """Whether ``PASSWORD_CLAIM_SIGNATURE`` proves knowledge of the password."""
    u = _h(format(challenge.a_value, "x"), format(challenge.big_b, "x"))
    if u == 0:
        return False
    v_u = g_pow(challenge.x_value * u) if challenge.x_value else pow(challenge.verifier, u, N)
    s = pow(challenge.a_value * v_u % N, challenge.b_value, N)
    prk = hmac.new(
        bytes.fromhex(_padded_hex(format(u, "x"))), bytes.fromhex(_padded_hex(s)), hashlib.sha256
    ).digest()
    key = hmac.new(prk, _INFO + b"\x01", hashlib.sha256).digest()[:16]
    message = (
        challenge.pool_suffix.encode()
        + challenge.username.encode()
        + base64.b64decode(challenge.secret_block)
        + timestamp.encode()
    )
    expected = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode("ascii")
    return hmac.compare_digest(expected.encode(), str(signature_b64).encode())

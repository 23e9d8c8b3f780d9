"""AWS's wording where moto words an error its own way, and AWS's password policy.

moto answers some errors with texts of its own (``UsernameExistsException: alice``,
``InvalidPasswordException: The provided password does not confirm to the
configured password policy``, a ResourceNotFoundException whose message is the
bare client id). The layer passes every moto answer through :func:`aws_fault`,
so none of moto's texts reaches a caller; the texts are AWS's, from the
catalogue (:mod:`.answers`, which names each one's public source).

Passwords are checked here, before moto, with AWS's rules and defaults (moto's
differ: its default minimum length is 5, AWS's 8), one rule reported at a time
as AWS does.
"""

from __future__ import annotations

from typing import Any

from .answers import AwsFault, aws_error

__all__ = ["PASSWORD_MEMBERS", "aws_fault", "password_fault"]

# Where each operation carries a new password (API reference of each operation).
PASSWORD_MEMBERS = {
    "SignUp": "Password",
    "ConfirmForgotPassword": "Password",
    "AdminSetUserPassword": "Password",
    "AdminCreateUser": "TemporaryPassword",
    "ChangePassword": "ProposedPassword",
}

# "Password policies" in the developer guide (user-pool-settings-policies): the symbols
# Cognito counts as special characters; a space counts when not leading or trailing.
_SYMBOLS = frozenset("^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ")
# CreateUserPool API reference / developer guide: a pool created without a
# PasswordPolicy requires 8 characters with upper- and lowercase, a number and a symbol.
_DEFAULT_POLICY = {
    "MinimumLength": 8,
    "RequireUppercase": True,
    "RequireLowercase": True,
    "RequireNumbers": True,
    "RequireSymbols": True,
}


def _policy(pool: Any) -> dict[str, Any]:
    policy = (pool.extended_config.get("Policies") or {}).get("PasswordPolicy")
    if not policy:
        return dict(_DEFAULT_POLICY)
    return {
        "MinimumLength": policy.get("MinimumLength", 8),
        "RequireUppercase": bool(policy.get("RequireUppercase")),
        "RequireLowercase": bool(policy.get("RequireLowercase")),
        "RequireNumbers": bool(policy.get("RequireNumbers")),
        "RequireSymbols": bool(policy.get("RequireSymbols")),
    }


def password_fault(operation: str, pool: Any, password: Any) -> AwsFault | None:
    """AWS's InvalidPasswordException for ``password`` under the pool's policy (None: it passes).

    AWS names one broken rule per answer (public reports, e.g.
    amazon-cognito-identity-js #311: "an individual exception for each constraint
    violation"); which comes first when several are broken is not documented: here
    length, uppercase, lowercase, numbers, symbols.
    """
    if not isinstance(password, str):
        return None
    policy = _policy(pool)
    rules = [
        ("password_too_short", len(password) < int(policy["MinimumLength"])),
        ("password_no_upper", policy["RequireUppercase"] and not any("A" <= c <= "Z" for c in password)),
        ("password_no_lower", policy["RequireLowercase"] and not any("a" <= c <= "z" for c in password)),
        ("password_no_number", policy["RequireNumbers"] and not any("0" <= c <= "9" for c in password)),
        ("password_no_symbol", policy["RequireSymbols"] and not any(c in _SYMBOLS for c in password.strip())),
    ]
    for key, broken in rules:
        if broken:
            entry = aws_error(key)
            message = entry.message()
            if operation == "AdminCreateUser":
                # AdminCreateUser words its prefix "with password policy" (public reports).
                message = message.replace("with policy:", "with password policy:")
            return AwsFault(entry.code, message, entry.status)
    return None


def aws_fault(operation: str, params: dict[str, Any], code: str, message: str) -> AwsFault | None:
    """AWS's answer for an error moto words its own way (None: moto's text is AWS's)."""
    if code == "UsernameExistsException":
        key = "username_exists_admin" if operation == "AdminCreateUser" else "username_exists"
        return AwsFault.of(key) if message != aws_error(key).template else None
    if code == "InvalidPasswordException":
        # moto's own check refused what ours let pass: it stores no password of 99
        # characters or more (AWS: up to 256, PasswordType in the API model). Said as it is.
        return AwsFault(
            "InvalidPasswordException",
            "The local Cognito (moto) cannot keep a password of 99 characters or more; "
            "AWS accepts up to 256.",
        )
    if code == "UserNotFoundException" and message != aws_error("user_not_found").template:
        return AwsFault.of("user_not_found")
    if code == "ResourceNotFoundException":
        client_id = params.get("ClientId")
        if isinstance(client_id, str) and message == client_id:
            return AwsFault.of("client_not_found", client_id=client_id)
    return None

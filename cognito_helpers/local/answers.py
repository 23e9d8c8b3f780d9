"""What real Cognito answers: exception codes and exact message texts.

One catalogue, shared by the local Cognito (which must answer exactly like
AWS) and the diagnosis engine (which must recognise what AWS answered).
Sources: ``docs/facts.md#what-cognito-answers``, which gathers
them from the AWS API reference and public issue trackers; each entry says
where a text is less than certain.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CATALOGUE", "AwsError", "AwsFault", "aws_error"]


@dataclass(frozen=True)
class AwsError:
    """One answer of real Cognito: exception code, message template, HTTP status."""

    key: str
    code: str
    template: str
    status: int = 400
    note: str = ""

    def message(self, **values: str) -> str:
        """The message text as AWS sends it, with ``{client_id}`` etc. filled in."""
        return self.template.format(**values)


_ENTRIES = [
    AwsError(
        "secret_missing",
        "NotAuthorizedException",
        "Client {client_id} is configured with secret but SECRET_HASH was not received",
        note="InitiateAuth / RespondToAuthChallenge families (AuthParameters, ChallengeResponses).",
    ),
    AwsError(
        "secret_missing_legacy",
        "NotAuthorizedException",
        "Client {client_id} is configured for secret but secret was not received",
        note="Older variant, still reported for SignUp-family calls (top-level SecretHash).",
    ),
    AwsError(
        "hash_mismatch",
        "NotAuthorizedException",
        "Unable to verify secret hash for client {client_id}",
    ),
    AwsError(
        "hash_mismatch_alt",
        "NotAuthorizedException",
        "SecretHash does not match for the client: {client_id}",
        note="Reported for SignUp and refresh.",
    ),
    AwsError(
        "hash_not_configured",
        "InvalidParameterException",
        "App client {client_id} is not configured for secret but secret hash was received",
        note="One public source.",
    ),
    AwsError("wrong_password", "NotAuthorizedException", "Incorrect username or password."),
    AwsError(
        "attempts_exceeded",
        "NotAuthorizedException",
        "Password attempts exceeded",
        note="During a lockout: after 5 failed passwords in a row, 1 s doubling to about "
        "15 min (developer guide, 'Lockout behavior for failed sign-in attempts'; the text "
        "from public reports: amplify-js #9614, aws-sdk-js #4642).",
    ),
    AwsError(
        "flow_not_enabled",
        "InvalidParameterException",
        "{flow} flow not enabled for this client",
    ),
    AwsError(
        "admin_flow_not_enabled",
        "InvalidParameterException",
        "Auth flow not enabled for this client",
    ),
    AwsError("user_not_confirmed", "UserNotConfirmedException", "User is not confirmed."),
    AwsError("user_not_found", "UserNotFoundException", "User does not exist."),
    AwsError(
        "client_not_found",
        "ResourceNotFoundException",
        "User pool client {client_id} does not exist.",
    ),
    AwsError(
        "pool_not_found", "ResourceNotFoundException", "User pool {user_pool_id} does not exist."
    ),
    AwsError("refresh_invalid", "NotAuthorizedException", "Invalid Refresh Token"),
    AwsError("refresh_revoked", "NotAuthorizedException", "Refresh Token has been revoked"),
    AwsError(
        "refresh_token_reused",
        "RefreshTokenReuseException",
        "Refresh token has been rotated and its grace period has passed.",
        note="The exception is the API reference's (GetTokensFromRefreshToken: a refresh "
        "token invalidated by refresh-token rotation); AWS does not document its message, "
        "so this text is ours.",
    ),
    AwsError(
        "refresh_rotation_enabled",
        "InvalidParameterException",
        "Refresh token rotation is enabled for this client; use GetTokensFromRefreshToken.",
        note="API reference, RefreshTokenRotationType: rotation must be completed with "
        "GetTokensFromRefreshToken. The message text is ours (not documented).",
    ),
    AwsError(
        "session_expired",
        "NotAuthorizedException",
        "Invalid session for the user, session is expired.",
        note="A challenge answered after the client's AuthSessionValidity (3 minutes by "
        "default); text from public reports.",
    ),
    AwsError(
        "otp_mismatch",
        "CodeMismatchException",
        "Invalid code or auth state for the user.",
        note="A wrong sign-in code (EMAIL_OTP, SMS_MFA...); text from public reports.",
    ),
    AwsError(
        "throttled",
        "TooManyRequestsException",
        "Attempt limit exceeded, please try after some time.",
    ),
    AwsError(
        "limit_exceeded",
        "LimitExceededException",
        "Attempt limit exceeded, please try after some time.",
    ),
    # Sign-up and users. Texts from public reports (AWS documents the exceptions, not
    # their messages): e.g. boto3 / amplify-js issues quoting SignUp and AdminCreateUser.
    AwsError(
        "username_exists",
        "UsernameExistsException",
        "User already exists",
        note="SignUp of a taken username; not worded in AWS's docs (public reports).",
    ),
    AwsError(
        "username_exists_admin",
        "UsernameExistsException",
        "User account already exists",
        note="AdminCreateUser of a taken username; not worded in AWS's docs (public reports).",
    ),
    # InvalidPasswordException, one text per rule of the pool's PasswordPolicyType. The
    # rules are the developer guide's ("Password policies"); the texts are not in AWS's
    # docs: they come from public reports (data-dot-all/dataall #690, amazon-cognito-
    # identity-js #311 and many apps that match on them). AdminCreateUser says
    # "with password policy:" instead of "with policy:" (dataall #690).
    AwsError(
        "password_too_short",
        "InvalidPasswordException",
        "Password did not conform with policy: Password not long enough",
        note="Shorter than MinimumLength (8 by default). Text not documented by AWS.",
    ),
    AwsError(
        "password_no_upper",
        "InvalidPasswordException",
        "Password did not conform with policy: Password must have uppercase characters",
        note="RequireUppercase. Text not documented by AWS.",
    ),
    AwsError(
        "password_no_lower",
        "InvalidPasswordException",
        "Password did not conform with policy: Password must have lowercase characters",
        note="RequireLowercase. Text not documented by AWS.",
    ),
    AwsError(
        "password_no_number",
        "InvalidPasswordException",
        "Password did not conform with policy: Password must have numeric characters",
        note="RequireNumbers. Text not documented by AWS.",
    ),
    AwsError(
        "password_no_symbol",
        "InvalidPasswordException",
        "Password did not conform with policy: Password must have symbol characters",
        note="RequireSymbols. Text not documented by AWS.",
    ),
    # Codes sent by e-mail or SMS (sign-up confirmation, password reset).
    AwsError(
        "code_mismatch",
        "CodeMismatchException",
        "Invalid verification code provided, please try again.",
    ),
    AwsError(
        "code_expired",
        "ExpiredCodeException",
        "Invalid code provided, please request a code again.",
    ),
]

CATALOGUE: dict[str, AwsError] = {e.key: e for e in _ENTRIES}


def aws_error(key: str) -> AwsError:
    """The catalogue entry for ``key`` (InvalidInputError naming the known keys if there is none)."""
    entry = CATALOGUE.get(key) if isinstance(key, str) else None
    if entry is None:
        from ..exceptions import InvalidInputError
        from ..validate import shown

        raise InvalidInputError(
            "key", f"{shown(key)} is not in the catalogue of AWS answers; known keys: "
            f"{', '.join(sorted(CATALOGUE))}."
        )
    return entry


class AwsFault(Exception):
    """An error answered to the caller exactly as AWS would (code, message)."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    @classmethod
    def of(cls, key: str, **values: str) -> AwsFault:
        entry = aws_error(key)
        return cls(entry.code, entry.message(**values), entry.status)



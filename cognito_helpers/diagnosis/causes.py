"""What each Cognito error means: the table of causes that :func:`explain` answers with.

One :class:`Cause` per entry of the local Cognito's catalogue of AWS answers
(``cognito_helpers.local.answers.CATALOGUE``, same keys), plus two texts AWS does
not send (moto's hash-in-the-message, the validation error on the hash's
characters): a title, a fix and the facts that would confirm it. ``{cid}``,
``{pool}`` and ``{flow}`` are filled in from the pasted text. Data only: the
recognising is ``explain.py``'s. Taught in ``notebooks/09-troubleshooting.ipynb``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CAUSES", "OAUTH_CAUSES", "Cause"]


@dataclass(frozen=True)
class Cause:
    """What one catalogue entry means: title, fix and the facts that would confirm it."""

    key: str
    title: str
    fix: str
    confirm: tuple[str, ...]


_CHECK = "python -m cognito_helpers check-client --user-pool-id POOL_ID --client-id {cid}"
_FP = "python -m cognito_helpers fingerprint --username USERNAME --client-id {cid} --sent HASH"

_SECRET_MISSING = Cause(
    "secret_missing",
    "App client {cid} has a client secret, and this call carried no SECRET_HASH.",
    "Compute SECRET_HASH = base64(HMAC-SHA256(client_secret, username + client_id)) and send "
    "it on every call of the sign-up and sign-in family: AuthParameters.SECRET_HASH for "
    "InitiateAuth / AdminInitiateAuth, ChallengeResponses.SECRET_HASH for "
    "RespondToAuthChallenge, SecretHash for SignUp, ConfirmSignUp, ResendConfirmationCode, "
    "ForgotPassword and ConfirmForgotPassword. If your library cannot send one (Amplify JS, "
    "amazon-cognito-identity-js), give that app an app client without a secret.",
    (
        f"`{_CHECK}` reports that the client has a secret.",
        "The failing request has no SECRET_HASH / SecretHash (see it with "
        "`python -m cognito_helpers proxy`).",
        "Which call failed: libraries often leave the hash out of ConfirmSignUp, "
        "ResendConfirmationCode or a challenge response only.",
    ),
)
_HASH_MISMATCH = Cause(
    "hash_mismatch",
    "The SECRET_HASH sent does not match the one Cognito computed for client {cid}.",
    "Find the mistake with `" + _FP + "` (the hash your app sent; the secret comes from "
    "$COGNITO_CLIENT_SECRET or --secret-file). Usual causes: hashing an alias where the "
    "internal username is due (REFRESH_TOKEN_AUTH needs the internal username, the `sub` "
    "UUID in email-as-username pools; challenge responses need USERNAME from "
    "ChallengeParameters), a hex digest instead of base64, client_id + username in the wrong "
    "order, a newline or spaces in the secret, an old secret after rotation.",
    (
        "`fingerprint` names the mistake that produced the hash your app sent.",
        "Which operation failed: InitiateAuth with REFRESH_TOKEN_AUTH and "
        "RespondToAuthChallenge need the internal username, not the alias typed at sign-in.",
        f"`{_CHECK}` shows the client's active secrets (two during rotation).",
    ),
)
_CAUSES = [
    _SECRET_MISSING,
    Cause(
        "secret_missing_legacy", _SECRET_MISSING.title, _SECRET_MISSING.fix, _SECRET_MISSING.confirm
    ),
    _HASH_MISMATCH,
    Cause("hash_mismatch_alt", _HASH_MISMATCH.title, _HASH_MISMATCH.fix, _HASH_MISMATCH.confirm),
    Cause(
        "hash_not_configured",
        "A SECRET_HASH was sent, but app client {cid} has no client secret.",
        "Send no SECRET_HASH / SecretHash to this client, or point the app at the client whose "
        "secret it hashes with (the client id in the app's settings may be the wrong one).",
        (
            f"`{_CHECK}` reports that the client has no secret.",
            "The app's configured client id is the one in the error.",
        ),
    ),
    Cause(
        "wrong_password",
        "Cognito refused the username and password (not a secret-hash error).",
        "Check the password and the username the app sends. With PreventUserExistenceErrors "
        "on, an unknown user gets this same message. Reset the password with ForgotPassword "
        "(or AdminSetUserPassword) if it is lost.",
        (
            "AdminGetUser shows whether the user exists and its status.",
            f"`{_CHECK}` shows whether PreventUserExistenceErrors is on.",
        ),
    ),
    Cause(
        "attempts_exceeded",
        "Too many failed sign-ins for this user: Cognito has locked the user out for a while.",
        "Stop retrying and wait: after five failed passwords in a row Cognito locks the user "
        "for 1 second, doubling with each further failure up to about 15 minutes, and during "
        "the lock even the right password is refused. Fix what made the attempts fail (the "
        "password, a wrong SECRET_HASH is not it: that fails before the password is checked, "
        "or a retry loop in the app). A successful sign-in after the lock, or 15 minutes "
        "without attempts, resets the count.",
        (
            "The app's logs show five or more 'Incorrect username or password.' for this user "
            "just before.",
            "Waiting out the lock (up to about 15 minutes) and signing in once with the right "
            "password works.",
        ),
    ),
    Cause(
        "flow_not_enabled",
        "App client does not allow the {flow} flow.",
        "Add ALLOW_{flow} to the app client's ExplicitAuthFlows (UpdateUserPoolClient resets "
        "every setting you leave out, so send the full client configuration), or switch the "
        "app to a flow the client allows.",
        (f"`{_CHECK}` lists the enabled flows.",),
    ),
    Cause(
        "admin_flow_not_enabled",
        "App client does not allow the flow that AdminInitiateAuth asked for.",
        "For ADMIN_USER_PASSWORD_AUTH add ALLOW_ADMIN_USER_PASSWORD_AUTH to the client's "
        "ExplicitAuthFlows (UpdateUserPoolClient resets every setting you leave out, so send "
        "the full client configuration), or use a flow the client allows.",
        (f"`{_CHECK}` lists the enabled flows.",),
    ),
    Cause(
        "user_not_confirmed",
        "The user exists but has not confirmed the sign-up (status UNCONFIRMED).",
        "Confirm it: ConfirmSignUp with the code that was sent (with SecretHash on a client "
        "with a secret), ResendConfirmationCode for a new code, or AdminConfirmSignUp as an "
        "administrator.",
        ("AdminGetUser shows UserStatus UNCONFIRMED.",),
    ),
    Cause(
        "user_not_found",
        "No user with this username exists in the pool (not a secret-hash error).",
        "Check the username and that the client id belongs to the pool you expect. In pools "
        "where users sign in by email, send the email (or the internal username).",
        (
            "ListUsers with a filter on the username or email finds no one.",
            "The client id belongs to the pool you looked in (DescribeUserPoolClient).",
        ),
    ),
    Cause(
        "client_not_found",
        "App client {cid} does not exist in the pool and region that was called.",
        "Copy the app client id again (real ids are 26 characters of a-z and 0-9), and call "
        "the pool's region: it is the prefix of the user pool id (eu-west-1_AbCdEf123 lives "
        "in eu-west-1); a right id sent to another region's endpoint gets this same error.",
        (
            "The SDK's region equals the prefix of the user pool id.",
            f"`{_CHECK} --region REGION` finds the client.",
        ),
    ),
    Cause(
        "pool_not_found",
        "User pool {pool} does not exist in the region and account that was called.",
        "Call the pool's region (the prefix of its id) with credentials of the account that "
        "owns it, and check the pool id for typos.",
        (
            "The SDK's region equals the prefix of the user pool id.",
            "ListUserPools in that region and account shows the pool.",
        ),
    ),
    Cause(
        "refresh_invalid",
        "Cognito did not accept the refresh token.",
        "The token is expired, truncated, or was issued to another app client or pool: send "
        "the refresh token exactly as issued, to the client that issued it, or sign in again.",
        (
            "The refresh token was issued for this client id (the same client as the sign-in).",
            "The client's refresh-token validity has not passed since the sign-in.",
        ),
    ),
    Cause(
        "refresh_revoked",
        "The refresh token was revoked (RevokeToken, GlobalSignOut or AdminUserGlobalSignOut).",
        "Sign in again to get a new refresh token.",
        ("The app or an administrator signed the user out since the token was issued.",),
    ),
    Cause(
        "refresh_token_reused",
        "The refresh token was already rotated: this app client has refresh-token rotation "
        "on, and the token's grace period is over.",
        "Keep the NEW refresh token that every GetTokensFromRefreshToken answer carries and "
        "use it next time; the one you sent stops working RetryGracePeriodSeconds (0-60) after "
        "its first use. Two tabs or processes sharing one refresh token must share the newest "
        "one, or sign in again.",
        (
            f"`{_CHECK}` shows RefreshTokenRotation Feature ENABLED on the client.",
            "The app stored the first refresh token and never replaced it.",
        ),
    ),
    Cause(
        "refresh_rotation_enabled",
        "REFRESH_TOKEN_AUTH on an app client with refresh-token rotation: such clients refresh "
        "only with GetTokensFromRefreshToken.",
        "Call GetTokensFromRefreshToken (ClientId, RefreshToken and the raw ClientSecret, no "
        "SECRET_HASH) and keep the new refresh token it returns; or turn rotation off on the "
        "client.",
        (f"`{_CHECK}` shows RefreshTokenRotation Feature ENABLED on the client.",),
    ),
    Cause(
        "session_expired",
        "The sign-in session expired before the challenge was answered.",
        "Start the sign-in again (InitiateAuth) and answer the challenge within the client's "
        "AuthSessionValidity (3 minutes by default).",
        ("The challenge answer came minutes after InitiateAuth.",),
    ),
    Cause(
        "otp_mismatch",
        "The sign-in code (e-mail or SMS one-time code, MFA code) is wrong.",
        "Send the newest code delivered for this sign-in, exactly as received, in the "
        "challenge's own field (EMAIL_OTP_CODE, SMS_OTP_CODE, SMS_MFA_CODE...), with the "
        "Session of the challenge that sent it.",
        ("The code came from an earlier sign-in attempt, or was typed with a mistake.",),
    ),
    Cause(
        "throttled",
        "Cognito throttled the calls (too many requests).",
        "Back off and retry with exponential backoff; look for a retry loop in the app; ask "
        "for a quota increase if the rate is legitimate.",
        ("The app sends many calls for this user or client in a short time.",),
    ),
    Cause(
        "limit_exceeded",
        "Cognito refused the call: a rate or attempt limit was exceeded.",
        "Wait before trying again (codes and password resets have per-user limits), and look "
        "for a retry loop in the app.",
        ("The app sends many calls for this user in a short time.",),
    ),
    Cause(
        "code_mismatch",
        "The confirmation or verification code is wrong.",
        "Use the newest code sent to this user, copied exactly; request a new one with "
        "ResendConfirmationCode (sign-up) or ForgotPassword (password reset).",
        ("The code was the last one sent to this user.",),
    ),
    Cause(
        "code_expired",
        "The confirmation or verification code has expired.",
        "Request a new code (ResendConfirmationCode or ForgotPassword) and use it promptly.",
        ("The code is older than the newest one sent to this user.",),
    ),
]

_CAUSES += [
    Cause(
        "username_exists",
        "The username is taken: a user with it (or with it as an alias) already exists.",
        "Sign the user in, or start the password reset (ForgotPassword) if they forgot it; "
        "to register again, pick another username. Not a SECRET_HASH problem: the hash passed.",
        ("AdminGetUser with this username finds a user.",),
    ),
    Cause(
        "username_exists_admin",
        "AdminCreateUser: a user with this username already exists.",
        "Use AdminGetUser / AdminSetUserPassword on the existing user, or another username.",
        ("AdminGetUser with this username finds a user.",),
    ),
    *[
        Cause(
            key,
            f"The new password breaks the user pool's password policy ({rule}).",
            "Choose a password that meets every rule of the pool's PasswordPolicy (by default: "
            "8 characters or more, with upper- and lowercase letters, a number and a symbol); "
            "DescribeUserPool shows the pool's rules. Cognito names one broken rule at a time.",
            ("DescribeUserPool's Policies.PasswordPolicy has this rule.",),
        )
        for key, rule in [
            ("password_too_short", "shorter than MinimumLength"),
            ("password_no_upper", "no uppercase letter"),
            ("password_no_lower", "no lowercase letter"),
            ("password_no_number", "no digit"),
            ("password_no_symbol", "no symbol"),
        ]
    ],
]

# Not in the AWS catalogue: how moto (the emulator this project's local Cognito
# builds on) reports a failed hash check, and AWS's generic validation error.
_MOTO_HASH = Cause(
    "moto_hash_message",
    "A NotAuthorizedException whose message is a hash: that is the moto emulator's way of "
    "saying the SECRET_HASH did not verify (real AWS says 'Unable to verify secret hash').",
    "Fingerprint the hash your app sent with `python -m cognito_helpers fingerprint`, and "
    "test against this project's local Cognito, which answers like AWS.",
    ("The endpoint the app called is moto (moto_server or a moto-based container).",),
)
_HASH_FORMAT = Cause(
    "secret_hash_format",
    "The SECRET_HASH value is not made of the characters Cognito accepts ([\\w+=/]+).",
    "Send standard base64 with padding (44 characters, '+' and '/'), not URL-safe base64 "
    "('-' and '_') and without spaces or newlines; `python -m cognito_helpers fingerprint` "
    "tells which encoding the app used.",
    ("The value the app sends contains '-', whitespace or other characters outside [\\w+=/].",),
)

_VALIDATION = Cause(
    "parameter_validation",
    "A parameter breaks the API's own constraint (its length or its allowed characters), "
    "checked before anything else, the SECRET_HASH included.",
    "Read which member and rule the message names (e.g. 'clientId': [\\w+]+ means no "
    "spaces, dashes or a pool id in place of the client id; 'username': no whitespace or "
    "control characters; 'confirmationCode': no spaces) and send a value that fits; a "
    "trailing newline or space from a file or a form is the usual culprit.",
    ("The value sent for that member has whitespace, is empty, or is too long.",),
)

CAUSES: dict[str, Cause] = {
    c.key: c for c in [*_CAUSES, _MOTO_HASH, _HASH_FORMAT, _VALIDATION]
}

# The OAuth 2.0 endpoints (token, authorize, userInfo, revoke): their answers are
# one-word `error` codes in JSON or in a redirect (AWS developer guide, "The token
# issuer endpoint" and "The redirect and authorization endpoint"); the key is
# "oauth_<error>". Taught in notebooks/11-client-secret-on-oauth-endpoints.ipynb.
_FP_BASIC = (
    "python -m cognito_helpers fingerprint --authorization 'Basic ...' --client-id {cid}"
)
_OAUTH = [
    Cause(
        "oauth_invalid_client",
        "The OAuth endpoint could not authenticate the app client: the client id or secret "
        "in the request is wrong, or missing.",
        "Send the raw client secret, not a SECRET_HASH: 'Authorization: Basic "
        "base64(client_id:client_secret)', client id first (or client_id and client_secret "
        "in the form). A client without a secret sends only client_id in the form and no "
        "secret at all. The client must belong to the pool whose domain you call, and after "
        "a rotation the secret must be one of the two active ones.",
        (
            f"`{_FP_BASIC}` names the mistake in the Authorization header your app sent.",
            "`python -m cognito_helpers check-client --user-pool-id POOL_ID --client-id "
            "{cid}` says whether the client has a secret.",
        ),
    ),
    Cause(
        "oauth_invalid_grant",
        "The code or refresh token was refused: used already, expired, revoked, or not "
        "matching this request.",
        "Redeem each authorization code once and within 5 minutes, with the same "
        "redirect_uri as the authorize request and the code_verifier of its code_challenge; "
        "a refresh token must be the same client's and not revoked.",
        (
            "The code was not redeemed before (a retry or a page reload redeems it twice).",
            "redirect_uri at /oauth2/token is character for character the one sent to "
            "/oauth2/authorize.",
        ),
    ),
    Cause(
        "oauth_unauthorized_client",
        "The app client is not allowed this grant or response type.",
        "Check the client's AllowedOAuthFlows (code, implicit or client_credentials; "
        "client_credentials cannot be combined with the others, and needs a secret) and that "
        "AllowedOAuthFlowsUserPoolClient is true. Machine-to-machine jobs get a client of "
        "their own.",
        ("DescribeUserPoolClient shows AllowedOAuthFlows without the grant the app uses.",),
    ),
    Cause(
        "oauth_unsupported_grant_type",
        "The grant_type is not one Cognito's token endpoint knows.",
        "Use authorization_code, refresh_token or client_credentials; Cognito has no "
        "password grant (sign users in through managed login, or with InitiateAuth).",
        ("The form's grant_type is misspelt, or is 'password'.",),
    ),
    Cause(
        "oauth_invalid_request",
        "The OAuth request is malformed: a parameter is missing or repeated, or the body is "
        "not a form.",
        "POST 'application/x-www-form-urlencoded' (not JSON), with grant_type and, for the "
        "code grant, code and redirect_uri (and code_verifier with PKCE); send the secret "
        "once (header or form, not both). At /oauth2/authorize: response_type, and PKCE with "
        "code_challenge_method=S256 (Cognito refuses plain).",
        ("The request's Content-Type is application/x-www-form-urlencoded.",),
    ),
    Cause(
        "oauth_invalid_scope",
        "A requested scope is not one the app client is allowed.",
        "Request only scopes in the client's AllowedOAuthScopes. client_credentials takes "
        "custom scopes of a resource server ('<identifier>/<scope>'), never openid, email or "
        "profile; email, phone and profile need openid.",
        ("DescribeUserPoolClient's AllowedOAuthScopes lists the scope.",),
    ),
    Cause(
        "oauth_redirect_mismatch",
        "The redirect_uri is not one of the app client's callback URLs.",
        "Add the exact URL to the client's CallbackURLs, or send the registered one: they "
        "are compared as strings, so a trailing slash, http/https, a port or the host's "
        "case makes a different URL. For /logout, logout_uri must be in LogoutURLs.",
        ("The redirect_uri in the authorize URL, decoded, equals one CallbackURLs entry.",),
    ),
    Cause(
        "oauth_invalid_token",
        "The userInfo endpoint refused the access token.",
        "Send the access token (not the ID token) from the token endpoint, with the openid "
        "scope: access tokens from InitiateAuth carry only aws.cognito.signin.user.admin and "
        "userInfo refuses them. Expired or revoked tokens are refused too.",
        ("The token's token_use is access and its scope contains openid.",),
    ),
    Cause(
        "oauth_unsupported_token_type",
        "The revocation endpoint takes refresh tokens only.",
        "Send the refresh token to /oauth2/revoke; revoking it also ends the access and ID "
        "tokens issued from it.",
        ("The token sent is a JWT (three dot-separated parts): an access or ID token.",),
    ),
]
OAUTH_CAUSES: dict[str, Cause] = {c.key: c for c in _OAUTH}

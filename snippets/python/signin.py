"""Cognito SECRET_HASH and a USER_PASSWORD_AUTH sign-in with boto3.

    SECRET_HASH = base64( HMAC-SHA256( key = client secret, msg = username + client id ) )

Everything comes from the environment: COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET,
COGNITO_USERNAME, COGNITO_PASSWORD, AWS_REGION and, for a local Cognito,
COGNITO_ENDPOINT_URL.

    python signin.py hash     # print the SECRET_HASH only
    python signin.py signin   # call InitiateAuth; prints the outcome, never a token

SNIPPET_MISTAKE=hex shows the classic bug: .hexdigest() instead of base64.
Any other SNIPPET_MISTAKE value is refused (exit 2): unset, it runs the right code.
"""

import base64
import hashlib
import hmac
import os
import sys


def mistake(name: str) -> bool:
    """Does SNIPPET_MISTAKE switch on this snippet's mistake? Another value is refused."""
    value = os.environ.get("SNIPPET_MISTAKE", "")
    if value not in ("", name):
        print(f"error: SNIPPET_MISTAKE={value} is not known here: this snippet shows "
              f"SNIPPET_MISTAKE={name} (see its header); unset SNIPPET_MISTAKE for the right hash",
              file=sys.stderr)
        sys.exit(2)
    return value == name


def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    mac = hmac.new(client_secret.encode(), (username + client_id).encode(), hashlib.sha256)
    if mistake("hex"):
        return mac.hexdigest()  # WRONG: Cognito wants base64, not hex
    return base64.b64encode(mac.digest()).decode()


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        sys.exit(f"error: set {name}")
    return value


def sign_in(client_id: str, client_secret: str, username: str) -> int:
    import boto3  # imported here so that `hash` needs only the standard library
    from botocore.exceptions import ClientError

    cognito = boto3.client(
        "cognito-idp",
        region_name=os.environ.get("AWS_REGION"),  # None: boto3 falls back to AWS_DEFAULT_REGION
        endpoint_url=os.environ.get("COGNITO_ENDPOINT_URL"),  # None: the real regional endpoint
    )
    try:
        out = cognito.initiate_auth(
            AuthFlow="USER_PASSWORD_AUTH",
            ClientId=client_id,
            AuthParameters={
                "USERNAME": username,
                "PASSWORD": env("COGNITO_PASSWORD"),
                "SECRET_HASH": secret_hash(username, client_id, client_secret),
            },
        )
    except ClientError as exc:
        error = exc.response["Error"]
        print(f"{error['Code']}: {error['Message']}")
        return 1
    if "AuthenticationResult" in out:
        print("signed in: got tokens")
    else:
        print(f"challenge: {out['ChallengeName']}")
    return 0


def main() -> int:
    client_id = env("COGNITO_CLIENT_ID")
    client_secret = env("COGNITO_CLIENT_SECRET")
    username = env("COGNITO_USERNAME")
    mode = sys.argv[1] if len(sys.argv) > 1 else "hash"
    if mode == "hash":
        print(secret_hash(username, client_id, client_secret))
        return 0
    if mode == "signin":
        return sign_in(client_id, client_secret, username)
    sys.exit("usage: python signin.py [hash|signin]")


if __name__ == "__main__":
    sys.exit(main())

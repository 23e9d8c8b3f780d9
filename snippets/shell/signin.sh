#!/usr/bin/env bash
# Cognito SECRET_HASH with openssl + base64, and a USER_PASSWORD_AUTH sign-in with curl.
#
#   SECRET_HASH = base64( HMAC-SHA256( key = client secret, msg = username + client id ) )
#
# Everything comes from the environment: COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET,
# COGNITO_USERNAME, COGNITO_PASSWORD, AWS_REGION and, for a local Cognito,
# COGNITO_ENDPOINT_URL. Needs bash, openssl, base64, curl and jq.
#
#   bash signin.sh hash     # print the SECRET_HASH only
#   bash signin.sh signin   # call InitiateAuth; prints the outcome, never a token
#
# The trap: `echo "$USERNAME$CLIENT_ID" | openssl ...` hashes a trailing newline too,
# and Cognito answers "Unable to verify secret hash". printf '%s' adds nothing.
# SNIPPET_MISTAKE=newline shows it. Any other SNIPPET_MISTAKE value is refused (exit 2):
# unset, it runs the right code.
# Note: openssl takes the key as an argument, so other local users can see it in `ps`
# while it runs; on a shared machine prefer a real language.
set -euo pipefail

: "${COGNITO_CLIENT_ID:?set COGNITO_CLIENT_ID}"
: "${COGNITO_CLIENT_SECRET:?set COGNITO_CLIENT_SECRET}"
: "${COGNITO_USERNAME:?set COGNITO_USERNAME}"

# mistake NAME: does SNIPPET_MISTAKE switch on this snippet's mistake? Another value is refused.
mistake() {
  case "${SNIPPET_MISTAKE:-}" in
    "") return 1 ;;
    "$1") return 0 ;;
    *) echo "error: SNIPPET_MISTAKE=$SNIPPET_MISTAKE is not known here: this snippet shows SNIPPET_MISTAKE=$1 (see its header); unset SNIPPET_MISTAKE for the right hash" >&2
       exit 2 ;;
  esac
}

secret_hash() { # username client_id client_secret
  if mistake newline; then
    echo "$1$2" | openssl dgst -sha256 -hmac "$3" -binary | base64   # WRONG: hashes "\n" too
  else
    printf '%s' "$1$2" | openssl dgst -sha256 -hmac "$3" -binary | base64
  fi
}

sign_in() {
  : "${COGNITO_PASSWORD:?set COGNITO_PASSWORD}"
  : "${AWS_REGION:?set AWS_REGION}"
  local endpoint="${COGNITO_ENDPOINT_URL:-https://cognito-idp.$AWS_REGION.amazonaws.com}"
  local hash body response
  hash="$(secret_hash "$COGNITO_USERNAME" "$COGNITO_CLIENT_ID" "$COGNITO_CLIENT_SECRET")"
  body="$(jq -n --arg c "$COGNITO_CLIENT_ID" --arg u "$COGNITO_USERNAME" \
    --arg p "$COGNITO_PASSWORD" --arg h "$hash" \
    '{AuthFlow: "USER_PASSWORD_AUTH", ClientId: $c,
      AuthParameters: {USERNAME: $u, PASSWORD: $p, SECRET_HASH: $h}}')"
  # the body goes on stdin (-d @-), so the password is not in curl's arguments
  response="$(printf '%s' "$body" | curl -sS -X POST "$endpoint/" \
    -H 'Content-Type: application/x-amz-json-1.1' \
    -H 'X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth' \
    -d @-)"
  if jq -e '.AuthenticationResult' >/dev/null <<<"$response"; then
    echo "signed in: got tokens"
  elif jq -e '.ChallengeName' >/dev/null <<<"$response"; then
    echo "challenge: $(jq -r '.ChallengeName' <<<"$response")"
  else
    # errors look like {"__type": "NotAuthorizedException", "message": "..."}
    jq -r '"\(.__type | sub(".*#"; "")): \(.message // .Message)"' <<<"$response"
    return 1
  fi
}

case "${1:-hash}" in
  hash) secret_hash "$COGNITO_USERNAME" "$COGNITO_CLIENT_ID" "$COGNITO_CLIENT_SECRET" ;;
  signin) sign_in ;;
  *) echo "usage: bash signin.sh [hash|signin]" >&2; exit 2 ;;
esac

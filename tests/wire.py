"""Helpers for tests that speak HTTP to the local Cognito by hand (http.client, raw sockets)."""

from __future__ import annotations

from cognito_helpers.local.validation import is_unsigned

__all__ = ["DUMMY_SIGV4", "is_unsigned"]

#: A SigV4 Authorization header of the shape SDKs send. The local Cognito checks
#: that signed operations carry one (as AWS does), not the signature itself.
DUMMY_SIGV4 = (
    "AWS4-HMAC-SHA256 Credential=AKIALOCALCOGNITO0000/20260101/us-east-1/cognito-idp/"
    "aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=" + "0" * 64
)

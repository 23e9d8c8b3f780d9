"""A response body already read, in the shape botocore's ``AWSResponse`` reads it.

Both ways a boto3 call reaches the local Cognito without botocore's own HTTP
stack use it: the deadline's sender (:mod:`cognito_helpers.deadline`) and the
in-process door of the browser edition (:mod:`cognito_helpers.local.in_process`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


class RawBody:
    """The body already read, as botocore's AWSResponse wants it (``raw.stream()``)."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def stream(self, *args: Any, **kwargs: Any) -> Iterator[bytes]:
        yield self._data

    def read(self, *args: Any) -> bytes:
        data, self._data = self._data, b""
        return data

    def close(self) -> None:
        pass

"""The DEBUG-log redaction masks a sensitive value whole, whatever quotes and backslashes it holds."""

import json
import logging

import pytest

from cognito_helpers.safelog import RedactingFilter, redact_text

TRICKY = ['pa"ss-TAIL', "pa'ss-TAIL", 'a\\"b-TAIL', 'ends-TAIL\\', 'x", "USERNAME": "TAIL', '"TAIL"']


def _body(password):
    return json.dumps({"AuthFlow": "USER_PASSWORD_AUTH", "AuthParameters": {"USERNAME": "alice", "PASSWORD": password}})


@pytest.mark.parametrize("password", TRICKY)
def test_plain_json_body(password):
    out = redact_text(_body(password))
    assert "TAIL" not in out and "<redacted>" in out


@pytest.mark.parametrize("password", TRICKY)
def test_botocore_request_line_with_bytes_body(password):
    # botocore.endpoint: "Making request for ... with params: {..., 'body': b'{...}'}"
    params = {"url_path": "/", "method": "POST", "body": _body(password).encode()}
    line = f"Making request for OperationModel(name=InitiateAuth) with params: {params}"
    out = redact_text(line)
    assert "TAIL" not in out and "<redacted>" in out
    assert "'url_path': '/'" in out  # what comes before the body is kept


@pytest.mark.parametrize("password", TRICKY)
def test_dict_repr(password):
    out = redact_text(repr({"Username": "alice", "Password": password}))
    assert "TAIL" not in out and "'Username': 'alice'" in out


def test_unterminated_value_is_masked_to_the_end():
    assert "TAIL" not in redact_text('"PASSWORD": "abc\\" TAIL')


def test_username_after_the_password_survives():
    out = redact_text(_body('pa"ss'))
    assert '"USERNAME": "alice"' in out and "pa" not in out.split("PASSWORD")[1]


def test_filter_on_a_record_with_args():
    params = {"body": _body('se"cret-TAIL').encode()}
    record = logging.LogRecord("botocore.endpoint", logging.DEBUG, __file__, 1, "with params: %s", (params,), None)
    assert RedactingFilter().filter(record)
    assert "TAIL" not in record.getMessage()

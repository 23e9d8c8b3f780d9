r"""Request validation: the API model's types, required members and constraints, as AWS checks them.

moto and the layer assume the types the API model (botocore's cognito-idp
``service-2.json``) declares; a request that breaks them is refused here, before
any handler runs (so before the secret-hash check), with the exception AWS answers.

Beyond types, AWS's front end checks every member against the model's
constraints (``min``/``max`` lengths and values, ``pattern``) and answers all the
broken ones in one InvalidParameterException, in the form AWS's services share
(seen in many public reports, e.g. amazon-cognito-identity-js #551, boto3 #3581)::

    1 validation error detected: Value at 'secretHash' failed to satisfy constraint:
    Member must satisfy regular expression pattern: [\w+=/]+

    2 validation errors detected: Value '' at 'confirmationCode' failed to satisfy
    constraint: Member must satisfy regular expression pattern: [\S]+; Value '' at ...

The value is quoted unless the model marks the shape ``sensitive`` (SecretHash,
Username, ClientId, Password...): AWS then leaves it out, and so do we.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable
from typing import Any

from .answers import AwsFault

__all__ = ["check_types", "is_unsigned"]

# JSON types of the API model's shapes (botocore's cognito-idp service-2.json).
_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "blob": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "long": (int,),
    "double": (int, float),
    "float": (int, float),
    "timestamp": (int, float, str),
    "structure": (dict,),
    "map": (dict,),
    "list": (list,),
}
_model_lock = threading.Lock()
_model: Any = None


def _service_model() -> Any:
    global _model
    with _model_lock:
        if _model is None:
            from ..sdk_session import botocore_session

            _model = botocore_session().get_service_model("cognito-idp")
        return _model


def _type_error(path: str, shape: Any, value: Any) -> str | None:
    """Where ``value`` does not have the JSON type ``shape`` needs (None: it does)."""
    if value is None:
        return None  # AWS treats null as absent
    expected = _JSON_TYPES.get(shape.type_name)
    if expected is None:
        return None
    if not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected):
        return f"{path} must be a {shape.type_name}, not {type(value).__name__}"
    if shape.type_name == "structure":
        for name, member in shape.members.items():
            found = _type_error(f"{path}.{name}" if path else name, member, value.get(name))
            if found:
                return found
    elif shape.type_name == "list":
        for i, item in enumerate(value):
            found = _type_error(f"{path}[{i}]", shape.member, item)
            if found:
                return found
    elif shape.type_name == "map":
        for key, item in value.items():
            found = _type_error(f"{path}.{key}", shape.value, item)
            if found:
                return found
    return None


_patterns: dict[str, Callable[[str], bool] | None] = {}
_UNICODE_CLASS = re.compile(r"\[((?:\\p\{[A-Z][a-z]?\})+)\]\+")


def _matcher(pattern: str) -> Callable[[str], bool] | None:
    """A full-match test for one of the model's (Java) patterns; None if it cannot be read."""
    if pattern in _patterns:
        return _patterns[pattern]
    found: Callable[[str], bool] | None = None
    unicode_class = _UNICODE_CLASS.fullmatch(pattern)
    if unicode_class:
        # [\p{L}\p{M}\p{S}\p{N}\p{P}]+ (UsernameType): Unicode general categories.
        cats = tuple(re.findall(r"\{(\w+)\}", unicode_class.group(1)))
        found = lambda v: bool(v) and all(unicodedata.category(c).startswith(cats) for c in v)  # noqa: E731
    elif "\\p{" not in pattern:
        try:
            # Java's \w and \s are ASCII-only by default, as re.ASCII makes Python's.
            rx = re.compile(pattern, re.ASCII | re.DOTALL)
            found = lambda v: rx.fullmatch(v) is not None  # noqa: E731
        except re.error:
            found = None
    _patterns[pattern] = found
    return found


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _constraint_errors(path: str, shape: Any, value: Any, hidden: bool, out: list[str]) -> None:
    """Append AWS's text for each constraint of ``shape`` that ``value`` breaks."""
    if value is None:
        return
    md = shape.metadata
    hidden = hidden or bool(md.get("sensitive"))
    where = f"Value at '{path}'" if hidden else f"Value '{_shown(value)}' at '{path}'"

    def fail(rule: str) -> None:
        out.append(f"{where} failed to satisfy constraint: Member must {rule}")

    kind = shape.type_name
    if kind in ("string", "list"):
        size = len(value)
        if "min" in md and size < md["min"]:
            fail(f"have length greater than or equal to {md['min']}")
        if "max" in md and size > md["max"]:
            fail(f"have length less than or equal to {md['max']}")
    elif kind in ("integer", "long") and not isinstance(value, bool):
        if "min" in md and value < md["min"]:
            fail(f"have value greater than or equal to {md['min']}")
        if "max" in md and value > md["max"]:
            fail(f"have value less than or equal to {md['max']}")
    if kind == "string" and "pattern" in md:
        match = _matcher(md["pattern"])
        if match is not None and not match(value):
            fail(f"satisfy regular expression pattern: {md['pattern']}")
    if kind == "structure":
        for name, member in shape.members.items():
            sub = name[:1].lower() + name[1:]
            if value.get(name) is None and name in shape.required_members:
                out.append(
                    f"Value null at '{path + '.' if path else ''}{sub}' failed to satisfy "
                    "constraint: Member must not be null"
                )
                continue
            _constraint_errors(f"{path}.{sub}" if path else sub, member, value.get(name), hidden, out)
    elif kind == "list":
        for i, item in enumerate(value, start=1):
            _constraint_errors(f"{path}.{i}.member", shape.member, item, hidden, out)


def check_types(operation: str, params: dict[str, Any]) -> None:
    """Refuse unknown operations and members of the wrong JSON type, as AWS's front end does.

    moto and this layer assume the types the API model declares; a list where
    a string belongs used to crash them (a 500 with an HTML page).
    """
    model = _service_model()
    if operation not in model.operation_names:
        raise AwsFault(
            "UnknownOperationException",
            f"Unknown operation {operation!r}; see the Amazon Cognito user pools API reference.",
        )
    shape = model.operation_model(operation).input_shape
    problem = _type_error("", shape, params) if shape is not None else None
    if problem:
        # AWS answers a wrongly typed member with SerializationException (wording is ours).
        raise AwsFault("SerializationException", f"Cannot deserialize the request: {problem}.")
    if shape is None:
        return
    errors: list[str] = []
    _constraint_errors("", shape, params, False, errors)
    if errors:
        count = f"{len(errors)} validation error{'s' if len(errors) > 1 else ''} detected"
        raise AwsFault("InvalidParameterException", f"{count}: " + "; ".join(errors))


def is_unsigned(operation: str) -> bool:
    """Whether AWS serves ``operation`` without a SigV4 signature (the model's ``authtype: none``).

    InitiateAuth, SignUp, RespondToAuthChallenge, GetUser... (the operations
    browsers call); every admin and management operation is signed.
    """
    model = _service_model()
    if operation not in model.operation_names:
        return False
    op = model.operation_model(operation)
    return op.auth_type == "none" or getattr(op, "auth", None) == ["smithy.api#noAuth"]

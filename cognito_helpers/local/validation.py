"""Request validation: the API model's JSON types and required members, as AWS's front end checks them.

moto and the layer assume the types the API model (botocore's cognito-idp
``service-2.json``) declares; a request that breaks them is refused here, before
any handler runs, with the exception AWS answers.
"""

from __future__ import annotations

import threading
from typing import Any

from .answers import AwsFault

__all__ = ["check_types"]

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
            import botocore.session

            _model = botocore.session.get_session().get_service_model("cognito-idp")
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


def _missing(path: str, shape: Any, value: Any) -> str | None:
    """The first required member absent from ``value`` (already type-checked), as AWS names it."""
    if value is None:
        return None
    if shape.type_name == "structure":
        for name in shape.required_members:
            if value.get(name) is None:
                return f"{path}.{name}" if path else name[:1].lower() + name[1:]
        for name, member in shape.members.items():
            found = _missing(f"{path}.{name}" if path else name, member, value.get(name))
            if found:
                return found
    elif shape.type_name == "list":
        for i, item in enumerate(value):
            found = _missing(f"{path}[{i}]", shape.member, item)
            if found:
                return found
    return None


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
    absent = _missing("", shape, params) if shape is not None else None
    if absent:
        raise AwsFault(
            "InvalidParameterException",
            f"1 validation error detected: Value null at '{absent}' failed to satisfy "
            "constraint: Member must not be null",
        )

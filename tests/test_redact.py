"""mask(): enough to tell secrets apart, never enough to use one."""

from __future__ import annotations

import pytest

from cognito_helpers import mask


def test_long_value_keeps_two_characters_each_end():
    assert mask("ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b") == "ps…2b (51 chars)"


@pytest.mark.parametrize("value", ["short", "123456789", "x"])
def test_short_values_keep_nothing(value):
    masked = mask(value)
    assert masked.startswith("… (") and value not in masked


def test_invisible_characters_are_escaped_not_printed():
    masked = mask("ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2\n")
    assert masked == "ps…2\\n (51 chars)"
    assert "\n" not in masked


@pytest.mark.parametrize(("value", "expected"), [(None, "<none>"), ("", "<empty>"), (42, "<int>")])
def test_odd_values(value, expected):
    assert mask(value) == expected


def test_keep_zero_shows_only_the_length():
    assert mask("Lab-0123456789ab-Pw1!", keep=0) == "… (21 chars)"

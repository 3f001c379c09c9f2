"""A rule's lookup reads a number or boolean by its JSON text: the fast spelling of that text
(no ``json.dumps`` per value) is exactly what ``json.dumps`` writes."""

from __future__ import annotations

import json
from typing import Any

from accord.runtime.mapping import _key
from hypothesis import given, settings
from hypothesis import strategies as st


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.integers(), st.floats(), st.booleans(), st.text(max_size=5)))
def test_lookup_key_is_the_json_text(value: Any) -> None:
    assert _key(value) == (value if isinstance(value, str) else json.dumps(value))


def test_lookup_key_examples() -> None:
    for value in (0, -7, 10**30, True, False, 1.5, -0.0, 1e16, 1e-7, 2.0):
        assert _key(value) == json.dumps(value)

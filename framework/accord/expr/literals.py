"""Turning spec data into Python source safely: literals by construction, comments escaped.

Nothing from a spec is ever pasted into generated code as text. Values become literals built
from ``repr`` of JSON scalars; text that appears in comments is escaped so it cannot end the
comment line.
"""

from __future__ import annotations

import json
import math
from typing import Any

from accord.errors import CodegenError

__all__ = ["LINE_BREAKS", "comment_text", "py_literal", "text_keys"]


def text_keys(table: dict[str, Any]) -> bool:
    """No key of the lookup ``table`` is the JSON text of a number or a boolean (``"1"``,
    ``"2.5"``, ``"true"``). A number or boolean is looked up by that text, so with such a
    table it always misses, and generated code may read the table with ``dict.get`` without
    testing the value's type first."""
    for key in table:
        try:
            value = json.loads(key)
        except ValueError:
            continue
        if isinstance(value, int | float):  # bool is an int
            return False
    return True


def py_literal(value: Any) -> str:
    """Python source that evaluates to a fresh copy of a JSON value (deterministic; dict order
    is the spec's order). Tuples stay tuples; a non-finite float becomes ``float('inf')``."""
    if value is None or isinstance(value, bool | int | str):
        return repr(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else f"float({str(value)!r})"
    if isinstance(value, list | tuple):
        inner = ", ".join(py_literal(v) for v in value)
        if isinstance(value, list):
            return f"[{inner}]"
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py_literal(str(k))}: {py_literal(v)}"
                               for k, v in value.items()) + "}"
    raise CodegenError(f"cannot embed a {type(value).__name__} in generated code")


#: Every character ``str.splitlines()`` ends a line on (not only ``\r`` and ``\n``).
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def comment_text(text: str) -> str:
    """``text`` as one line of printable characters, safe after a ``#``: the one comment
    escaper (the expression compiler's ``# jmespath:`` line and every generator comment).

    Every character that is not printable, and every character ``str.splitlines()`` breaks a
    line on, becomes its ``unicode_escape`` form; a backslash is doubled, so the escaping is
    unambiguous and nothing can end the comment line."""
    out = []
    for ch in text:
        if ch == "\\" or ch in LINE_BREAKS or (not ch.isprintable() and ch != " "):
            out.append(ch.encode("unicode_escape", "backslashreplace").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)

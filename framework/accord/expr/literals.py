"""Turning spec data into Python source safely: literals by construction, comments escaped.

Nothing from a spec is ever pasted into generated code as text. Values become literals built
from ``repr`` of JSON scalars; text that appears in comments is escaped so it cannot end the
comment line.
"""

from __future__ import annotations

import math
from typing import Any

from accord.errors import CodegenError

__all__ = ["comment_text", "py_literal"]


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


def comment_text(text: str) -> str:
    """``text`` made safe for a ``#`` comment: no line breaks, control characters escaped."""
    out = []
    for ch in text:
        if ch == "\\" or (not ch.isprintable() and ch != " "):
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)

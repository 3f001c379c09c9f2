"""Fast paths for the functions mappings call most, bound as ``_j.fn_<name>`` in place of the
signature-checked wrappers.

Each handles the common argument types directly and hands anything else to the checked
function, so results and errors are exactly the checked function's (the compliance and
differential tests run through these).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accord.runtime.jmes.signature import FUNCTIONS

__all__ = ["fast_functions"]


def fast_functions() -> dict[str, Callable[..., Any]]:
    """``{"fn_join": ..., ...}``: the fast path of each function that has one."""
    checked_join = FUNCTIONS["join"].checked
    checked_to_string = FUNCTIONS["to_string"].checked

    def fn_join(glue: Any, values: Any) -> Any:
        """``join``: a string glue and an array of strings joined by ``str.join``."""
        if type(glue) is str and type(values) is list:
            try:
                return glue.join(values)
            except TypeError:  # a non-string element: the checked path raises the error
                pass
        return checked_join(glue, values)

    def fn_to_string(value: Any) -> Any:
        """``to_string``: strings unchanged, ints and finite floats as their JSON text."""
        kind = type(value)
        if kind is str:
            return value
        if kind is int:
            return int.__repr__(value)
        if kind is float and value - value == 0:  # finite (inf - inf and nan are nan)
            return float.__repr__(value)
        return checked_to_string(value)

    return {"fn_join": fn_join, "fn_to_string": fn_to_string}

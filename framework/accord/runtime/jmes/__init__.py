"""Run-time support for compiled JMESPath: the namespace generated code calls as ``_j``.

Compiled expressions (``accord.expr``) are plain Python that reference these helpers by
attribute, after ``from accord.runtime import jmes as _j``:

* ``_j.eq / ne / lt / le / gt / ge``: comparators (deep type-strict equality; ordering on
  numbers only, else null), ``_j.is_true`` / ``_j.not_``: JMESPath truthiness,
  ``_j.index``, ``_j.slice_``, ``_j.flatten``, ``_j.pluck`` (``a[*].b``).
* ``_j.round_to_string`` / ``_j.multiply_round_to_string``: ``to_string(round(x, n))`` and
  ``to_string(round(multiply(a, b), n))`` fused (same value or error; see ``fast``).
* ``_j.fn_<name>``: every function of :data:`FUNCTIONS` (the 26 built-ins and accord's
  library), type-checked from its one declared signature. ``_j.fn_if`` is ``if()``.

This package imports nothing from ``accord.expr``: the compiler depends on it, never the
other way round.
"""

from __future__ import annotations

from typing import Any

from accord.runtime.jmes import builtins as _builtins  # noqa: F401  (registers functions)
from accord.runtime.jmes import clock as _clock  # noqa: F401  (registers functions)
from accord.runtime.jmes import library as _library  # noqa: F401  (registers functions)
from accord.runtime.jmes import text as _text  # noqa: F401  (registers functions)
from accord.runtime.jmes.core import (
    NUMBER_TYPES,
    eq,
    flatten,
    ge,
    gt,
    index,
    is_number,
    is_true,
    le,
    lt,
    ne,
    not_,
    pluck,
    slice_,
    type_of,
)
from accord.runtime.jmes.fast import INT_FLOAT, fast_functions
from accord.runtime.jmes.signature import FUNCTIONS, Function, Param, function

__all__ = [
    "FUNCTIONS",
    "INT_FLOAT",
    "NUMBER_TYPES",
    "Function",
    "Param",
    "eq",
    "flatten",
    "function",
    "ge",
    "gt",
    "index",
    "is_number",
    "is_true",
    "le",
    "lt",
    "ne",
    "not_",
    "pluck",
    "slice_",
    "type_of",
]


def helper_name(function_name: str) -> str:
    """The ``_j`` attribute compiled code calls for a function: ``sum`` -> ``fn_sum``."""
    return f"fn_{function_name}"


def __getattr__(name: str) -> Any:
    if name.startswith("fn_") and name[3:] in FUNCTIONS:
        return FUNCTIONS[name[3:]].checked
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Bind fn_<name> as real module attributes so compiled code pays one dict lookup per call.
globals().update({helper_name(name): spec.checked for name, spec in FUNCTIONS.items()})
# ... and the fast paths of the hottest ones (same results and errors; see ``fast``).
globals().update(fast_functions())

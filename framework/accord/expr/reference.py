"""The reference interpreter: ``jmespath.search`` with accord's function library registered.

The library functions are the very ``Function`` declarations the compiler uses (signature and
implementation), registered through ``jmespath.Options(custom_functions=...)``; the built-ins
stay jmespath.py's own, which is what differential tests compare against.
"""

from __future__ import annotations

from typing import Any

import jmespath
from jmespath import exceptions as jexc
from jmespath.functions import Functions

from accord.errors import ExpressionError
from accord.expr.parse import TOO_DEEP, parse
from accord.runtime.jmes import FUNCTIONS, Function

__all__ = ["LIBRARY", "reference_options", "reference_search"]

#: accord's functions: everything the compiler knows that upstream JMESPath does not.
LIBRARY: dict[str, Function] = {
    name: spec for name, spec in FUNCTIONS.items() if name not in Functions.FUNCTION_TABLE
}


class AccordFunctions(Functions):  # type: ignore[misc]  # jmespath ships no type hints
    """jmespath.py's built-ins plus accord's library, bound to one calling scope."""

    def __init__(self, *, root: Any = None, parent: Any = None) -> None:
        self.root = root
        self.parent = parent

    def call_function(self, function_name: str, resolved_args: list[Any]) -> Any:
        spec = LIBRARY.get(function_name)
        if spec is None:
            return super().call_function(function_name, resolved_args)
        count = len(resolved_args)
        if count < spec.min_args or (spec.max_args is not None and count > spec.max_args):
            raise jexc.ArityError(spec.arity_text(), count, function_name)
        for position, value in enumerate(resolved_args):
            param = spec.params[min(position, len(spec.params) - 1)]
            allowed = [] if param.accepts_any else list(param.types)
            if allowed:
                self._type_check_single(value, allowed, function_name)
        if spec.context == "root":
            return self.root
        if spec.context == "parent":
            return self.parent
        return spec.impl(*resolved_args)


def reference_options(*, root: Any = None, parent: Any = None) -> jmespath.Options:
    """``jmespath.Options`` carrying accord's functions (and the scope root()/parent() read)."""
    return jmespath.Options(custom_functions=AccordFunctions(root=root, parent=parent))


def reference_search(
    expression: str, data: Any, *, root: Any = None, parent: Any = None
) -> Any:
    """Evaluate with the jmespath interpreter; its errors become ``ExpressionError`` kinds.

    A Python ``TypeError``/``ValueError`` escaping jmespath.py (e.g. ``max_by`` over mixed key
    types) is reported as ``invalid-type``/``invalid-value``, which is what the specification
    asks for.
    """
    parse(expression)  # syntax errors, with a column, the same way the compiler reports them
    options = reference_options(root=data if root is None else root, parent=parent)
    try:
        return jmespath.search(expression, data, options=options)
    except RecursionError:
        raise ExpressionError(TOO_DEEP, kind="syntax", expression=expression, column=0) from None
    except jexc.ArityError as error:
        raise ExpressionError(str(error), kind="invalid-arity", expression=expression) from None
    except jexc.UnknownFunctionError as error:
        raise ExpressionError(str(error), kind="unknown-function", expression=expression) from None
    except jexc.JMESPathTypeError as error:
        raise ExpressionError(str(error), kind="invalid-type", expression=expression) from None
    except TypeError as error:
        raise ExpressionError(str(error), kind="invalid-type", expression=expression) from None
    except ValueError as error:
        raise ExpressionError(str(error), kind="invalid-value", expression=expression) from None

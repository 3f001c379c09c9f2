"""Function signatures: each JMESPath function is declared once, with its parameter types.

A :class:`Function` holds the implementation and its :class:`Param` list. From that one
declaration come the compile-time arity check (``accord.expr``), the run-time type check
(:attr:`Function.checked`, what compiled code calls) and the signature handed to the reference
interpreter (``accord.expr.reference``), so the compiler and ``jmespath.search`` agree by
construction.

Type names are JMESPath's: ``any``, ``number``, ``string``, ``boolean``, ``array``, ``object``,
``null``, ``expref``, ``array-number``, ``array-string``.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from accord.runtime.jmes.core import invalid_type, is_number

__all__ = ["FUNCTIONS", "Function", "Param", "function"]

TYPE_NAMES = (
    "any",
    "number",
    "string",
    "boolean",
    "array",
    "object",
    "null",
    "expref",
    "array-number",
    "array-string",
)


def _all(predicate: Callable[[Any], bool]) -> Callable[[Any], bool]:
    def check(value: Any) -> bool:
        return isinstance(value, list) and all(predicate(element) for element in value)

    return check


_PREDICATES: dict[str, Callable[[Any], bool]] = {
    "any": lambda value: True,
    "number": is_number,
    "string": lambda value: isinstance(value, str),
    "boolean": lambda value: isinstance(value, bool),
    "array": lambda value: isinstance(value, list),
    "object": lambda value: isinstance(value, dict),
    "null": lambda value: value is None,
    "expref": lambda value: isinstance(value, types.FunctionType),
    "array-number": _all(is_number),
    "array-string": _all(lambda value: isinstance(value, str)),
}


@dataclass(frozen=True)
class Param:
    """One parameter: the JMESPath types it accepts; ``optional``/``variadic`` only on the last."""

    name: str
    types: tuple[str, ...] = ("any",)
    optional: bool = False
    variadic: bool = False

    def __post_init__(self) -> None:
        unknown = [name for name in self.types if name not in TYPE_NAMES]
        if unknown:
            raise ValueError(f"unknown JMESPath type(s) {unknown} for parameter {self.name!r}")

    @property
    def accepts_any(self) -> bool:
        return "any" in self.types

    @property
    def expected(self) -> str:
        """Human text for the accepted types, e.g. ``number or string``."""
        return " or ".join(self.types)

    def predicate(self) -> Callable[[Any], bool]:
        checks = [_PREDICATES[name] for name in self.types]
        if len(checks) == 1:
            return checks[0]
        return lambda value: any(check(value) for check in checks)


@dataclass(frozen=True)
class Function:
    """A JMESPath function: name, parameters, implementation, a one-line doc and an example.

    ``context`` marks the two functions that read the calling scope rather than arguments:
    ``"root"`` and ``"parent"``; the compiler emits those inline.
    """

    name: str
    params: tuple[Param, ...]
    impl: Callable[..., Any]
    doc: str = ""
    example: str = ""
    context: str | None = None
    checked: Callable[..., Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "checked", _make_checked(self))

    @property
    def min_args(self) -> int:
        return sum(1 for param in self.params if not param.optional)

    @property
    def max_args(self) -> int | None:
        if self.params and self.params[-1].variadic:
            return None
        return len(self.params)

    def arity_text(self) -> str:
        """``2``, ``2 or 3``, ``at least 1``: how many arguments the function takes."""
        if self.max_args is None:
            return f"at least {self.min_args}"
        if self.max_args == self.min_args:
            return str(self.min_args)
        return f"{self.min_args} to {self.max_args}"

    def signature_text(self) -> str:
        """``sum(array-number) -> ...``-style text used by the docs."""
        parts = []
        for param in self.params:
            text = f"{param.name}: {'|'.join(param.types)}"
            if param.variadic:
                text += ", ..."
            if param.optional:
                text = f"[{text}]"
            parts.append(text)
        return f"{self.name}({', '.join(parts)})"


def _make_checked(spec: Function) -> Callable[..., Any]:
    """Wrap ``spec.impl`` with the type checks its signature declares (arity is checked at
    compile time). Parameters that accept anything cost nothing."""
    impl = spec.impl
    checks: list[tuple[int, Callable[[Any], bool], str]] = [
        (position, param.predicate(), param.expected)
        for position, param in enumerate(spec.params)
        if not param.accepts_any
    ]
    variadic = bool(spec.params) and spec.params[-1].variadic and not spec.params[-1].accepts_any
    if not checks:
        return impl
    name = spec.name
    last = len(spec.params) - 1

    def checked(*args: Any) -> Any:
        count = len(args)
        for position, predicate, expected in checks:
            if position < count and not predicate(args[position]):
                invalid_type(name, args[position], expected)
        if variadic:
            predicate, expected = checks[-1][1], checks[-1][2]
            for value in args[last + 1 :]:
                if not predicate(value):
                    invalid_type(name, value, expected)
        return impl(*args)

    checked.__name__ = f"fn_{name}"
    checked.__qualname__ = f"fn_{name}"
    return checked


#: Every function the compiler knows: the 26 JMESPath built-ins and accord's library.
FUNCTIONS: dict[str, Function] = {}


def function(
    name: str,
    *params: Param,
    example: str = "",
    context: str | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated implementation as JMESPath function ``name``."""

    def register(impl: Callable[..., Any]) -> Callable[..., Any]:
        if name in FUNCTIONS:
            raise ValueError(f"function {name}() is defined twice")
        doc = (impl.__doc__ or "").strip().splitlines()
        FUNCTIONS[name] = Function(
            name=name,
            params=params,
            impl=impl,
            doc=doc[0] if doc else "",
            example=example,
            context=context,
        )
        return impl

    return register

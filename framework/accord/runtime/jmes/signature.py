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


#: Exact Python types of each plain JMESPath type (the fast path; see ``_slow``).
_EXACT: dict[str, frozenset[type]] = {
    "number": frozenset((int, float)),
    "string": frozenset((str,)),
    "boolean": frozenset((bool,)),
    "array": frozenset((list,)),
    "object": frozenset((dict,)),
    "null": frozenset((type(None),)),
    "expref": frozenset((types.FunctionType,)),
}
_NUMBERS = _EXACT["number"]
_STRINGS = _EXACT["string"]


def _slow(name: str, value: Any) -> bool:
    """Subclass-tolerant check (``OrderedDict``, ``str`` subclasses), after the fast one failed."""
    if name == "number":
        return is_number(value)
    if name == "string":
        return isinstance(value, str)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "array":
        return isinstance(value, list)
    if name == "object":
        return isinstance(value, dict)
    if name == "array-number":
        return isinstance(value, list) and all(is_number(element) for element in value)
    if name == "array-string":
        return isinstance(value, list) and all(isinstance(element, str) for element in value)
    return False


def _predicate(names: tuple[str, ...]) -> Callable[[Any], bool]:
    """One fast predicate for a union of JMESPath types (C-speed checks on whole arrays)."""
    if "any" in names:
        return lambda value: True
    exact = frozenset().union(*(_EXACT.get(name, frozenset()) for name in names))
    of_numbers = "array-number" in names
    of_strings = "array-string" in names

    def check(value: Any) -> bool:
        kind = type(value)
        if kind in exact:
            return True
        if kind is list and (
            (of_numbers and _NUMBERS.issuperset(map(type, value)))
            or (of_strings and _STRINGS.issuperset(map(type, value)))
        ):
            return True
        return any(_slow(name, value) for name in names)

    return check


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
        return _predicate(self.types)


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


_MISSING = object()


def _make_checked(spec: Function) -> Callable[..., Any]:
    """``spec.impl`` behind the type checks its signature declares, as a small generated
    function with one fixed parameter per declared one (arity is checked at compile time).
    Parameters that accept anything cost nothing."""
    params = spec.params
    if all(param.accepts_any for param in params):
        return spec.impl
    namespace: dict[str, Any] = {
        "impl": spec.impl, "invalid_type": invalid_type, "_M": _MISSING, "name": spec.name,
    }
    signature: list[str] = []
    body: list[str] = []
    passed: list[str] = []
    for position, param in enumerate(params):
        arg = f"a{position}"
        namespace[f"p{position}"] = param.predicate()
        namespace[f"e{position}"] = param.expected
        check = [] if param.accepts_any else [
            f"if not p{position}({arg}):", f"    invalid_type(name, {arg}, e{position})"
        ]
        if param.variadic:
            signature.append(f"*{arg}")
            if check:
                body += [f"for v in {arg}:", f"    if not p{position}(v):",
                         f"        invalid_type(name, v, e{position})"]
            passed.append(f"*{arg}")
            continue
        if param.optional:
            signature.append(f"{arg}=_M")
            body += [f"if {arg} is _M:", f"    return impl({', '.join(passed)})"]
        else:
            signature.append(arg)
        body += check
        passed.append(arg)
    body.append(f"return impl({', '.join(passed)})")
    source = f"def fn_{spec.name}({', '.join(signature)}):\n" + "".join(
        f"    {line}\n" for line in body
    )
    exec(compile(source, f"<accord.runtime.jmes signature of {spec.name}()>", "exec"), namespace)
    checked: Callable[..., Any] = namespace[f"fn_{spec.name}"]
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

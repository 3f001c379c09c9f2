"""JMESPath to Python: parse with jmespath's parser, emit straight-line Python, run at the
speed of hand-written code. ``accord.runtime.jmes`` holds every helper the emitted code calls.

Calling convention of compiled code
-----------------------------------
``emit_function(expr, name)`` returns the source of one function::

    def name(current, *, root=None, parent=None):
        ...

* ``current`` is the value the expression is applied to (``@``).
* ``root`` is what ``root()`` returns; when left out (None) it is ``current``, so at the top
  of a mapping nothing needs passing.
* ``parent`` is what ``parent()`` returns (None when left out). In an ``each:`` block the
  generator passes the record that holds the array being mapped:
  ``fn(line, root=record, parent=record)`` for ``each: lines``; nested ``each:`` blocks pass
  the enclosing element. ``root()`` and ``parent()`` do not change inside an expression's own
  projections: they describe the scope the mapping evaluates the expression in.

The source refers only to builtins (``isinstance``, ``len``, ``type``, ``int``, ``float``,
``list``, ``dict``, ``KeyError``, ``TypeError``: a module embedding it must not shadow those)
and to ``_j.<helper>``: the embedding module does ``from accord.runtime import jmes as _j``.
Temporaries inside are ``_t<N>``, ``_e<N>`` and ``_f<N>``, all local. Functions passed in
``functions=`` are called as ``_fx_<name>``; the embedding module binds each to its
``Function.checked``.

``compile_expression(expr)`` runs exactly that source (registered in ``linecache``) and
returns a :class:`CompiledExpression`: ``compiled(data, root=None, parent=None)``, with
``.source`` and ``.expression``.

Errors are ``accord.ExpressionError``: ``syntax``, ``invalid-arity``, ``unknown-function`` (and
``invalid-value`` for a zero slice step) at compile time, with ``.column`` and ``.caret()``;
``invalid-type`` and ``invalid-value`` at run time.

``emit_inline(expr, current, objects=..., condition=..., first_temp=...)`` returns the same
code as statements to paste into the caller's own function (``InlineCode``: ``lines`` then
a ``value`` expression), so the generator inlines each rule's expression into the mapping
body: no call, and field reads on the record are plain ``data.get('id')``. It returns None
for the few expressions that need local definitions (``&expr`` references, deeply nested
projections, constant tables); the generator then calls an ``emit_function`` instead.

``reference_search(expr, data)`` evaluates with the jmespath interpreter and the same function
library (``reference_options()``), for differential tests.
"""

from accord.expr.compiled import (
    CompiledExpression,
    InlineCode,
    SharedFilters,
    compile_expression,
    emit_function,
    emit_inline,
    shared_filter_keys,
    shared_map_key,
)
from accord.expr.parse import parse
from accord.expr.reference import reference_options, reference_search

__all__ = [
    "CompiledExpression",
    "InlineCode",
    "SharedFilters",
    "compile_expression",
    "emit_function",
    "emit_inline",
    "parse",
    "reference_options",
    "reference_search",
    "shared_filter_keys",
    "shared_map_key",
]

"""The public API: every name in ``accord.__all__`` resolves; importing the runtime stays light."""

from __future__ import annotations

import subprocess
import sys

import accord


def test_every_exported_name_resolves() -> None:
    for name in accord.__all__:
        assert getattr(accord, name) is not None, name


def test_unknown_name_is_an_attribute_error() -> None:
    try:
        accord.nothing_here  # noqa: B018
    except AttributeError as exc:
        assert "nothing_here" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")


def test_importing_the_runtime_does_not_load_the_toolchain() -> None:
    code = ("import sys, accord.runtime, accord.runtime.mapping, accord.runtime.jmes; "
            "print(sorted(m for m in sys.modules if m.startswith(('accord.workspace', "
            "'accord.expr', 'accord.check', 'accord.codegen', 'accord.compat', 'jsonschema', "
            "'jinja2'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_all_lists_exactly_the_lazy_exports() -> None:
    assert sorted(accord.__all__) == sorted([*accord._EXPORTS, "__version__"])

"""What generated transformer modules import.

Imports nothing from the compiler, checker, harness or cli.
"""

# The stream runner and validator load on first use: a generated module that imports
# accord.runtime for its helpers does not pay for jsonschema-rs or rich.
_LAZY = {
    "RunStats": "accord.runtime.stream",
    "run_files": "accord.runtime.stream",
    "run_stream": "accord.runtime.stream",
    "Validator": "accord.runtime.validate",
    "compile_validator": "accord.runtime.validate",
    "DeadLetter": "accord.runtime.deadletter",
    "ErrorClass": "accord.runtime.deadletter",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'accord.runtime' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)

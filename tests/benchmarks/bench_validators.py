"""Which JSON Schema validator does ``accord run`` use? Correctness on 2020-12 first, then speed.

Run: ``.venv/bin/python tests/benchmarks/bench_validators.py [--records N]``

1. Correctness probes: small 2020-12 schemas whose verdict differs when a validator ignores the
   2019-09/2020-12 vocabulary (``prefixItems``, ``unevaluatedProperties``, ``dependentRequired``,
   ``$ref`` with siblings, ``minContains``) or does not check formats (``date``, ``date-time``).
2. Speed: validate the examples of the canonical ``project@1.1.0`` contract (bundled, as
   ``accord run`` does) N times with each validator, in one run, and compare.

Not a test (timings vary by machine); the figures are in docs/running.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fastjsonschema
import jsonschema
import jsonschema_rs

REPO = Path(__file__).resolve().parents[2]
D2020 = "https://json-schema.org/draft/2020-12/schema"

# (name, schema, instance, valid?)
PROBES: list[tuple[str, dict[str, Any], Any, bool]] = [
    ("prefixItems", {"prefixItems": [{"type": "string"}], "items": False}, [1], False),
    ("prefixItems+items:false", {"prefixItems": [{"type": "string"}], "items": False},
     ["a", "b"], False),
    ("unevaluatedProperties",
     {"allOf": [{"properties": {"a": {}}}], "unevaluatedProperties": False},
     {"a": 1, "b": 2}, False),
    ("unevaluatedProperties ok",
     {"allOf": [{"properties": {"a": {}}}], "unevaluatedProperties": False}, {"a": 1}, True),
    ("dependentRequired", {"dependentRequired": {"a": ["b"]}}, {"a": 1}, False),
    ("$ref with siblings",
     {"$defs": {"s": {"type": "string"}}, "$ref": "#/$defs/s", "maxLength": 2}, "abc", False),
    ("minContains", {"contains": {"type": "integer"}, "minContains": 2}, [1, "a"], False),
    ("$defs ref", {"$defs": {"n": {"type": "integer"}},
                   "properties": {"x": {"$ref": "#/$defs/n"}}}, {"x": "a"}, False),
    ("format date", {"type": "string", "format": "date"}, "2026-13-45", False),
    ("format date-time", {"type": "string", "format": "date-time"}, "2026-11-22 10:00", False),
    ("format date ok", {"type": "string", "format": "date"}, "2026-11-22", True),
]


def _jsonschema(schema: dict[str, Any]) -> Callable[[Any], bool]:
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    return validator.is_valid


def _fastjsonschema(schema: dict[str, Any]) -> Callable[[Any], bool]:
    check = fastjsonschema.compile(schema)

    def is_valid(instance: Any) -> bool:
        try:
            check(instance)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    return is_valid


def _jsonschema_rs(schema: dict[str, Any]) -> Callable[[Any], bool]:
    validator = jsonschema_rs.validator_for(schema, validate_formats=True)
    return validator.is_valid  # type: ignore[no-any-return]


VALIDATORS: dict[str, Callable[[dict[str, Any]], Callable[[Any], bool]]] = {
    "jsonschema": _jsonschema,
    "fastjsonschema": _fastjsonschema,
    "jsonschema-rs": _jsonschema_rs,
}


def probe() -> dict[str, list[str]]:
    wrong: dict[str, list[str]] = {name: [] for name in VALIDATORS}
    for label, schema, instance, expected in PROBES:
        full = {"$schema": D2020, **schema}
        for name, factory in VALIDATORS.items():
            try:
                verdict = factory(full)(instance)
            except Exception as exc:  # a validator that cannot compile the schema is wrong too
                wrong[name].append(f"{label} (error: {type(exc).__name__})")
                continue
            if verdict is not expected:
                wrong[name].append(label)
    return wrong


def speed(records: int) -> dict[str, float]:
    sys.path.insert(0, str(REPO / "framework"))
    from accord.project import load_workspace

    contracts = load_workspace(REPO).contracts
    schema = contracts.bundle("project", "1.1.0")
    examples = schema.get("examples") or [{}]
    results: dict[str, float] = {}
    for name, factory in VALIDATORS.items():
        try:
            is_valid = factory(schema)
        except Exception as exc:
            print(f"  {name}: cannot compile the contract ({type(exc).__name__}: {exc})"[:160])
            continue
        verdicts = {is_valid(e) for e in examples}
        n = records if name != "jsonschema" else max(1, records // 20)
        start = time.perf_counter()
        for i in range(n):
            is_valid(examples[i % len(examples)])
        elapsed = time.perf_counter() - start
        results[name] = n / elapsed
        print(f"  {name:15s} {n / elapsed:>10,.0f} rec/s   examples valid: {sorted(verdicts)}")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=50_000)
    args = parser.parse_args()
    print(f"correctness on {len(PROBES)} JSON Schema 2020-12 probes:")
    for name, wrong in probe().items():
        verdict = "all correct" if not wrong else f"WRONG on {len(wrong)}: {', '.join(wrong)}"
        print(f"  {name:15s} {verdict}")
    print(f"speed: canonical project@1.1.0 examples, {args.records:,} validations "
          "(jsonschema: 1/20 of them)")
    results = speed(args.records)
    if "jsonschema-rs" in results:
        base = results["jsonschema-rs"]
        for name, rate in results.items():
            print(f"  {name:15s} {rate / base:6.2f}x jsonschema-rs")


if __name__ == "__main__":
    main()

"""Compiled JMESPath vs ``jmespath.compile(e).search`` vs hand-written Python, in one run.

Run: ``.venv/bin/python tests/benchmarks/bench_expr.py [--quick]``. Not collected by pytest.

Two sets: the compliance suite's ``benchmarks.json`` cases, and realistic mapping expressions
over an invoice-like record with 40 line items (field paths, filters over line items, sums,
lookups). Each line shows the time per call and the two ratios; the summary gives the geometric
mean per kind. Targets: compiled >= 10x jmespath on path, projection and filter expressions,
and within 1.5x of hand-written Python.
"""

from __future__ import annotations

import json
import math
import os
import sys
import timeit
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jmespath
from accord.expr import compile_expression, reference_options

#: the JMESPath compliance suite (ACCORD_JMESPATH_COMPLIANCE, else ../shared beside the repo)
SUITE = Path(os.environ.get("ACCORD_JMESPATH_COMPLIANCE") or
             Path(__file__).resolve().parents[2] / ".." / "shared" / "jmespath-compliance")


@dataclass(frozen=True)
class Bench:
    kind: str  # path | projection | filter | function | other
    expression: str
    data: Any
    by_hand: Callable[[Any], Any] | None = None


def _record() -> dict[str, Any]:
    statuses = ["open", "billed", "open", "void"]
    return {
        "id": "INV-1042",
        "status": "open",
        "currency": "EUR",
        "subtotal": 1234.5,
        "tax": 234.56,
        "customer": {
            "id": "C-7",
            "name": "Acme GmbH",
            "nickname": None,
            "address": {"street": "Hauptstr. 1", "city": "Berlin", "country": "de"},
            "contact": {"email": "ap@acme.example", "phone": None},
        },
        "lines": [
            {
                "sku": f"SKU-{n}",
                "description": f"Consulting block {n}",
                "quantity": n % 5,
                "amount": round(12.5 * (n % 7 + 1), 2),
                "status": statuses[n % 4],
                "billable": n % 3 != 0,
                "project": {"id": f"P-{n % 4}", "code": f"PRJ{n % 4}"},
            }
            for n in range(40)
        ],
    }


STATUS = {"open": "O", "billed": "B", "void": "V"}


def _hand_written() -> list[Bench]:
    record = _record()
    return [
        Bench("path", "id", record, lambda r: r.get("id")),
        Bench("path", "customer.address.city", record,
              lambda r: ((r.get("customer") or {}).get("address") or {}).get("city")),
        Bench("path", "customer.contact.fax", record,
              lambda r: ((r.get("customer") or {}).get("contact") or {}).get("fax")),
        Bench("path", "lines[0].project.code", record,
              lambda r: r["lines"][0]["project"]["code"] if r.get("lines") else None),
        Bench("projection", "lines[*].sku", record,
              lambda r: [x for x in (line.get("sku") for line in r["lines"]) if x is not None]),
        Bench("projection", "lines[*].project.id", record,
              lambda r: [line["project"]["id"] for line in r["lines"]]),
        Bench("projection", "lines[*].{sku: sku, qty: quantity}", record,
              lambda r: [{"sku": line.get("sku"), "qty": line.get("quantity")}
                         for line in r["lines"]]),
        Bench("filter", "lines[?status == 'open'].sku", record,
              lambda r: [line["sku"] for line in r["lines"] if line.get("status") == "open"]),
        Bench("filter", "lines[?quantity > `2`].amount", record,
              lambda r: [line["amount"] for line in r["lines"]
                         if isinstance(line.get("quantity"), int | float)
                         and line["quantity"] > 2]),
        Bench("filter", "lines[?billable && status != 'void'].amount", record,
              lambda r: [line["amount"] for line in r["lines"]
                         if line.get("billable") and line.get("status") != "void"]),
        Bench("function", "sum(lines[*].amount)", record,
              lambda r: sum(line["amount"] for line in r["lines"])),
        Bench("function", "length(lines[?billable])", record,
              lambda r: len([line for line in r["lines"] if line.get("billable")])),
        Bench("function",
              "lookup(`{\"open\": \"O\", \"billed\": \"B\", \"void\": \"V\"}`, status, 'X')",
              record, lambda r: STATUS.get(r.get("status"), "X")),
        Bench("function", "coalesce(customer.nickname, customer.name)", record,
              lambda r: r["customer"].get("nickname") or r["customer"].get("name")),
        Bench("function", "upper(customer.address.country)", record,
              lambda r: r["customer"]["address"]["country"].upper()),
        Bench("other", "{id: id, customer: customer.name, total: subtotal}", record,
              lambda r: {"id": r.get("id"), "customer": r["customer"].get("name"),
                         "total": r.get("subtotal")}),
    ]


def _suite_benches() -> list[Bench]:
    path = SUITE / "benchmarks.json"
    benches: list[Bench] = []
    if not path.is_file():
        print(f"(compliance benchmarks skipped: {path} not found; set "
              "ACCORD_JMESPATH_COMPLIANCE)", file=sys.stderr)
        return benches
    for group in json.loads(path.read_text(encoding="utf-8")):
        for case in group["cases"]:
            expression = case["expression"]
            kind = "other"
            if "[*]" in expression:
                kind = "projection"
            elif "[?" in expression:
                kind = "filter"
            elif expression.replace(".", "").replace("_", "").isalnum():
                kind = "path"
            benches.append(Bench(kind, expression, group["given"]))
    return benches


def _per_call(function: Callable[[Any], Any], data: Any, budget: float) -> float:
    timer = timeit.Timer(lambda: function(data))
    number, _ = timer.autorange()
    number = max(1, int(number * budget / 0.2))
    return min(timer.repeat(repeat=5, number=number)) / number


def _row(bench: Bench, budget: float) -> tuple[float, float, float | None]:
    compiled = compile_expression(bench.expression).function
    interpreted = jmespath.compile(bench.expression)
    options = reference_options()
    expected = interpreted.search(bench.data, options=options)
    assert compiled(bench.data) == expected, bench.expression
    ours = _per_call(compiled, bench.data, budget)
    theirs = _per_call(lambda d: interpreted.search(d, options=options), bench.data, budget)
    hand = None
    if bench.by_hand is not None:
        assert bench.by_hand(bench.data) == expected, f"hand-written {bench.expression}"
        hand = _per_call(bench.by_hand, bench.data, budget)
    return ours, theirs, hand


def _geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(value) for value in values) / len(values)) if values else 0.0


def main(argv: list[str]) -> int:
    budget = 0.05 if "--quick" in argv else 0.2
    speedups: dict[str, list[float]] = {}
    hand_ratios: dict[str, list[float]] = {}
    for title, benches in (("realistic mapping expressions", _hand_written()),
                           ("compliance benchmarks.json", _suite_benches())):
        print(f"\n== {title}")
        print(f"{'kind':<11}{'compiled':>11}{'jmespath':>11}{'hand':>11}{'x jmes':>8}"
              f"{'/ hand':>8}  expression")
        for bench in benches:
            ours, theirs, hand = _row(bench, budget)
            speedup = theirs / ours
            speedups.setdefault(bench.kind, []).append(speedup)
            hand_text, ratio_text = "", ""
            if hand is not None:
                hand_ratios.setdefault(bench.kind, []).append(ours / hand)
                hand_text, ratio_text = f"{hand * 1e6:9.2f}us", f"{ours / hand:7.2f}x"
            print(f"{bench.kind:<11}{ours * 1e6:9.2f}us{theirs * 1e6:9.2f}us{hand_text:>11}"
                  f"{speedup:7.1f}x{ratio_text:>8}  {bench.expression[:60]}")
    print("\n== geometric means per kind (all rows)")
    for kind in sorted(speedups):
        hand_text = ""
        if kind in hand_ratios:
            hand_text = f", {_geomean(hand_ratios[kind]):.2f}x the time of hand-written"
        print(f"{kind:<11} {_geomean(speedups[kind]):6.1f}x faster than jmespath{hand_text}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

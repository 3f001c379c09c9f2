"""Throughput of a generated transformer against hand-written Python and interpreted JMESPath.

Run: ``.venv/bin/python tests/benchmarks/bench_mapping.py [--records 20000] [--repeat 3]``

The mapping is the reference ``apideck.opportunity_to_project``
(``mappings/opportunity-to-project/apideck_opportunity.yaml`` ->
``generated/opportunity-to-project/apideck_opportunity.py``). Records are realistic Apideck
CRM opportunities (seeded random; ~90% won, some lost/deleted, some without an amount, some in
a currency the lookup does not know), each carrying 5-30 line items in ``custom_fields``.

Three implementations of the same mapping run in one process on the same parsed records, each
doing ``applies`` -> ``transform`` -> ``key``:

- generated: the module ``accord generate`` wrote;
- hand-written: the Python an engineer would write for the spec (below);
- interpreted: a small interpreter of the spec's rules calling ``jmespath.search`` (compiled
  once per expression, with accord's function library) for every rule of every record.

Then the same with validation of each output against the bundled ``project@1.1.0`` contract
(jsonschema-rs), and the whole ``accord run`` path (JSONL parse, transform, validate, write).
Targets (issue 4): generated >= 0.8x hand-written; generated with validation >= 0.5x
hand-written without. Outputs of the three implementations are compared first.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jmespath

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "framework"))

from accord import load_transformer  # noqa: E402 - after the path tweak for plain checkouts
from accord.errors import TransformError  # noqa: E402
from accord.expr.reference import reference_options  # noqa: E402
from accord.mapping.loader import load_lookups, load_spec  # noqa: E402
from accord.mapping.model import DefaultOn, EachRule, FieldRule, MappingSpec, OnMiss  # noqa: E402
from accord.runtime.stream import run_files  # noqa: E402
from accord.runtime.validate import compile_validator  # noqa: E402
from accord.workspace.workspace import load_workspace  # noqa: E402

SPEC = REPO / "mappings" / "opportunity-to-project" / "apideck_opportunity.yaml"
MODULE = REPO / "generated" / "opportunity-to-project" / "apideck_opportunity.py"

CURRENCIES = ["USD", "USD", "USD", "GBP", "EUR", "CAD", "SGD", "AUD", "JPY"]
ROLES = ["Senior Consultant", "Consultant", "Architect", "Engagement Manager", "Developer",
         "Data Engineer", "Trainer"]


def make_records(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    records = []
    for i in range(n):
        currency = rnd.choice(CURRENCIES)
        items = []
        for j in range(rnd.randint(5, 30)):
            hours = rnd.choice([8, 16, 40, 80, 120, 160, 320])
            rate = rnd.choice([95.0, 125.0, 150.0, 185.0, 225.0, 260.0])
            items.append({"id": f"li-{i}-{j}", "name": "line_item", "value": {
                "product_code": f"SVC-{rnd.randint(100, 999)}", "role": rnd.choice(ROLES),
                "hours": hours, "unit_price": rate, "quantity": hours,
                "amount": round(hours * rate, 2), "currency": currency,
                "description": f"{rnd.choice(ROLES)} for phase {rnd.randint(1, 4)}"}})
        status = rnd.choices(["Won", "Open", "Lost"], weights=[90, 6, 4])[0]
        records.append({
            "id": f"{1_000_000 + i}",
            "title": f"Customer {rnd.randint(1, 5000)} — programme {rnd.randint(1, 40)}",
            "description": "Delivery of the sold scope. " * rnd.randint(1, 6),
            "type": "new business",
            "monetary_amount": None if rnd.random() < 0.05 else sum(
                it["value"]["amount"] for it in items),
            "currency": currency,
            "win_probability": 100 if status == "Won" else rnd.randint(5, 90),
            "close_date": f"2026-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
            "company_id": f"C-{rnd.randint(1, 5000)}",
            "company_name": f"Customer {rnd.randint(1, 5000)} Ltd",
            "owner_id": f"U-{rnd.randint(1, 80)}",
            "pipeline_id": "default", "pipeline_stage_id": "closed",
            "status": status,
            "deleted": rnd.random() < 0.02,
            "tags": rnd.sample(["priority", "renewal", "upsell", "public-sector"], 2),
            "contact_ids": [f"P-{rnd.randint(1, 9999)}" for _ in range(rnd.randint(1, 4))],
            "custom_fields": items,
            "updated_at": "2026-11-02T09:30:00.000Z",
            "created_at": "2026-09-15T08:00:00.000Z",
        })
    return records


# -- hand-written equivalent of the spec ---------------------------------------------------

LEGAL_ENTITY = {"USD": "LE-US-001", "CAD": "LE-US-001", "GBP": "LE-UK-002",
                "EUR": "LE-UK-002", "SGD": "LE-SG-003", "AUD": "LE-SG-003"}
RULE = "mappings/opportunity-to-project/apideck_opportunity.yaml"


class Hand:
    @staticmethod
    def applies(r: dict[str, Any]) -> bool:
        return r.get("status") == "Won" and not r.get("deleted")

    @staticmethod
    def key(r: dict[str, Any]) -> str:
        return f"{r.get('id')}|{r.get('updated_at') or ''}"

    @staticmethod
    def transform(r: dict[str, Any]) -> dict[str, Any]:
        rid, title, company = r.get("id"), r.get("title"), r.get("company_id")
        if rid is None or title is None or company is None:
            raise TransformError("required value is missing", error_class="data_quality",
                                 rule=f"{RULE}:10")
        currency = r.get("currency")
        customer: dict[str, Any] = {"external_ids": {"apideck_crm": company}}
        out: dict[str, Any] = {"id": f"prj-{rid}", "external_ids": {"apideck_crm": rid},
                               "name": title}
        if r.get("description") is not None:
            out["description"] = r["description"]
        if r.get("company_name") is not None:
            customer["name"] = r["company_name"]
        out["customer"] = customer
        out["legal_entity"] = (LEGAL_ENTITY.get(currency, "LE-US-001")
                               if currency is not None else "LE-US-001")
        out["currency"] = currency if currency is not None else "USD"
        out["billing_model"] = "time_and_materials"
        out["status"] = "planned"
        out["opportunity_id"] = rid
        amount = r.get("monetary_amount")
        if amount is not None:
            text = amount if isinstance(amount, str) else json.dumps(amount)
            out["budget"] = {"amount": text, "currency": currency or "USD"}
        if r.get("created_at") is not None:
            out["created_at"] = r["created_at"]
        if r.get("updated_at") is not None:
            out["updated_at"] = r["updated_at"]
        return out


# -- interpreted: jmespath.search of each rule ----------------------------------------------

class Interpreted:
    """Walks the spec's rules and evaluates every expression with jmespath.search."""

    def __init__(self, spec: MappingSpec, lookups: dict[str, dict[str, Any]]) -> None:
        self.spec = spec
        self.lookups = lookups
        self.compiled: dict[str, Any] = {e.text: jmespath.compile(e.text)
                                         for e in spec.expressions()}

    def _search(self, text: str, data: Any, root: Any, parent: Any = None) -> Any:
        return self.compiled[text].search(data, options=reference_options(root=root,
                                                                          parent=parent))

    def applies(self, record: dict[str, Any]) -> bool:
        if self.spec.when is None:
            return True
        value = self._search(self.spec.when.text, record, record)
        return value not in (None, False, "", [], {})

    def key(self, record: dict[str, Any]) -> str:
        assert self.spec.key is not None
        return str(self._search(self.spec.key.text, record, record))

    def transform(self, record: dict[str, Any]) -> dict[str, Any]:
        return self._map(self.spec.rules, record, record, None)

    def _map(self, rules: Any, scope: Any, root: Any, parent: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for rule in rules:
            if isinstance(rule, EachRule):
                items = self._search(rule.each.text, scope, root, parent) or []
                value: Any = [self._map(rule.rules, item, root, scope) for item in items]
            elif isinstance(rule, FieldRule):
                if rule.when is not None and self._search(
                        rule.when.text, scope, root, parent) in (None, False, "", [], {}):
                    continue
                value = (self._search(rule.expr.text, scope, root, parent)
                         if rule.expr is not None else None)
                missing = value is None or (rule.default_on is DefaultOn.EMPTY
                                            and value in ("", [], {}))
                if missing and rule.has_default:
                    value = rule.default
                elif rule.lookup is not None and value is not None:
                    table = (rule.lookup.inline.values if rule.lookup.inline
                             else self.lookups[str(rule.lookup.name)])
                    if value in table:
                        value = table[value]
                    elif rule.on_miss is OnMiss.DEFAULT:
                        value = rule.default
                    elif rule.on_miss is not OnMiss.PASSTHROUGH:
                        raise TransformError(f"no {value!r} in lookup", rule=f"{RULE}")
                if rule.required and value is None:
                    raise TransformError("required value is missing", rule=f"{RULE}")
            else:
                continue
            if value is None:
                continue
            node = out
            for part in rule.target[:-1]:
                node = node.setdefault(part, {})
            node[rule.target[-1]] = value
        return out


# -- measuring --------------------------------------------------------------------------------

def _pass(impl: Any, records: list[dict[str, Any]],
          check: Callable[[Any], bool] | None = None) -> tuple[float, int]:
    applies, transform, key = impl.applies, impl.transform, impl.key
    done = 0
    start = time.perf_counter()
    for record in records:
        if not applies(record):
            continue
        out = transform(record)
        key(record)
        if check is not None and not check(out):
            raise AssertionError(f"invalid output for {record['id']}")
        done += 1
    return time.perf_counter() - start, done


def best(impl: Any, records: list[dict[str, Any]], repeat: int,
         check: Callable[[Any], bool] | None = None) -> float:
    times = [_pass(impl, records, check)[0] for _ in range(repeat)]
    return len(records) / min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not MODULE.is_file():
        sys.exit(f"{MODULE.relative_to(REPO)} does not exist: run `accord generate` first")
    generated = load_transformer(MODULE)
    workspace = load_workspace(REPO)
    spec = load_spec(SPEC, root=REPO)
    lookups = {name: table.values for name, table in load_lookups(REPO)[0].items()}
    interpreted = Interpreted(spec, lookups)
    records = make_records(args.records)
    items = sum(len(r["custom_fields"]) for r in records)
    size = sum(len(json.dumps(r)) for r in records) / len(records)
    print(f"{len(records):,} opportunities, {items / len(records):.1f} line items and "
          f"{size / 1024:.1f} KB each on average")

    impls = {"hand-written": Hand, "generated": generated, "interpreted": interpreted}
    for record in records:  # the three must agree before their speed means anything
        verdicts = {n: i.applies(record) for n, i in impls.items()}
        assert len(set(verdicts.values())) == 1, (record["id"], verdicts)
        if verdicts["generated"]:
            outs = {n: i.transform(record) for n, i in impls.items()}
            assert outs["generated"] == outs["hand-written"] == outs["interpreted"], record["id"]
            keys = {n: i.key(record) for n, i in impls.items()}
            assert len(set(keys.values())) == 1, keys
    print("outputs and keys of the three implementations are identical")

    validator = compile_validator(workspace.contracts.bundle("project", "1.1.0"))
    rates = {name: best(impl, records, args.repeat) for name, impl in impls.items()}
    with_validation = {name: best(impls[name], records, args.repeat, validator.is_valid)
                       for name in ("hand-written", "generated")}
    base = rates["hand-written"]
    print(f"\n{'implementation':34s} {'records/s':>10s}  vs hand-written")
    for name, rate in rates.items():
        print(f"{name:34s} {rate:>10,.0f}  {rate / base:5.2f}x")
    for name, rate in with_validation.items():
        print(f"{name + ' + validation':34s} {rate:>10,.0f}  {rate / base:5.2f}x")

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.jsonl"
        with source.open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record) + "\n")
        stats = run_files(generated, source, Path(tmp) / "out.jsonl", Path(tmp) / "dead.jsonl",
                          validator=validator, schema_rule="contract:project@1.1.0",
                          progress=False)
    print(f"{'accord run (parse+map+validate+write)':34s} {stats.rate:>10,.0f}  "
          f"{stats.rate / base:5.2f}x   (read {stats.read}, written {stats.written}, "
          f"skipped {stats.skipped}, dead {stats.dead})")

    ratio, ratio_v = rates["generated"] / base, with_validation["generated"] / base
    print(f"\ntargets: generated >= 0.8x hand-written: {ratio:.2f}x "
          f"{'met' if ratio >= 0.8 else 'MISSED'}; with validation >= 0.5x: {ratio_v:.2f}x "
          f"{'met' if ratio_v >= 0.5 else 'MISSED'}; interpreted JMESPath is "
          f"{base / rates['interpreted']:.0f}x slower than hand-written")


if __name__ == "__main__":
    main()

"""Throughput of generated transformers against hand-written Python and interpreted JMESPath.

Run: ``.venv/bin/python tests/benchmarks/bench_mapping.py [--records 20000] [--repeat 3]
[--only salesforce|apideck]``

Two reference mappings, each on 20,000 seeded random records in one run:

- ``salesforce.opportunity_to_project`` (``mappings/opportunity-to-project/
  salesforce_opportunity.yaml``, DESIGN.md's example): Salesforce opportunities with 5-30
  line items in ``OpportunityLineItems.records`` (~85% with hours, the rest licences or
  expenses), ~90% Closed Won; the project gets planned hours and one role per line with hours
  (``each`` + ``parent()``, a lookup, exact money via ``round(multiply(...))``).
- ``apideck.opportunity_to_project``: Apideck CRM opportunities (~90% won, some lost/deleted,
  some without an amount, some in a currency the lookup does not know), each carrying 5-30
  line items in ``custom_fields`` that the mapping does not read (a flat mapping of cheap
  field copies: the worst case for fixed per-rule overheads).

Three implementations of each mapping run in one process on the same parsed records, each
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
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
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
from accord.project import load_workspace  # noqa: E402
from accord.runtime.stream import run_files  # noqa: E402
from accord.runtime.validate import compile_validator  # noqa: E402

FLOW = "opportunity-to-project"

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
            text = amount if isinstance(amount, str) else str(amount)
            out["budget"] = {"amount": text, "currency": currency or "USD"}
        if r.get("created_at") is not None:
            out["created_at"] = r["created_at"]
        if r.get("updated_at") is not None:
            out["updated_at"] = r["updated_at"]
        return out


# -- Salesforce -------------------------------------------------------------------------------

REGIONS = {"NA": ("USD", "LE-US-001"), "EMEA": ("GBP", "LE-UK-002"), "APAC": ("SGD", "LE-SG-003")}
DELIVERY_ROLE = {"Senior Consultant": "SR-CONSULTANT", "Consultant": "CONSULTANT",
                 "Architect": "ARCHITECT", "Engagement Manager": "PROJECT-MANAGER",
                 "Developer": "DEVELOPER", "Data Engineer": "DATA-ENGINEER", "Trainer": "TRAINER"}
SF_RULE = "mappings/opportunity-to-project/salesforce_opportunity.yaml"
SF_URL = "/services/data/v62.0/sobjects"


def make_salesforce_records(n: int, seed: int = 11) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    records = []
    for i in range(n):
        opp = f"0068c0000{i:09d}AAJ"
        region = rnd.choice(["NA", "NA", "EMEA", "APAC"])
        currency = REGIONS[region][0] if rnd.random() < 0.9 else "EUR"
        lines = []
        for j in range(rnd.randint(5, 30)):
            line_id = f"00k8c0{i:07d}{j:02d}AAV"
            if rnd.random() < 0.85:
                hours = rnd.choice([8, 16, 40, 80, 120, 160, 320, 480])
                price = rnd.choice([95.0, 125.0, 150.0, 185.0, 225.0, 260.0, 187.5])
                role: str | None = rnd.choice(ROLES)
                quantity: float = hours
                name = f"{role} (T&M)"
            else:  # a licence or an expense: no hours, not a role
                hours, role, quantity = rnd.choice([0, None]), None, rnd.randint(1, 12)
                price, name = rnd.choice([49.99, 1200.0, 3250.0]), "Licence"
            lines.append({
                "attributes": {"type": "OpportunityLineItem",
                               "url": f"{SF_URL}/OpportunityLineItem/{line_id}"},
                "Id": line_id, "OpportunityId": opp, "ProductCode": f"SVC-{rnd.randint(100, 999)}",
                "Name": name, "Description": None, "Quantity": quantity, "UnitPrice": price,
                "TotalPrice": round(quantity * price, 2), "Role__c": role, "Hours__c": hours})
        account = f"001Hs0000{rnd.randint(1, 5000):06d}IAB"
        stage = rnd.choices(["Closed Won", "Negotiation/Review", "Closed Lost"],
                            weights=[90, 6, 4])[0]
        records.append({
            "attributes": {"type": "Opportunity", "url": f"{SF_URL}/Opportunity/{opp}"},
            "Id": opp,
            "Name": f"Customer {rnd.randint(1, 5000)} — programme {rnd.randint(1, 40)}",
            "Description": None if rnd.random() < 0.3 else "Delivery of the sold scope. " * 2,
            "StageName": stage,
            "Amount": None if rnd.random() < 0.05 else round(
                sum(li["TotalPrice"] for li in lines), 2),
            "CloseDate": f"2026-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
            "CurrencyIsoCode": currency,
            "Region__c": region,
            "IsDeleted": rnd.random() < 0.02,
            "AccountId": account,
            "Account": {"attributes": {"type": "Account", "url": f"{SF_URL}/Account/{account}"},
                        "Id": account, "Name": f"Customer {rnd.randint(1, 5000)} Inc."},
            "OwnerId": f"0058c00000{rnd.randint(1, 80):04d}AAK",
            "CreatedDate": "2026-09-28T16:04:11.000+0000",
            "LastModifiedDate": f"2026-11-{rnd.randint(1, 21):02d}T09:15:00.000+0000",
            "OpportunityLineItems": {"totalSize": len(lines), "done": True, "records": lines},
        })
    return records


CENT = Decimal("0.01")


def money_text(value: Decimal) -> str:
    """Exact amount rounded half up to cents, without trailing zeros (``18000``, ``187.5``)."""
    text = str(value.quantize(CENT, rounding=ROUND_HALF_UP))
    return text.rstrip("0").rstrip(".") if "." in text else text


def utc_text(salesforce_time: str) -> str:
    """``2026-09-28T16:04:11.000+0000`` (always UTC from the REST API) -> RFC 3339."""
    return salesforce_time[:19] + "Z"


class HandSalesforce:
    @staticmethod
    def applies(r: dict[str, Any]) -> bool:
        return r.get("StageName") == "Closed Won" and not r.get("IsDeleted")

    @staticmethod
    def key(r: dict[str, Any]) -> str:
        return f"{r['Id']}|{r['LastModifiedDate']}"

    @staticmethod
    def transform(r: dict[str, Any]) -> dict[str, Any]:
        rid, name, account = r.get("Id"), r.get("Name"), r.get("AccountId")
        entity = LEGAL_ENTITY_BY_REGION.get(r.get("Region__c"))  # type: ignore[arg-type]
        if rid is None or name is None or account is None or entity is None:
            raise TransformError("required value is missing", error_class="data_quality",
                                 rule=f"{SF_RULE}:11")
        currency = r.get("CurrencyIsoCode") or "USD"
        customer: dict[str, Any] = {"external_ids": {"salesforce": account}}
        if (r.get("Account") or {}).get("Name") is not None:
            customer["name"] = r["Account"]["Name"]
        out: dict[str, Any] = {"id": f"prj-{rid}", "external_ids": {"salesforce": rid},
                               "name": name}
        if r.get("Description") is not None:
            out["description"] = r["Description"]
        out.update(customer=customer, legal_entity=entity, currency=currency,
                   billing_model="time_and_materials", status="planned", opportunity_id=rid)
        if r.get("Amount") is not None:
            out["budget"] = {"amount": money_text(Decimal(repr(r["Amount"]))),
                             "currency": currency}
        roles = []
        planned = 0
        for line in (r.get("OpportunityLineItems") or {}).get("records") or []:
            hours = line.get("Hours__c")
            if not isinstance(hours, int | float) or hours <= 0:
                continue
            planned += hours
            role = DELIVERY_ROLE.get(line.get("Role__c"))  # type: ignore[arg-type]
            if role is None:
                raise TransformError("no delivery role", rule=f"{SF_RULE}:30")
            price = Decimal(repr(line["UnitPrice"]))
            amount = Decimal(repr(line["Quantity"])) * price
            roles.append({
                "role": role, "sold_role": line["Role__c"], "hours": hours,
                "rate": {"amount": money_text(price), "currency": currency},
                "amount": {"amount": money_text(amount), "currency": currency},
                "opportunity_id": rid})
        out["planned_hours"] = planned
        out["roles"] = roles
        out["created_at"] = utc_text(r["CreatedDate"])
        out["updated_at"] = utc_text(r["LastModifiedDate"])
        return out


LEGAL_ENTITY_BY_REGION = {region: entity for region, (_, entity) in REGIONS.items()}


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


@dataclass(frozen=True)
class Case:
    name: str
    hand: Any
    records: Callable[[int], list[dict[str, Any]]]
    lines: Callable[[dict[str, Any]], int]

    @property
    def spec(self) -> Path:
        return REPO / "mappings" / FLOW / f"{self.name}_opportunity.yaml"

    @property
    def module(self) -> Path:
        return REPO / "generated" / FLOW / f"{self.name}_opportunity.py"


CASES = [
    Case("salesforce", HandSalesforce, make_salesforce_records,
         lambda r: len(r["OpportunityLineItems"]["records"])),
    Case("apideck", Hand, make_records, lambda r: len(r["custom_fields"])),
]


def run_case(case: Case, args: argparse.Namespace, validator: Any,
             lookups: dict[str, dict[str, Any]]) -> dict[str, float]:
    if not case.module.is_file():
        sys.exit(f"{case.module.relative_to(REPO)} does not exist: run `accord generate` first")
    generated = load_transformer(case.module)
    interpreted = Interpreted(load_spec(case.spec, root=REPO), lookups)
    records = case.records(args.records)
    items = sum(case.lines(r) for r in records)
    size = sum(len(json.dumps(r)) for r in records) / len(records)
    print(f"\n== {case.spec.relative_to(REPO)}\n{len(records):,} opportunities, "
          f"{items / len(records):.1f} line items and {size / 1024:.1f} KB each on average")

    impls = {"hand-written": case.hand, "generated": generated, "interpreted": interpreted}
    for record in records:  # the three must agree before their speed means anything
        verdicts = {n: i.applies(record) for n, i in impls.items()}
        assert len(set(verdicts.values())) == 1, (record["Id" if "Id" in record else "id"],
                                                  verdicts)
        if verdicts["generated"]:
            outs = {n: i.transform(record) for n, i in impls.items()}
            assert outs["generated"] == outs["hand-written"], (outs["generated"],
                                                               outs["hand-written"])
            assert outs["generated"] == outs["interpreted"], (outs["generated"],
                                                              outs["interpreted"])
            assert validator.is_valid(outs["generated"]), outs["generated"]
            keys = {n: i.key(record) for n, i in impls.items()}
            assert len(set(keys.values())) == 1, keys
    print("outputs and keys of the three implementations are identical (and valid)")

    rates = {name: best(impl, records, args.repeat) for name, impl in impls.items()}
    with_validation = {name: best(impls[name], records, args.repeat, validator.is_valid)
                       for name in ("hand-written", "generated")}
    base = rates["hand-written"]
    print(f"{'implementation':38s} {'records/s':>10s}  vs hand-written")
    for name, rate in rates.items():
        print(f"{name:38s} {rate:>10,.0f}  {rate / base:5.2f}x")
    for name, rate in with_validation.items():
        print(f"{name + ' + validation':38s} {rate:>10,.0f}  {rate / base:5.2f}x")

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "in.jsonl"
        with source.open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record) + "\n")
        stats = run_files(generated, source, Path(tmp) / "out.jsonl", Path(tmp) / "dead.jsonl",
                          validator=validator, schema_rule="contract:project@1.1.0",
                          progress=False)
    print(f"{'accord run (parse+map+validate+write)':38s} {stats.rate:>10,.0f}  "
          f"{stats.rate / base:5.2f}x   (read {stats.read}, written {stats.written}, "
          f"skipped {stats.skipped}, dead {stats.dead})")

    ratio, ratio_v = rates["generated"] / base, with_validation["generated"] / base
    print(f"targets: generated >= 0.8x hand-written: {ratio:.2f}x "
          f"{'met' if ratio >= 0.8 else 'MISSED'}; with validation >= 0.5x: {ratio_v:.2f}x "
          f"{'met' if ratio_v >= 0.5 else 'MISSED'}; interpreted JMESPath is "
          f"{base / rates['interpreted']:.0f}x slower than hand-written")
    return {"generated": ratio, "validated": ratio_v}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=[case.name for case in CASES])
    args = parser.parse_args()
    workspace = load_workspace(REPO)
    validator = compile_validator(workspace.contracts.bundle("project", "1.1.0"))
    lookups = {name: table.values for name, table in load_lookups(REPO)[0].items()}
    for case in CASES:
        if args.only in (None, case.name):
            run_case(case, args, validator, lookups)


if __name__ == "__main__":
    main()

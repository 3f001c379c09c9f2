"""Line-heavy money (issue 12, section 7): a ~14 KB opportunity with 5-30 line items; each
active line priced exactly by ``multiply(Quantity, UnitPrice)``, the total their ``sum``
(``line_money.yaml``)."""

from __future__ import annotations

import hashlib
import random
from decimal import Decimal
from typing import Any

REGION = {"NA": "AMER", "LATAM": "AMER", "EMEA": "EMEA", "UKI": "EMEA", "APAC": "APJ",
          "ANZ": "APJ"}
FAMILY = {"Services": "SERVICES", "Professional Services": "SERVICES", "Training": "TRAINING",
          "Licence": "SOFTWARE", "Subscription": "SOFTWARE", "Hardware": "HARDWARE",
          "Expenses": "PASS_THROUGH"}
URL = "/services/data/v62.0/sobjects"
WORDS = ("Phase delivery of the agreed scope including workshops, build, test and handover "
         "to the customer's operations team, as described in the statement of work. ")


def records(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        opp = f"0068c0000{i:09d}AAJ"
        lines = []
        for j in range(rnd.randint(5, 30)):
            line_id = f"00k8c0{i:07d}{j:02d}AAV"
            kind = rnd.random()
            if kind < 0.7:  # services: hours x an hourly rate
                hours = rnd.choice([8, 16, 40, 80, 120, 160, 320, 7.5, 37.5])
                quantity: Any = hours
                price: Any = rnd.choice([95.0, 125.0, 150.0, 185.0, 187.5, 225.0, 99.99, 140])
                family: Any = rnd.choice(["Services", "Professional Services", "Training"])
            elif kind < 0.9:  # licences and hardware: units x a price
                hours, quantity = None, rnd.randint(1, 250)
                price = rnd.choice([49.99, 1200.0, 3250.0, 12.5, 0.35, 19])
                family = rnd.choice(["Licence", "Subscription", "Hardware", "Other", None])
            else:  # expenses: a fraction of a unit at an odd price
                hours, quantity = None, rnd.choice([0.25, 0.5, 1.5, 2.75])
                price, family = rnd.choice([123.45, 88.8, 1999.99, 0.1]), "Expenses"
            lines.append({
                "attributes": {"type": "OpportunityLineItem",
                               "url": f"{URL}/OpportunityLineItem/{line_id}"},
                "Id": line_id, "OpportunityId": opp, "ProductCode": f"SKU-{rnd.randint(100, 999)}",
                "Name": f"{family or 'Misc'} item {j}", "Family": family,
                "Active__c": rnd.random() < 0.85, "Quantity": quantity, "UnitPrice": price,
                "Hours__c": hours, "ServiceDate": f"2026-{rnd.randint(1, 12):02d}-01",
                "Description": WORDS * rnd.randint(1, 3)})
        out.append({
            "attributes": {"type": "Opportunity", "url": f"{URL}/Opportunity/{opp}"},
            "Id": opp, "Name": f"Customer {rnd.randint(1, 5000)} programme {rnd.randint(1, 40)}",
            "StageName": rnd.choices(["Closed Won", "Negotiation", "Closed Lost"],
                                     weights=[85, 10, 5])[0],
            "CurrencyIsoCode": rnd.choice(["USD", "USD", "EUR", "GBP", None]),
            "Region__c": rnd.choice(["NA", "EMEA", "APAC", "ANZ", "MARS", None]),
            "LastModifiedDate": f"2026-11-{rnd.randint(1, 28):02d}T09:15:00.000+0000",
            "Account": {"attributes": {"type": "Account"}, "Id": f"001{i:012d}",
                        "Name": f"Customer {rnd.randint(1, 5000)} Inc."},
            "LineItems": {"totalSize": len(lines), "done": True, "records": lines},
        })
    return out


def _exact(value: int | float) -> Decimal | int:
    return value if type(value) is int else Decimal(repr(value))


def product(a: int | float, b: int | float) -> int | float:
    """The exact product of two JSON numbers (as the decimals they spell): an int when
    integral, else the nearest float."""
    if type(a) is int and type(b) is int:
        return a * b
    exact = _exact(a) * _exact(b)
    integral = int(exact)
    return integral if integral == exact else float(exact)


class Hand:
    @staticmethod
    def applies(r: dict[str, Any]) -> bool:
        return r.get("StageName") == "Closed Won"

    @staticmethod
    def key(r: dict[str, Any]) -> str:
        return hashlib.sha256(f"{r['Id']}|{r['LastModifiedDate']}".encode()).hexdigest()

    @staticmethod
    def transform(r: dict[str, Any]) -> dict[str, Any]:
        currency = r.get("CurrencyIsoCode") or "USD"
        out: dict[str, Any] = {"id": r["Id"]}
        if r.get("Name") is not None:
            out["name"] = r["Name"]
        account = (r.get("Account") or {}).get("Name")
        if account is not None:
            out["account"] = account
        out["currency"] = currency
        out["region"] = REGION.get(r.get("Region__c"), "GLOBAL")  # type: ignore[arg-type]
        active = [line for line in r["LineItems"]["records"] if line.get("Active__c")]
        lines = []
        amounts = []
        hours = []
        for line in active:
            amount = product(line["Quantity"], line["UnitPrice"])
            amounts.append(amount)
            if line.get("Hours__c") is not None:
                hours.append(line["Hours__c"])
            row = {"line_id": line["Id"], "product": line["ProductCode"]}
            family = line.get("Family")
            if family is not None:
                row["family"] = FAMILY.get(family, family)
            row.update(quantity=line["Quantity"], unit_price=line["UnitPrice"], amount=amount,
                       currency=currency)
            lines.append(row)
        out["line_count"] = len(active)
        out["total_amount"] = sum(amounts)
        out["total_hours"] = sum(hours)
        out["lines"] = lines
        return out

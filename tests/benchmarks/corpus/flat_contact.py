"""Flat: a CRM contact of 25 scalar fields -> a flat person (``flat_contact.yaml``)."""

from __future__ import annotations

import random
from typing import Any

from accord.errors import TransformError

RULE = "tests/benchmarks/corpus/mappings/corpus/flat_contact.yaml"
STATUS = {"active": "ACTIVE", "inactive": "INACTIVE", "lead": "PROSPECT"}
FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken", "Margaret", "Linus", "Radia"]
LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Thompson", "Hamilton", "Perlman"]
CITIES = [("Boston", "MA", "US"), ("Austin", "TX", "US"), ("London", None, "GB"),
          ("Toronto", "ON", "CA"), ("Berlin", None, "DE"), ("Sydney", "NSW", "AU")]


def records(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rnd = random.Random(seed)

    def maybe(value: Any, p: float = 0.15) -> Any:
        return None if rnd.random() < p else value

    out = []
    for i in range(n):
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        city, state, country = rnd.choice(CITIES)
        record: dict[str, Any] = {
            "id": f"003{i:012d}",
            "first_name": maybe(first),
            "last_name": last,
            "email": maybe(f"{first}.{last}{i}@example.com".lower()),
            "phone": maybe(f"+1 555 {rnd.randint(1000000, 9999999)}", 0.4),
            "mobile": maybe(f"+1 666 {rnd.randint(1000000, 9999999)}", 0.5),
            "title": maybe(rnd.choice(["CTO", "Engineer", "Buyer", "Director of IT"])),
            "department": maybe(rnd.choice(["IT", "Procurement", "Finance"])),
            "company": maybe(f"Company {rnd.randint(1, 900)}"),
            "street": maybe(f"{rnd.randint(1, 999)} Main Street"),
            "city": city, "state": state, "postal_code": maybe(f"{rnd.randint(10000, 99999)}"),
            "country": maybe(country, 0.1),
            "status": rnd.choices(["active", "inactive", "lead", "deleted", "archived"],
                                  weights=[60, 15, 15, 5, 5])[0],
            "owner_id": maybe(f"005{rnd.randint(1, 80):012d}"),
            "lead_source": maybe(rnd.choice(["web", "event", "referral"]), 0.3),
            "do_not_call": rnd.random() < 0.2,
            "score": rnd.randint(0, 100),
            "rating": maybe(rnd.choice(["hot", "warm", "cold"]), 0.3),
            "website": maybe(f"https://company{rnd.randint(1, 900)}.example", 0.3),
            "notes": maybe("Met at the annual conference; follow up in Q3. " * rnd.randint(1, 4)),
            "created_at": "2025-03-04T10:00:00Z",
            "updated_at": f"2026-11-{rnd.randint(1, 28):02d}T08:30:00Z",
        }
        if rnd.random() < 0.1:
            del record["mobile"], record["rating"]
        out.append(record)
    return out


_COPIED = (("given_name", "first_name"),)
_COPIED_2 = (("job_title", "title"), ("department", "department"), ("organisation", "company"),
             ("street", "street"), ("city", "city"), ("region", "state"),
             ("postal_code", "postal_code"))
_COPIED_3 = (("score", "score"), ("rating", "rating"), ("website", "website"),
             ("created_at", "created_at"), ("updated_at", "updated_at"))


class Hand:
    @staticmethod
    def applies(r: dict[str, Any]) -> bool:
        return r.get("status") != "deleted"

    @staticmethod
    def key(r: dict[str, Any]) -> str:
        return r["id"]

    @staticmethod
    def transform(r: dict[str, Any]) -> dict[str, Any]:
        get = r.get
        rid, last = get("id"), get("last_name")
        if rid is None:
            raise TransformError("id is missing", error_class="business_rule", rule=f"{RULE}:12")
        out: dict[str, Any] = {"id": rid}
        for target, source in _COPIED:
            value = get(source)
            if value is not None:
                out[target] = value
        if last is None:
            raise TransformError("family_name is missing", error_class="business_rule",
                                 rule=f"{RULE}:14")
        out["family_name"] = last
        value = get("email")
        if value is not None:
            out["email"] = value
        phone = get("phone")
        if phone is None:
            phone = get("mobile")
        if phone is not None:
            out["phone"] = phone
        for target, source in _COPIED_2:
            value = get(source)
            if value is not None:
                out[target] = value
        country = get("country")
        out["country"] = "US" if country is None else country
        status = get("status")
        out["status"] = STATUS.get(status, "UNKNOWN") if status is not None else "UNKNOWN"
        value = get("owner_id")
        if value is not None:
            out["owner"] = value
        source = get("lead_source")
        out["source"] = "unknown" if source is None else source
        out["contactable"] = not get("do_not_call")
        for target, source in _COPIED_3:
            value = get(source)
            if value is not None:
                out[target] = value
        out["kind"] = "contact"
        return out

"""Deeply nested: an order four and five levels deep with shipments, packages and items ->
nested target objects and a nested ``each`` (``nested_order.yaml``)."""

from __future__ import annotations

import random
from typing import Any

COUNTRIES = [("US", "United States"), ("GB", "United Kingdom"), ("DE", "Germany"),
             ("FR", "France")]


def records(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rnd = random.Random(seed)

    def place() -> dict[str, Any]:
        code, name = rnd.choice(COUNTRIES)
        return {"line1": f"{rnd.randint(1, 999)} High Street",
                "city": rnd.choice(["Leeds", "Lyon", "Bonn", "Reno"]),
                "postcode": f"{rnd.randint(10000, 99999)}", "country": {"code": code, "name": name}}

    out = []
    for i in range(n):
        shipments = []
        for s in range(rnd.randint(1, 4)):
            packages = []
            for p in range(rnd.randint(1, 4)):
                packages.append({
                    "id": f"PKG-{i}-{s}-{p}",
                    "weight": {"value": round(rnd.uniform(0.2, 30), 2),
                               "unit": rnd.choice(["kg", "kg", "lb", None])},
                    "dimensions": {"l": rnd.randint(10, 120), "w": rnd.randint(10, 80),
                                   "h": rnd.randint(5, 60)},
                    "items": [{"sku": f"SKU-{rnd.randint(1000, 9999)}", "qty": rnd.randint(1, 5),
                               "name": "Widget"} for _ in range(rnd.randint(1, 5))],
                })
            shipments.append({
                "id": f"SHP-{i}-{s}",
                "carrier": {"code": rnd.choice(["UPS", "DHL", "FEDEX"]),
                            "service": {"level": rnd.choice(["standard", "express"]),
                                        "name": "Worldwide"}},
                "tracking": {"number": f"1Z{rnd.randint(10**9, 10**10)}",
                             "url": "https://track.example/1Z"},
                "packages": packages,
            })
        record: dict[str, Any] = {
            "order": {
                "id": f"ORD-{i:08d}", "number": f"#{100000 + i}",
                "placed_at": f"2026-10-{rnd.randint(1, 28):02d}T12:00:00Z",
                "channel": {"code": rnd.choice(["web", "app", "pos"]), "name": "Channel"},
                "customer": {
                    "id": f"CUS-{rnd.randint(1, 9999)}",
                    "profile": {"name": {"first": rnd.choice(["Ann", "Bob", None]),
                                         "last": rnd.choice(["Ng", "Ortiz", "Smith"])},
                                "contact": {"email": f"c{i}@example.com",
                                            "phone": rnd.choice([None, "+44 20 7946 0000"])}},
                    "address": {"billing": place(), "shipping": place()},
                },
                "totals": {"gross": {"amount": f"{rnd.randint(10, 9000)}.{rnd.randint(0, 99):02d}",
                                     "currency": "EUR"}},
            },
            "meta": {"source": {"system": "shop", "region": rnd.choice(["eu-1", "us-2"])},
                     "trace": {"id": f"tr-{i}"}},
            "shipments": shipments,
        }
        if rnd.random() < 0.1:  # a guest checkout: no profile, no shipping address
            del record["order"]["customer"]["profile"]
            del record["order"]["customer"]["address"]["shipping"]
        if rnd.random() < 0.1:
            del record["shipments"]
        out.append(record)
    return out


def _put(target: dict[str, Any], name: str, value: Any) -> None:
    if value is not None:
        target[name] = value


def _place(place: dict[str, Any] | None) -> dict[str, Any]:
    if not place:
        return {}
    out: dict[str, Any] = {}
    _put(out, "line1", place.get("line1"))
    _put(out, "city", place.get("city"))
    _put(out, "country", (place.get("country") or {}).get("code"))
    return out


class Hand:
    @staticmethod
    def applies(r: dict[str, Any]) -> bool:
        return True

    @staticmethod
    def key(r: dict[str, Any]) -> str:
        return r["order"]["id"]

    @staticmethod
    def transform(r: dict[str, Any]) -> dict[str, Any]:
        order = r["order"]
        head = {"id": order["id"]}
        _put(head, "number", order.get("number"))
        _put(head, "placed_at", order.get("placed_at"))
        _put(head, "channel", (order.get("channel") or {}).get("code"))
        out: dict[str, Any] = {"order": head}
        source = order.get("customer") or {}
        profile = source.get("profile") or {}
        name: dict[str, Any] = {}
        _put(name, "given", (profile.get("name") or {}).get("first"))
        _put(name, "family", (profile.get("name") or {}).get("last"))
        contact: dict[str, Any] = {}
        _put(contact, "email", (profile.get("contact") or {}).get("email"))
        _put(contact, "phone", (profile.get("contact") or {}).get("phone"))
        address = source.get("address") or {}
        customer: dict[str, Any] = {}
        _put(customer, "id", source.get("id"))
        for key, value in (("name", name), ("contact", contact),
                           ("billing", _place(address.get("billing"))),
                           ("shipping", _place(address.get("shipping")))):
            if value:
                customer[key] = value
        if customer:
            out["customer"] = customer
        gross = (order.get("totals") or {}).get("gross") or {}
        totals: dict[str, Any] = {}
        _put(totals, "amount", gross.get("amount"))
        _put(totals, "currency", gross.get("currency"))
        if totals:
            out["totals"] = {"gross": totals}
        meta = r.get("meta") or {}
        trace: dict[str, Any] = {}
        _put(trace, "system", (meta.get("source") or {}).get("system"))
        _put(trace, "region", (meta.get("source") or {}).get("region"))
        _put(trace, "id", (meta.get("trace") or {}).get("id"))
        if trace:
            out["trace"] = trace
        shipments = r.get("shipments")
        if shipments is not None:
            out["shipments"] = [_shipment(s, order["id"]) for s in shipments]
        return out


def _shipment(s: dict[str, Any], order_id: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    _put(out, "id", s.get("id"))
    carrier = s.get("carrier") or {}
    mapped: dict[str, Any] = {}
    _put(mapped, "code", carrier.get("code"))
    _put(mapped, "level", (carrier.get("service") or {}).get("level"))
    if mapped:
        out["carrier"] = mapped
    _put(out, "tracking", (s.get("tracking") or {}).get("number"))
    out["order_id"] = order_id
    packages = s.get("packages")
    if packages is not None:
        out["packages"] = [_package(p, s.get("id")) for p in packages]
    return out


def _package(p: dict[str, Any], shipment_id: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    _put(out, "id", p.get("id"))
    weight = p.get("weight") or {}
    mapped: dict[str, Any] = {}
    _put(mapped, "value", weight.get("value"))
    unit = weight.get("unit")
    mapped["unit"] = "kg" if unit is None else unit
    out["weight"] = mapped
    dims = p.get("dimensions") or {}
    size: dict[str, Any] = {}
    _put(size, "length", dims.get("l"))
    _put(size, "width", dims.get("w"))
    _put(size, "height", dims.get("h"))
    if size:
        out["size"] = size
    items = p.get("items") or []
    out["skus"] = [item["sku"] for item in items]
    out["units"] = sum(item["qty"] for item in items)
    _put(out, "shipment_id", shipment_id)
    return out

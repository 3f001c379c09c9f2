"""Lookup-heavy: nearly every field of a time entry is a code translated by a table
(``lookup_time.yaml``)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import yaml
from accord.errors import TransformError

_TABLES = Path(__file__).resolve().parent / "mappings" / "lookups"
RULE = "tests/benchmarks/corpus/mappings/corpus/lookup_time.yaml"


def _table(name: str) -> dict[str, str]:
    values: dict[str, str] = yaml.safe_load((_TABLES / f"{name}.yaml").read_text())["values"]
    return values


EMPLOYEE = _table("employee_by_code")
PROJECT = _table("project_by_code")
TASK = _table("task_category")
LEGAL_ENTITY = _table("legal_entity_by_country")
SITE = _table("site_by_location")
COST_CENTER = _table("cost_center_code")
STATUS = {"APPROVED": "approved", "SUBMITTED": "submitted", "REJECTED": "rejected",
          "DRAFT": "draft"}
COUNTRY_REGION = {"US": "AMER", "CA": "AMER", "GB": "EMEA", "IE": "EMEA", "DE": "EMEA",
                  "FR": "EMEA", "SG": "APJ", "AU": "APJ"}
LOCATION_COUNTRY = {"New York": "US", "Toronto": "CA", "London": "GB", "Dublin": "IE",
                    "Berlin": "DE", "Paris": "FR", "Singapore": "SG", "Sydney": "AU"}
BILLABLE = {"B": True, "N": False, "I": False}
LABOUR = {"DEV/B": "LAB-BILL-ENG", "DESIGN/B": "LAB-BILL-ENG", "TEST/B": "LAB-BILL-QA",
          "PM/B": "LAB-BILL-PM", "DEV/N": "LAB-INT-ENG", "PM/N": "LAB-INT-PM",
          "SUPPORT/I": "LAB-INT-SUP"}
PAY = {"REG": "REGULAR", "OT1": "OVERTIME_150", "OT2": "OVERTIME_200", "HOL": "HOLIDAY",
       "SICK": "SICK_LEAVE"}
CURRENCY = {"USD": "USD", "CAD": "CAD", "GBP": "GBP", "EUR": "EUR", "SGD": "SGD", "AUD": "AUD",
            "US$": "USD", "£": "GBP"}
OVERTIME = {"W": "weekday", "S": "weekend", "N": "night", "H": "holiday"}


def records(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    locations = [*LOCATION_COUNTRY, "Remote", "Lisbon"]
    out = []
    for i in range(n):
        location = rnd.choice(locations)
        country = LOCATION_COUNTRY.get(location) or rnd.choice(["US", "GB"])
        out.append({
            "id": f"TE-{i:09d}",
            "date": f"2026-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
            "hours": rnd.choice([0.5, 1, 1.5, 2, 4, 7.5, 8]),
            "employee_code": f"E{rnd.randint(0, 399):04d}",
            "project_code": f"P-{rnd.randint(0, 180):03d}",
            "task_type": rnd.choice(["DEV", "DESIGN", "TEST", "PM", "TRAVEL", "SUPPORT", "R&D"]),
            "approval": {"state": rnd.choices(["APPROVED", "SUBMITTED", "REJECTED", "DRAFT"],
                                              weights=[70, 15, 5, 10])[0],
                         "by": rnd.choice([None, "mgr-1"])},
            "country": country,
            "location": location,
            "department": rnd.choice(["Engineering", "Consulting", "Sales", "Legal"]),
            "cost_center": rnd.choice([None, None, "CC-ENG", "CC-CON", "CC-XYZ"]),
            "billable_code": rnd.choice(["B", "B", "N", "I", "X"]),
            "pay_code": rnd.choice(["REG", "REG", "OT1", "OT2", "HOL", "SICK", None, "ZZZ"]),
            "currency": rnd.choice(["USD", "GBP", "EUR", "US$", "£", "CHF"]),
            "overtime_code": rnd.choice([None, None, "W", "S", "N", "H", "Q"]),
            "comment": "Worked on the integration backlog." * rnd.randint(0, 3),
        })
    return out


class Hand:
    @staticmethod
    def applies(r: dict[str, Any]) -> bool:
        return (r.get("approval") or {}).get("state") != "DRAFT"

    @staticmethod
    def key(r: dict[str, Any]) -> str:
        return f"{r['id']}:{r['date']}"

    @staticmethod
    def transform(r: dict[str, Any]) -> dict[str, Any]:
        get = r.get
        out: dict[str, Any] = {"id": r["id"], "date": r["date"], "hours": r["hours"]}
        code = get("employee_code")
        employee = EMPLOYEE.get(code)  # type: ignore[arg-type]
        if employee is None:
            raise TransformError(f"no {code!r} in lookup employee_by_code",
                                 error_class="business_rule", rule=f"{RULE}:16")
        out["employee"] = employee
        project = get("project_code")
        out["project"] = PROJECT.get(project, project)  # type: ignore[arg-type]
        out["task"] = TASK.get(get("task_type"), "GENERAL")  # type: ignore[arg-type]
        out["status"] = STATUS[r["approval"]["state"]]
        out["legal_entity"] = LEGAL_ENTITY[get("country")]  # type: ignore[index]
        location = get("location")
        out["site"] = SITE.get(location, "SITE-REMOTE")  # type: ignore[arg-type]
        out["region"] = COUNTRY_REGION.get(LOCATION_COUNTRY.get(location),  # type: ignore[arg-type]
                                           "GLOBAL")
        centre = get("cost_center")
        if centre is None:
            centre = get("department")
        out["cost_center"] = COST_CENTER.get(centre, centre)  # type: ignore[arg-type]
        out["billable"] = BILLABLE.get(get("billable_code"), False)  # type: ignore[arg-type]
        out["labour_category"] = LABOUR.get(f"{get('task_type')}/{get('billable_code')}",
                                            "LAB-OTHER")
        out["pay_code"] = PAY.get(get("pay_code"), "REGULAR")  # type: ignore[arg-type]
        currency = get("currency")
        out["currency"] = CURRENCY.get(currency, currency)  # type: ignore[arg-type]
        out["overtime"] = OVERTIME.get(get("overtime_code"), "none")  # type: ignore[arg-type]
        return out

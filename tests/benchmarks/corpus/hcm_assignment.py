"""Many optional and nullable fields: an HCM worker assignment -> a workforce-planning record
(``hcm_assignment.yaml``), added after the generator was tuned on the other five shapes."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import yaml
from accord.errors import TransformError

_TABLES = Path(__file__).resolve().parent / "mappings" / "lookups"
RULE = "mappings/corpus/hcm_assignment.yaml"


def _table(name: str) -> dict[str, str]:
    values: dict[str, str] = yaml.safe_load((_TABLES / f"{name}.yaml").read_text())["values"]
    return {str(key): value for key, value in values.items()}


JOB_FAMILY = _table("job_family_by_code")
PAY_BAND = _table("pay_band_by_grade")
DEPARTMENT = _table("department_name")
SITE = _table("location_site")
REGION = _table("site_region")
STATUS = {"ACTIVE": "active", "INACTIVE": "inactive", "TERMINATED": "terminated"}
GENDER = {"M": "male", "F": "female", "X": "non_binary"}
EMPLOYMENT = {"FT": "full_time", "PT": "part_time", "CTR": "contractor", "TMP": "temporary"}
PHONE_TYPE = {"work": "WORK", "mobile": "MOBILE", "home": "HOME"}


def records(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rnd = random.Random(seed)

    def maybe(value: Any, p: float = 0.5) -> Any:
        return value if rnd.random() < p else None

    out = []
    for i in range(n):
        worker = f"W{i:07d}"
        first = rnd.choice(["Ana", "Bo", "Chen", "Dara", "Eli", "Femi", None])
        phones = [{"type": rnd.choice(["work", "mobile", "home", "fax", None]),
                   "number": maybe(f"+1 555 01{rnd.randint(10, 99)}", 0.9)}
                  for _ in range(rnd.randint(0, 3))]
        record: dict[str, Any] = {
            "workerId": worker,
            "assignmentId": f"A-{i:07d}-{rnd.randint(1, 3)}",
            "status": rnd.choices(["ACTIVE", "INACTIVE", "TERMINATED", "PENDING", "LOA"],
                                  weights=[70, 10, 8, 10, 2])[0],
            "person": {
                "legalName": {"first": first, "middle": maybe(rnd.choice(["J", "Lee", "Marie"])),
                              "last": rnd.choices([rnd.choice(["Ng", "Okafor", "Silva"]), None],
                                                  weights=[97, 3])[0]},
                "preferredName": maybe(rnd.choice(["AJ", "Bobby", "Ci"]), 0.3),
                "pronouns": maybe(rnd.choice(["she/her", "he/him", "they/them"]), 0.4),
                "birthDate": maybe(f"19{rnd.randint(60, 99)}-0{rnd.randint(1, 9)}-"
                                   f"1{rnd.randint(0, 9)}"),
                "gender": rnd.choice(["M", "F", "X", "U", None]),
                "nationality": maybe(rnd.choice(["US", "GB", "DE", "SG"]), 0.7),
            },
            "contact": {
                "workEmail": maybe(f"{worker.lower()}@Example.COM", 0.9),
                "personalEmail": maybe(f"p{i}@mail.example", 0.3),
                "workPhone": maybe("+1 555 0100", 0.4),
                "mobile": maybe("+1 555 0199", 0.6),
            },
            "job": {
                "code": rnd.choice(["ENG1", "ENG2", "ENG3", "PM1", "SLS2", "FIN1", "HR1",
                                    "LEGAL1", None]),
                "title": maybe(rnd.choice(["Engineer", "Senior Engineer", "Product Manager"]),
                               0.95),
                "grade": rnd.choice([1, 3, 5, 7, 8, 9, 11, 12, 14, None]),
                "fte": rnd.choice([1.0, 1, 0.8, 0.5, None]),
                "exempt": rnd.choice([True, False, None]),
                "standardHours": rnd.choice([40, 37.5, 20, None]),
            },
            "org": {
                "departmentCode": rnd.choice(["D100", "D110", "D200", "D300", "D999", None]),
                "costCenter": maybe(f"CC-{rnd.randint(100, 999)}"),
                "locationCode": rnd.choices(["NYC1", "SFO1", "LON1", "DUB1", "BER1", "SIN1",
                                             "SYD1", "REM0", "XXX9", None],
                                            weights=[15, 10, 15, 8, 8, 8, 8, 20, 4, 4])[0],
                "managerId": maybe(f"W{rnd.randint(0, 999):07d}", 0.8),
                "legalEntity": maybe(rnd.choice(["LE-US", "LE-UK", "LE-SG"]), 0.9),
            },
            "dates": {
                "hire": f"20{rnd.randint(10, 25)}-0{rnd.randint(1, 9)}-2{rnd.randint(0, 8)}",
                "start": maybe(f"2026-0{rnd.randint(1, 9)}-01", 0.4),
                "end": maybe(f"2027-0{rnd.randint(1, 9)}-28", 0.2),
            },
            "employment": {"type": rnd.choices(["FT", "PT", "CTR", "TMP", "INT"],
                                               weights=[60, 15, 15, 8, 2])[0]},
            "customFields": {"badge": maybe(f"B{rnd.randint(10000, 99999)}", 0.6),
                             "shift": rnd.choice(["DAY", "NIGHT", None]),
                             "union": maybe(rnd.choice(["UNITE", "IBEW"]), 0.2)},
            "phones": phones if rnd.random() < 0.9 else None,
        }
        out.append(record)
    return out


def _fail(message: str, error_class: str, line: int) -> TransformError:
    return TransformError(message, error_class=error_class, rule=f"{RULE}:{line}")


class Hand:
    @staticmethod
    def applies(r: dict[str, Any]) -> bool:
        return r.get("status") != "PENDING"

    @staticmethod
    def key(r: dict[str, Any]) -> str:
        return f"{r['workerId']}:{r['assignmentId']}"

    @staticmethod
    def transform(r: dict[str, Any]) -> dict[str, Any]:
        worker, assignment = r["workerId"], r["assignmentId"]
        status = STATUS.get(r["status"])
        if status is None:
            raise _fail(f"no lookup entry for {r['status']!r}", "mapping_error", 16)
        person = r.get("person") or {}
        name = person.get("legalName") or {}
        contact = r.get("contact") or {}
        job = r.get("job") or {}
        org = r.get("org") or {}
        dates = r.get("dates") or {}
        custom = r.get("customFields") or {}
        first, last = name.get("first"), name.get("last")
        if last is None:
            raise _fail("family_name is required", "data_quality", 23)
        site = SITE.get(org.get("locationCode"))  # type: ignore[arg-type]
        if site is None:
            if org.get("locationCode") is None:
                raise _fail("location is required", "data_quality", 45)
            raise _fail("no lookup entry", "mapping_error", 45)
        employment = EMPLOYMENT.get((r.get("employment") or {}).get("type"))  # type: ignore[arg-type]
        if employment is None:
            raise _fail("no lookup entry", "mapping_error", 53)
        hire = dates.get("hire")
        if hire is None:
            raise _fail("hire_date is required", "data_quality", 58)
        preferred = person.get("preferredName")
        grade = job.get("grade")
        fte, exempt, shift = job.get("fte"), job.get("exempt"), custom.get("shift")
        department = org.get("departmentCode")
        out: dict[str, Any] = {
            "id": f"{worker}-{assignment}", "worker_id": worker, "status": status,
            "middle_name": name.get("middle"), "family_name": last,
            "preferred_name": first if preferred is None else preferred,
            "birth_date": person.get("birthDate"),
            "gender": GENDER.get(person.get("gender"), "undisclosed"),  # type: ignore[arg-type]
            "job_family": JOB_FAMILY.get(job.get("code"), "OTHER"),  # type: ignore[arg-type]
            "pay_band": "UNGRADED" if grade is None else PAY_BAND.get(str(grade), "UNGRADED"),
            "fte": 1 if fte is None else fte,
            "exempt": False if exempt is None else exempt,
            "cost_center": org.get("costCenter"), "location": site,
            "region": REGION.get(site, "GLOBAL"), "manager_id": org.get("managerId"),
            "employment_type": employment, "hire_date": hire,
            "start_date": dates.get("start") or hire, "end_date": dates.get("end"),
            "shift": "DAY" if shift is None else shift,
            "union_member": custom.get("union") is not None,
        }
        for key, value in (("given_name", first), ("job_code", job.get("code")),
                           ("job_title", job.get("title")),
                           ("legal_entity", org.get("legalEntity"))):
            if value is not None:
                out[key] = value
        # nullable in the target: written as null
        out["pronouns"] = person.get("pronouns")
        out["nationality"] = person.get("nationality")
        email = contact.get("workEmail")
        out["work_email"] = None if email is None else email.lower()
        out["personal_email"] = contact.get("personalEmail")
        phone = contact.get("workPhone")
        out["phone"] = contact.get("mobile") if phone is None else phone
        out["weekly_hours"] = job.get("standardHours")
        out["badge_id"] = custom.get("badge")
        if department is not None:
            out["department"] = DEPARTMENT.get(department, department)
        phones = r.get("phones")
        if phones is not None:
            mapped = []
            for item in phones:
                kind = item.get("type")
                row: dict[str, Any] = {"type": PHONE_TYPE.get(kind, "OTHER")}  # type: ignore[arg-type]
                number = item.get("number")
                if number is not None:
                    row["number"] = number
                row["primary"] = kind == "work"
                mapped.append(row)
            out["phones"] = mapped
        return out

"""Date and string heavy: a worker -> a directory entry through string, date and identifier
functions (``dates_strings.yaml``)."""

from __future__ import annotations

import hashlib
import random
import uuid
from datetime import UTC, datetime
from typing import Any

FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken", "Margaret", "Zoë", "Ngozi"]
LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Thompson", "Okonjo-Iweala"]
TITLES = ["  Senior Consultant ", "Head of Delivery", "Engagement Manager", "Developer ",
          "Data Engineer", " Head of People", "Practice Manager"]
OFFSETS = ["Z", "+00:00", "+02:00", "-05:00", "+0530", "+09:00"]


def records(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        first, last = rnd.choice(FIRST), rnd.choice(LAST)
        hired = f"{rnd.randint(1995, 2026)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
        out.append({
            "id": f"W{i:07d}",
            "first_name": first, "last_name": last,
            "preferred_name": rnd.choice([None, None, None, first[:3]]),
            "email": f"{first}.{last}@{rnd.choice(['Example.com', 'corp.example'])}",
            "title": rnd.choice(TITLES),
            "employee_number": f"E-{rnd.randint(1, 99999):06d}",
            "phone": rnd.choice([None, f"({rnd.randint(200, 999)}) 555-{rnd.randint(1000, 9999)}"]),
            "tags": rnd.choice([None, "remote", "remote,mentor", "oncall,mentor,lead"]),
            "hire_date": rnd.choice([hired, hired + "T09:00:00"]),
            "birth_date": rnd.choice([None, f"19{rnd.randint(50, 99)}-{rnd.randint(1, 12):02d}-"
                                            f"{rnd.randint(1, 28):02d}"]),
            "termination_date": rnd.choice([None, None, None, "2026-06-30"]),
            "last_login": rnd.choice([None, f"2026-11-{rnd.randint(1, 28):02d}T"
                                            f"{rnd.randint(0, 23):02d}:{rnd.randint(0, 59):02d}:"
                                            f"{rnd.randint(0, 59):02d}{rnd.choice(['', '.250'])}"
                                            f"{rnd.choice(OFFSETS)}"]),
            "updated": f"2026-11-{rnd.randint(1, 28):02d}T08:00:00.000+0000",
            "bio": "Joined from the consulting practice; leads the data platform guild. " * 2,
        })
    return out


def timestamp(text: str) -> str:
    """RFC 3339 UTC of an ISO 8601 date-time with any offset (none: UTC)."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds") + "Z"


class Hand:
    @staticmethod
    def applies(r: dict[str, Any]) -> bool:
        return True

    @staticmethod
    def key(r: dict[str, Any]) -> str:
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://hr.example/workers/{r['id']}"))

    @staticmethod
    def transform(r: dict[str, Any]) -> dict[str, Any]:
        rid, first, last, email = r["id"], r["first_name"], r["last_name"], r["email"]
        user, _, domain = email.partition("@")
        title = r["title"]
        hired = datetime.fromisoformat(r["hire_date"])
        lowered = email.lower()
        out: dict[str, Any] = {
            "id": str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{rid}.workers.hr.example")),
            "display_name": f"{r.get('preferred_name') or first} {last}",
            "username": user.lower(),
            "email": lowered,
            "email_domain": domain,
            "initials": first[:1] + last[:1],
            "title": title.strip().upper(),
            "is_manager": title.strip().startswith("Head") or "Manager" in title,
            "employee_number": r["employee_number"].strip("E-"),
        }
        phone = r.get("phone")
        if phone is not None:
            out["phone"] = (phone.replace("(", "").replace(")", "").replace(" ", "")
                            .replace("-", ""))
        if r.get("tags") is not None:
            out["tags"] = r["tags"].split(",")
        out["start_date"] = hired.date().isoformat()
        out["start_year"] = r["hire_date"][:4]
        out["start_display"] = f"{hired.day:02d}/{hired.month:02d}/{hired.year:04d}"
        if r.get("birth_date") is not None:
            born = datetime.fromisoformat(r["birth_date"])
            out["birthday"] = f"{born.month:02d}-{born.day:02d}"
        if r.get("termination_date") is not None:
            out["ended"] = datetime.fromisoformat(r["termination_date"]).date().isoformat()
        if r.get("last_login") is not None:
            out["last_seen"] = timestamp(r["last_login"])
        out["modified"] = timestamp(r["updated"])
        out["fingerprint"] = hashlib.sha256(f"{rid}|{lowered}".encode()).hexdigest()
        return out

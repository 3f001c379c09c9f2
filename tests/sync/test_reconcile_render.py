"""The reconciliation report as text, JSON, JUnit and one self-contained HTML page — the page
checked in headless Chromium (tests/browser.py): it renders, logs no error, requests nothing,
its links resolve, the numbers are visible, hostile record values stay text."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from accord.expr import compile_expression
from accord.sync.reconcile import (
    ReconcileReport,
    ReconcileSpec,
    SourceRecord,
    SourceSide,
    TargetCheck,
    compare_fields,
    reconcile,
)
from accord.sync.reconcile_render import render_report, render_text
from browser import Browser, output_dir

HOSTILE = '<script>console.error("pwned")</script><img src=x onerror=alert(1)>"\''


class Entry:
    def __init__(self, key: str, canonical: dict[str, Any]) -> None:
        self.key = key
        self.canonical = canonical
        self.content_hash = _hash(canonical)
        self.sources = {"harvest": "h-" + key}


def _hash(record: Any) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()


def _entry(key: str, hours: Any, project: str, date: str = "2026-11-03") -> dict[str, Any]:
    return {"id": key, "project": {"id": project}, "work_date": date, "hours": hours}


def _report(*, differ: bool) -> ReconcileReport:
    spec = ReconcileSpec(
        measures={"hours": compile_expression("hours")},
        group_by={"project": compile_expression("project.id"),
                  "period": compile_expression("substring(work_date, `0`, `7`)")},
        texts={"measures.hours": "hours", "group_by.project": "project.id",
               "group_by.period": "substring(work_date, `0`, `7`)"})
    source_records = [_entry("te-1", 7.5, "prj-apollo"), _entry("te-2", "0.25", "prj-apollo"),
                      _entry("te-3", 8, HOSTILE, "2026-12-01")]
    delivered = [Entry(r["id"], r) for r in source_records]
    checks = [TargetCheck("netsuite", e.key, f"ns-{i}", "ok") for i, e in enumerate(delivered)]
    if differ:
        source_records[0] = _entry("te-1", 6.5, "prj-apollo")
        source_records.append(_entry("te-4", 1, "prj-apollo"))
        checks[2] = TargetCheck("netsuite", "te-3", "ns-2", "drift", tuple(compare_fields(
            {"memo": HOSTILE}, {"memo": "edited </td></tr></table>"}, subset=True)))
    side = SourceSide(read_counts={"harvest": len(source_records)},
                      outside={"held by gate approved": 2})
    for record in source_records:
        side.records[record["id"]] = SourceRecord(record["id"], record, _hash(record),
                                                  {"harvest": "h-" + record["id"]})
    return reconcile(flow="time-to-actuals", entity="time_entry@1.1.0", environment="local",
                     spec=spec, source=side, delivered=delivered, targets=["netsuite"],
                     checks=checks, generated_at="2026-12-01T23:00:00Z")


def test_text_report_tables_and_verdict() -> None:
    ok = render_text(_report(differ=False))
    assert "prj-apollo · 2026-11" in ok and "7.75" in ok
    assert ok.rstrip().endswith("time-to-actuals: reconciled — 3 delivered record(s) in 2 "
                                "group(s)")
    bad = render_text(_report(differ=True))
    assert "In the source, never delivered (1)" in bad and "Changed since the last sync (1)" in bad
    assert "Drifted in the target (1)" in bad
    row = next(line for line in bad.splitlines() if line.strip().startswith("prj-apollo"))
    assert row.split()[-7:] == ["3", "2", "-1", "7.75", "7.75", "0.00", "NO"]
    assert bad.rstrip().endswith("1 drifted in the target")


def test_json_and_junit() -> None:
    data = json.loads(render_report(_report(differ=True), "json"))
    assert data["exit_code"] == 1 and data["summary"]["not_delivered"] == 1
    assert data["total"]["source"] == {"count": 4, "hours": "15.75"}
    assert data["total"]["delivered"] == {"count": 3, "hours": "15.75"}
    cases = ElementTree.fromstring(render_report(_report(differ=True), "junit"))
    failures = [c.find("failure") for c in cases.iter("testcase")]
    assert len([f for f in failures if f is not None]) == 4  # a group, three records


def test_the_html_page_renders_in_chromium(tmp_path: Path) -> None:
    out = output_dir(tmp_path)
    pages = {}
    for differ in (False, True):
        page = out / f"reconcile-{'differs' if differ else 'ok'}.html"
        page.write_text(render_report(_report(differ=differ), "html"), "utf-8")
        pages[differ] = page
    html = pages[True].read_text("utf-8")
    assert "<script" not in html and "&lt;script&gt;" in html  # hostile values stay text
    assert not re.search(r"(src|href)=\"(https?:)?//", html)  # nothing external
    with Browser.launch() as browser:
        for differ, path in pages.items():
            page = browser.load(path)
            assert page.problems() == []
            assert page.broken_links() == []
            assert page.evaluate("document.scripts.length") == 0
            assert page.evaluate("document.querySelectorAll('img').length") == 0
            assert page.evaluate("document.querySelectorAll('svg rect').length") == 4
            text = page.text()
            shot = page.screenshot(path.with_suffix(".png"))
            assert shot.stat().st_size > 10_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
            if not differ:
                assert "Reconciled" in text and "15.75" in text
                continue
            assert "Does not reconcile" in text
            assert HOSTILE in text  # shown, as text
            totals = page.evaluate(
                "Array.from(document.querySelectorAll('#totals + table tr.bad:not(.total) td'),"
                " td => td.textContent)")
            assert totals == ["prj-apollo · 2026-11", "3", "2", "-1", "7.75", "7.75", "0.00",
                              "NO"]
            heads = page.evaluate("Array.from(document.querySelectorAll('h2'), h => h.id)")
            assert heads == ["chart", "totals", "not_delivered", "changed", "drift"]

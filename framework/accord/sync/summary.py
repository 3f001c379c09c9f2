"""The summary of a sync run: for people (a table), for CI (JUnit: one case per record that
failed with a class the run fails on, one per source) and for monitoring (Prometheus text)."""

from __future__ import annotations

from typing import Any

from accord.diagnostics import JUnitCase, render_junit_cases
from accord.sync.engine import Outcome, SyncReport

__all__ = ["junit", "summary_rows", "verdict"]

_ORDER = [o.value for o in Outcome]


def summary_rows(report: SyncReport) -> list[dict[str, Any]]:
    """The table ``accord sync`` prints: records by outcome, failures by class, then each
    stage's and each system's latency percentiles (milliseconds)."""
    m = report.metrics
    rows: list[dict[str, Any]] = []
    for outcome in _ORDER:
        if m.outcomes.get(outcome):
            rows.append({"what": outcome, "count": m.outcomes[outcome]})
    for error_class, n in sorted(m.failures.items()):
        rows.append({"what": f"  {error_class}", "count": n})
    if m.conflicts:
        rows.append({"what": "ownership conflicts (not applied)", "count": m.conflicts})
    for title, table in (("stage", m.stages), ("calls to", m.requests)):
        for name, lat in sorted(table.items()):
            rows.append({"what": f"{title} {name}", "count": lat.count,
                         "p50 ms": f"{lat.quantile(0.5) * 1000:.1f}",
                         "p95 ms": f"{lat.quantile(0.95) * 1000:.1f}",
                         "p99 ms": f"{lat.quantile(0.99) * 1000:.1f}",
                         "retries": m.retries.get(name, "") if title == "calls to" else ""})
    return rows


def verdict(report: SyncReport) -> str:
    m = report.metrics
    sources = ", ".join(
        f"{s.system} {s.read} read" + (f" (from {s.watermark_from})" if s.watermark_from else "")
        + (f" FAILED: {s.error}" if s.error else "") for s in report.sources)
    mode = " (dry run: nothing written)" if report.dry_run else ""
    return (f"accord sync {report.flow}{mode} [{report.environment}] run {report.run_id[:12]}: "
            f"{sources}; {m.records} record(s) in {m.seconds:.2f} s")


def junit(report: SyncReport) -> str:
    cases: list[JUnitCase] = []
    for source in report.sources:
        cases.append(JUnitCase(name=f"read {source.system} ({source.operation})",
                               classname=f"accord sync {report.flow}",
                               failure=source.error, failure_type="source",
                               body=f"{source.read} record(s) read"))
    for r in report.results:
        if r.outcome is not Outcome.EXCEPTION:
            continue
        failed = r.error_class in report.fail_on
        body = "\n".join(f"{k}: {v}" for k, v in r.to_dict().items() if v is not None)
        cases.append(JUnitCase(
            name=f"{r.system} {r.source_id or r.key or r.correlation_id}",
            classname=f"accord sync {report.flow}", failure=r.message if failed else None,
            failure_type=r.error_class or "", body=body))
    return render_junit_cases(cases, suite=f"accord sync {report.flow}")

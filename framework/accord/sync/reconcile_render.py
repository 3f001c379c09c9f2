"""Reconciliation reports for people: text tables, findings for JUnit, and one self-contained
HTML page.

The page needs nothing but itself: inline CSS, an inline SVG bar chart (source vs delivered
per group), no script, no external asset (its Content-Security-Policy forbids them). Every
value in it comes from records, which are untrusted: all text is escaped, and no value ever
lands in an attribute unquoted or in a style or URL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Any, Protocol

from accord.diagnostics import Diagnostic, Severity
from accord.sync.reconcile import KINDS, GroupTotals, Problem, ReconcileReport

__all__ = ["FORMATS", "Section", "render_html", "render_report", "render_text",
           "report_diagnostics", "summary_line", "text_sections"]

#: the formats of ``accord reconcile --format``
FORMATS = ("text", "json", "junit", "html")

#: groups drawn in the chart at most (the tables list them all)
CHART_GROUPS = 40
#: records listed per kind of problem at most (the counts are exact)
LIST_LIMIT = 500


@dataclass(frozen=True)
class Section:
    """One titled table of the text report (rows of column -> text)."""

    title: str
    columns: tuple[str, ...]
    rows: list[dict[str, str]]


def _num(value: Decimal | int) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _signed(value: Decimal) -> str:
    text = format(value, "f")
    return text if value <= 0 else "+" + text


def _value(value: Any, limit: int = 120) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                          sort_keys=True, default=str)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _group_label(report: ReconcileReport, group: GroupTotals) -> str:
    if not report.group_by:
        return "all records"
    return " · ".join(group.values)


def _total_row(report: ReconcileReport, name: str, group: GroupTotals) -> dict[str, str]:
    row = {name: _group_label(report, group) if name != "total" else "total"}
    for measure in (None, *report.measures):
        label = measure or "count"
        delivered = group.delivered.get(measure) if measure else Decimal(group.delivered.count)
        if report.has_sources:
            source = group.source.get(measure) if measure else Decimal(group.source.count)
            row[f"{label} source"] = _num(source)
            row[f"{label} delivered"] = _num(delivered)
            row[f"{label} diff"] = _signed(group.difference(measure))
        else:
            row[f"{label} delivered"] = _num(delivered)
    row["ok"] = "yes" if group.reconciles(report.measures,
                                          compare_source=report.has_sources) else "NO"
    return row


def _total_columns(report: ReconcileReport, first: str) -> tuple[str, ...]:
    columns = [first]
    for label in ("count", *report.measures):
        if report.has_sources:
            columns += [f"{label} source", f"{label} delivered", f"{label} diff"]
        else:
            columns.append(f"{label} delivered")
    return (*columns, "ok")


def text_sections(report: ReconcileReport) -> list[Section]:
    """The report as tables: totals per group, then each kind of difference."""
    first = " / ".join(report.group_by) or "group"
    columns = _total_columns(report, first)
    rows = [_total_row(report, first, g) for g in report.groups]
    total = _total_row(report, first, report.total)
    total[first] = "TOTAL"
    sections = [Section("Totals" + ("" if report.has_sources else
                                    " (delivered only: the flow has no sources)"),
                        columns, [*rows, total])]
    for kind, problems in report.by_kind().items():
        sections.append(Section(
            f"{KINDS.get(kind, kind)} ({len(problems)})", ("code", "key", "system", "what"),
            [{"code": str(p.code), "key": p.key or "", "system": p.system or "",
              "what": p.message} for p in problems[:LIST_LIMIT]]))
    return sections


class Style(Protocol):
    """How text is coloured (click.style on a terminal; nothing in a file)."""

    def __call__(self, text: str, **kwargs: Any) -> str: ...


def _plain_style(text: str, **_kwargs: Any) -> str:
    return text


def render_text(report: ReconcileReport, style: Style | None = None) -> str:
    """The report as aligned tables and a verdict line; ``style`` colours it."""
    from accord.diagnostics import printable

    paint = style or _plain_style
    lines: list[str] = []
    for section in text_sections(report):
        lines.append(paint(section.title, bold=True))
        rows = [{c: printable(r.get(c, "")) for c in section.columns} for r in section.rows]
        widths = {c: max(len(c), *(len(r[c]) for r in rows)) for c in section.columns}
        lines.append("  " + "  ".join(c.upper().ljust(widths[c])
                                      for c in section.columns).rstrip())
        for row in rows:
            text = "  " + "  ".join(row[c].ljust(widths[c]) for c in section.columns).rstrip()
            bad = row.get("ok") == "NO" or "code" in row
            lines.append(paint(text, fg="red") if bad else text)
        lines.append("")
    if report.has_sources:
        reads = ", ".join(f"{s} {n}" for s, n in sorted(report.read_counts.items()))
        outside = ", ".join(f"{r}: {n}" for r, n in sorted(report.outside.items()))
        lines.append(f"Source records read: {reads or 'none'}; outside the totals: "
                     f"{outside or 'none'}")
    if report.target_counts:
        lines.append("Targets read back: " + "; ".join(
            f"{s}: " + ", ".join(f"{k} {n}" for k, n in sorted(c.items()))
            for s, c in sorted(report.target_counts.items())))
    verdict = summary_line(report)
    lines.append(paint(verdict, fg="green" if report.reconciled else "red", bold=True))
    return "\n".join(lines) + "\n"


def render_report(report: ReconcileReport, fmt: str, style: Style | None = None) -> str:
    """The report in one of :data:`FORMATS`."""
    if fmt == "json":
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if fmt == "junit":
        from accord.diagnostics import render_junit

        return render_junit(report_diagnostics(report), suite=f"accord reconcile {report.flow}"
                            ) + "\n"
    if fmt == "html":
        return render_html(report)
    return render_text(report, style)


def summary_line(report: ReconcileReport) -> str:
    """One line: reconciled or not, and the counts that say why."""
    counts = {kind: len(items) for kind, items in report.by_kind().items()}
    groups = len(report.differing_groups)
    if report.reconciled:
        return (f"{report.flow}: reconciled — {report.total.delivered.count} delivered record(s)"
                f" in {len(report.groups)} group(s)")
    parts = [f"{groups} group(s) differ"] if groups else []
    parts += [f"{n} {KINDS.get(k, k).lower()}" for k, n in counts.items()]
    return f"{report.flow}: does not reconcile — " + "; ".join(parts)


def report_diagnostics(report: ReconcileReport) -> list[Diagnostic]:
    """Every difference as a finding (for ``--format junit``): one per group whose totals
    differ and one per record."""
    from accord import codes

    found: list[Diagnostic] = []
    for group in report.differing_groups:
        label = _group_label(report, group)
        parts = [f"count {group.source.count} vs {group.delivered.count}"] + [
            f"{m} {_num(group.source.get(m))} vs {_num(group.delivered.get(m))}"
            for m in report.measures if group.difference(m) != 0]
        found.append(Diagnostic(codes.RECONCILE_TOTALS,
                                f"{report.flow} {label}: source vs delivered: "
                                + ", ".join(parts), f"flow {report.flow}",
                                severity=Severity.ERROR, hint=codes.RECONCILE_TOTALS.hint))
    for problem in report.problems:
        found.append(Diagnostic(problem.code, problem.message, f"flow {report.flow}",
                                severity=Severity.ERROR, hint=problem.code.hint))
    return found


# -- HTML --------------------------------------------------------------------------------------
_CSS = """
:root{--ok:#1a7f37;--bad:#b42318;--src:#4f6bed;--dlv:#f5a524;--mut:#5b6470;--line:#d8dde3}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1c2128;
margin:0;padding:24px 32px;background:#fbfcfd}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.meta{color:var(--mut);margin:0 0 16px}
.verdict{display:inline-block;padding:6px 12px;border-radius:6px;font-weight:600;color:#fff}
.verdict.ok{background:var(--ok)}.verdict.bad{background:var(--bad)}
table{border-collapse:collapse;margin:6px 0 12px;background:#fff}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f0f2f5}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.bad td{background:#fdecea}tr.total td{font-weight:600}
td.diff.bad{color:var(--bad);font-weight:600}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all}
ul.diffs{margin:2px 0;padding-left:18px}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:-1px}
svg text{font:11px system-ui,sans-serif;fill:#1c2128}
.note{color:var(--mut)}
"""


def _e(value: Any) -> str:
    return escape(value if isinstance(value, str) else str(value), quote=True)


def _chart(report: ReconcileReport) -> str:
    measure = report.measures[0] if report.measures else None
    label = measure or "records"
    groups = report.groups[:CHART_GROUPS]
    if not groups:
        return "<p class=\"note\">No records on either side.</p>"

    def amount(totals: Any) -> Decimal:
        return totals.get(measure) if measure else Decimal(totals.count)

    values = [(amount(g.source), amount(g.delivered)) for g in groups]
    top = max([abs(v) for pair in values for v in pair] + [Decimal(1)])
    bar, gap, label_w, chart_w = 11, 10, 230, 420
    height = len(groups) * (2 * bar + gap) + 10
    parts = [f'<svg role="img" aria-label="{_e(label)}: source vs delivered per group" '
             f'xmlns="http://www.w3.org/2000/svg" width="{label_w + chart_w + 120}" '
             f'height="{height}" viewBox="0 0 {label_w + chart_w + 120} {height}">']
    y = 5
    for group, (source, delivered) in zip(groups, values, strict=True):
        name = _group_label(report, group)
        short = name if len(name) <= 34 else name[:33] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + bar + 3}" text-anchor="end">'
                     f'<title>{_e(name)}</title>{_e(short)}</text>')
        for offset, (value, colour, side) in enumerate(
                ((source, "var(--src)", "source"), (delivered, "var(--dlv)", "delivered"))):
            if side == "source" and not report.has_sources:
                continue
            width = int(chart_w * abs(value) / top)
            top_y = y + offset * bar
            parts.append(f'<rect x="{label_w}" y="{top_y}" width="{max(width, 1)}" '
                         f'height="{bar - 1}" style="fill:{colour}"><title>{_e(side)}: '
                         f'{_e(_num(value))}</title></rect>')
            parts.append(f'<text x="{label_w + max(width, 1) + 4}" y="{top_y + bar - 2}">'
                         f'{_e(_num(value))}</text>')
        y += 2 * bar + gap
    parts.append("</svg>")
    more = (f'<p class="note">The chart shows the first {CHART_GROUPS} of '
            f'{len(report.groups)} groups; the table lists them all.</p>'
            if len(report.groups) > CHART_GROUPS else "")
    legend = ('<p class="legend">' + (
        '<span style="background:var(--src)"></span>source' if report.has_sources else "")
        + '<span style="background:var(--dlv)"></span>delivered'
        + f' — {_e(label)} per group</p>')
    return legend + "".join(parts) + more


def _totals_table(report: ReconcileReport) -> str:
    first = " / ".join(report.group_by) or "group"
    columns = _total_columns(report, first)
    head = "".join(f"<th>{_e(c)}</th>" for c in columns)
    rows = []
    for group, css in [*((g, "") for g in report.groups), (report.total, "total")]:
        row = _total_row(report, first, group)
        if group is report.total:
            row[first] = "TOTAL"
        bad = row["ok"] == "NO"
        cells = []
        for column in columns:
            value = row.get(column, "")
            classes = []
            if column != first and column != "ok":
                classes.append("n")
            if column.endswith(" diff"):
                classes.append("diff" + (" bad" if Decimal(value) != 0 else ""))
            attr = f' class="{" ".join(classes)}"' if classes else ""
            cells.append(f"<td{attr}>{_e(value)}</td>")
        rows.append(f'<tr class="{css}{" bad" if bad else ""}">{"".join(cells)}</tr>')
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _problem_rows(problems: list[Problem]) -> str:
    rows = []
    for p in problems[:LIST_LIMIT]:
        diffs = ""
        if p.differences:
            items = "".join(
                f"<li><code>{_e(d.path)}</code>: <code>{_e(_value(d.expected))}</code> → "
                f"<code>{_e(_value(d.found))}</code></li>" for d in p.differences)
            diffs = f'<ul class="diffs">{items}</ul>'
        rows.append(f"<tr><td><code>{_e(p.code)}</code></td><td><code>{_e(p.key or '')}"
                    f"</code></td><td>{_e(p.system or '')}</td><td>{_e(p.message)}{diffs}"
                    "</td></tr>")
    more = (f'<p class="note">{len(problems) - LIST_LIMIT} more not listed (JSON has them '
            "all).</p>" if len(problems) > LIST_LIMIT else "")
    return ("<table><thead><tr><th>code</th><th>key</th><th>system</th><th>what</th></tr>"
            f"</thead><tbody>{''.join(rows)}</tbody></table>{more}")


def render_html(report: ReconcileReport) -> str:
    """The report as one self-contained HTML page."""
    verdict = ('<span class="verdict ok">Reconciled</span>' if report.reconciled else
               '<span class="verdict bad">Does not reconcile</span>')
    reads = ", ".join(f"{_e(s)}: {n}" for s, n in sorted(report.read_counts.items()))
    outside = ", ".join(f"{_e(r)}: {n}" for r, n in sorted(report.outside.items()))
    checks = "; ".join(f"{_e(s)}: " + ", ".join(f"{_e(k)} {n}" for k, n in sorted(c.items()))
                       for s, c in sorted(report.target_counts.items()))
    measures = ", ".join(f"{_e(m)} = <code>{_e(report.texts.get('measures.' + m, m))}</code>"
                         for m in report.measures) or "none (counts only)"
    groups = ", ".join(f"{_e(g)} = <code>{_e(report.texts.get('group_by.' + g, g))}</code>"
                       for g in report.group_by) or "none (one group)"
    facts = [f"<li>Measures: {measures}</li>", f"<li>Grouped by: {groups}</li>"]
    if report.has_sources:
        facts.append(f"<li>Source records read: {reads or 'none'}</li>")
        facts.append(f"<li>Outside the totals: {outside or 'none'}</li>")
    else:
        facts.append("<li>The flow has no sources: the ledger is compared with its targets "
                     "only.</li>")
    if report.targets:
        facts.append(f"<li>Targets read back: {checks or 'none'}</li>")
    sections = []
    for kind, problems in report.by_kind().items():
        sections.append(f'<h2 id="{_e(kind)}">{_e(KINDS.get(kind, kind))} '
                        f"({len(problems)})</h2>{_problem_rows(problems)}")
    if not sections:
        sections.append('<h2 id="differences">Differences</h2><p>None: every record '
                        "reconciles.</p>")
    title = f"accord reconcile {report.flow}"
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{_e(title)}</h1>"
        f"<p class=\"meta\">{_e(report.entity)} · environment {_e(report.environment)} · "
        f"{_e(report.generated_at)}</p>"
        f"<p>{verdict} <span id=\"summary\">{_e(summary_line(report))}</span></p>"
        f"<ul>{''.join(facts)}</ul>"
        f"<h2 id=\"chart\">Source vs delivered</h2>{_chart(report)}"
        f"<h2 id=\"totals\">Totals</h2>{_totals_table(report)}"
        + "".join(sections) + "</body></html>\n")

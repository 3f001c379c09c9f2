"""The release report of a promotion, as Markdown and HTML: identity and bump, the decision,
verdicts per criterion, changes breaking-first, verdicts per compatibility mode, affected
mappings, verification per system."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from accord.compat import Mode, compat
from accord.compat.bump import parse_version, required_bump
from accord.compat.report import ordered
from accord.gate.impact import uses_of
from accord.gate.promote import PromotionResult
from accord.workspace.workspace import Workspace

__all__ = ["release_report", "write_report"]

Table = tuple[list[str], list[list[str]]]


def _sections(workspace: Workspace, result: PromotionResult) -> list[tuple[str, Any]]:
    contract = workspace.contracts.get(result.name, result.version)
    decision = ("APPROVED" if result.passed else "REFUSED") + (" (dry run)" if result.dry_run
                                                                 else "")
    identity: list[list[str]] = [
        ["contract", f"{result.name}@{result.version}"], ["file", contract.display],
        ["status", f"{result.from_status} → {result.to_status}"],
        ["compatibility mode", contract.compatibility], ["sha256", result.sha256],
        ["previous released", result.previous or "none (first release)"],
        ["promoted by", result.by], ["at", result.at],
    ]
    sections: list[tuple[str, Any]] = [("Identity", (["", ""], identity)),
                                       ("Decision", decision)]
    prev = workspace.contracts.get(result.name, result.previous) if result.previous else None
    changes = []
    if prev is not None:
        base = compat(prev.schema, contract.schema, contract.compatibility,
                      registry=workspace.contracts.resource_registry)
        changes = ordered(base.changes)
        need, _ = required_bump(base.changes)
        old_v, new_v = parse_version(prev.version), parse_version(contract.version)
        identity.append(["bump", f"{prev.version} → {contract.version} (changes need at least "
                                 f"{need.label}; next would be "
                                 f"{old_v.bumped(need) if old_v else '?'})"
                         if new_v else contract.version])
    verdict_rows = [[v.name, v.label.upper(), "; ".join(v.reasons) or "—"]
                    for v in result.verdicts]
    sections.append(("Verdicts", (["criterion", "verdict", "reasons"], verdict_rows)))
    sections.append(("Changes (breaking first)", (
        ["", "change", "pointer", "message"],
        [["BREAKING" if not c.compatible else "ok", c.type.value, c.pointer or "/", c.message]
         for c in changes]) if changes else "No previous released version to compare with."
        if prev is None else "No changes."))
    if prev is not None:
        rows = []
        for mode in (Mode.BACKWARD, Mode.FORWARD, Mode.FULL):
            r = compat(prev.schema, contract.schema, mode,
                       registry=workspace.contracts.resource_registry)
            rows.append([mode.value, "compatible" if r.compatible else "incompatible",
                         str(len(r.breaking))])
        sections.append((f"Verdicts per mode (against {prev.version})",
                         (["mode", "verdict", "breaking changes"], rows)))
    affected = []
    for c in changes:
        for use in uses_of(c.pointer, result.uses):
            affected.append([c.pointer or "/", c.type.value, use.access, f"{use.spec}:{use.line}",
                             use.contract])
    sections.append(("Affected mappings", (["pointer", "change", "access", "rule", "uses"],
                                           affected) if affected else
                     "No mapping reads or writes a changed pointer."))
    verification = next((v for v in result.verdicts if v.name == "verification"), None)
    sections.append(("Verification per system", "; ".join(verification.reasons)
                     if verification and verification.reasons else
                     ("all consuming systems verified" if verification else "not run")))
    return sections


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def release_report(workspace: Workspace, result: PromotionResult) -> tuple[str, str]:
    """(Markdown, HTML) of the report."""
    sections = _sections(workspace, result)
    title = f"Release report: {result.name}@{result.version} → {result.to_status}"
    md = [f"# {title}", ""]
    body = [f"<h1>{html.escape(title)}</h1>"]
    for heading, content in sections:
        md += [f"## {heading}", ""]
        body.append(f"<h2>{html.escape(heading)}</h2>")
        if isinstance(content, str):
            md += [f"**{content}**" if heading == "Decision" else content, ""]
            body.append(f"<p><strong>{html.escape(content)}</strong></p>" if heading ==
                        "Decision" else f"<p>{html.escape(content)}</p>")
            continue
        header, rows = content
        md.append("| " + " | ".join(header) + " |")
        md.append("|" + "---|" * len(header))
        md += ["| " + " | ".join(_cell(x) for x in row) + " |" for row in rows]
        md.append("")
        body.append("<table><thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header)
                    + "</tr></thead><tbody>")
        for row in rows:
            cls = ' class="breaking"' if (row and row[0] in ("BREAKING", "FAIL")) or (
                len(row) > 1 and row[1] == "FAIL") else ""
            body.append(f"<tr{cls}>" + "".join(f"<td>{html.escape(str(x))}</td>" for x in row)
                        + "</tr>")
        body.append("</tbody></table>")
    page = ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>body{{font-family:sans-serif;"
            "max-width:70em;margin:2em auto}}table{{border-collapse:collapse}}td,th{{border:1px "
            "solid #ccc;padding:.2em .5em;text-align:left}}tr.breaking td{{background:#fdd}}"
            "</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")
    return "\n".join(md), page


def write_report(workspace: Workspace, result: PromotionResult, folder: str | Path
                 ) -> list[Path]:
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    md, page = release_report(workspace, result)
    stem = f"{result.name}-{result.version}-{result.to_status}"
    paths = [out / f"{stem}.md", out / f"{stem}.html"]
    paths[0].write_text(md, encoding="utf-8")
    paths[1].write_text(page, encoding="utf-8")
    return paths

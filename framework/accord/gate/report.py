"""The release report of a promotion, as Markdown and HTML: identity and bump, the decision,
verdicts per criterion, changes breaking-first, verdicts per compatibility mode, affected
mappings, verification of each pact against the gate's environment, and any waiver."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from accord import fsio
from accord.compat import Mode, compat
from accord.compat.bump import required_bump
from accord.compat.report import ordered
from accord.diagnostics import JUnitCase
from accord.gate.impact import uses_of
from accord.gate.promote import PromotionResult
from accord.project import Workspace
from accord.workspace.semver import parse_version

__all__ = ["junit_verdict_cases", "release_report", "write_report"]

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
    if result.sunset:
        identity.append(["sunset", f"{result.sunset} (mappings on {result.version} fail "
                                   "`accord check` after this day)"])
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
                                 f"{old_v.bumped(need.label) if old_v else '?'})"
                         if new_v else contract.version])
    verdict_rows = [[v.name, v.label.upper(), "; ".join(v.reasons) or v.note or "—"]
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
    majors = next((v for v in result.verdicts if v.name == "mappings"
                   and "mappings" in v.detail), None)
    if majors is not None:
        sections.append((f"Mappings of {result.name} on the new major "
                         f"({result.version}, after {majors.detail['previous']})", (
            ["mapping", "access", "uses", f"fits {result.version}", "outcome", "first finding"],
            [[m["spec"], m["access"], m["uses"], "yes" if m["fits"] else "no",
              m["outcome"] if m["ok"] else f"FAIL: {m['outcome']}", m["first"] or "—"]
             for m in majors.detail["mappings"]]) if majors.detail["mappings"] else
            f"No mapping reads or writes {result.name}."))
    sections += _verification_sections(result)
    return sections


def _verification_sections(result: PromotionResult) -> list[tuple[str, Any]]:
    """The pacts involving the version and their verification against the gate's
    environment; a plain sentence when no pact involves it; the waiver when there is one."""
    verdict = next((v for v in result.verdicts if v.name == "verification"), None)
    if verdict is None:
        return [("Verification", f"not a criterion of --to {result.to_status} (verification "
                                 "guards --to released)")]
    decision = verdict.detail.get("decision", {})
    heading = f"Verification against {result.environment}"
    rows = [[p["pact"] or "(none)", p["consumer"] or p["mapping"], p["provider"],
             (p["verification"] or p["earlier"] or {}).get("verified_at", "—")[:19],
             p["outcome"], "PASS" if p["ok"] else "FAIL", p["why"] or "—"]
            for p in decision.get("pacts", [])]
    rows += [[d["file"], "—", "—", "—", "unreadable", "FAIL", d["message"]]
             for d in decision.get("problems", [])]
    out: list[tuple[str, Any]] = [(heading, (
        ["pact", "consumer", "provider", "last verification", "outcome", "verdict", "why not"],
        rows) if rows else verdict.note or "no pact involves this version")]
    if rows and verdict.note:
        out.append((f"{heading}: summary", verdict.note))
    waiver = result.waivers.get("verification")
    if waiver is not None:
        out.append(("Waiver", (["criterion", "waived by", "at", "reason"],
                               [["verification", waiver["by"], waiver["at"],
                                 waiver["reason"]]])))
    return out


def _cell(value: object) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


_CSS = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328;
       max-width: 72em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 1.6em; border-bottom: 1px solid #d0d7de; padding-bottom: .3em; }
h2 { font-size: 1.2em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { border: 1px solid #d0d7de; padding: .3em .6em; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
tr.breaking td { background: #ffebe9; }
td.pointer { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; }
.verdict { font-weight: 600; border-radius: 1em; padding: .05em .6em; font-size: .85em; }
.PASS, .ok, .compatible { color: #1a7f37; background: #dafbe1; }
.FAIL, .BREAKING, .incompatible { color: #cf222e; background: #ffebe9; }
.SKIPPED { color: #57606a; background: #eaeef2; }
.WAIVED { color: #9a6700; background: #fff8c5; }
.decision { font-size: 1.15em; font-weight: 700; padding: .5em .8em; border-radius: .4em;
            display: inline-block; }
.decision.approved { color: #1a7f37; background: #dafbe1; }
.decision.refused { color: #cf222e; background: #ffebe9; }
"""

_BADGES = {"PASS", "FAIL", "SKIPPED", "WAIVED", "BREAKING", "ok", "compatible",
           "incompatible"}


def _html_cell(value: object) -> str:
    text = str(value)
    if text in _BADGES:
        return f'<td><span class="verdict {text}">{html.escape(text)}</span></td>'
    if text.startswith("/") and " " not in text:
        return f'<td class="pointer">{html.escape(text)}</td>'
    return f"<td>{html.escape(text)}</td>"


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
            if heading == "Decision":
                tone = "approved" if content.startswith("APPROVED") else "refused"
                body.append(f'<p class="decision {tone}">{html.escape(content)}</p>')
            else:
                body.append(f"<p>{html.escape(content)}</p>")
            continue
        header, rows = content
        md.append("| " + " | ".join(header) + " |")
        md.append("|" + "---|" * len(header))
        md += ["| " + " | ".join(_cell(x) for x in row) + " |" for row in rows]
        md.append("")
        head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
        body.append("<table>" + (f"<thead><tr>{head}</tr></thead>" if any(header) else "")
                    + "<tbody>")
        for row in rows:
            cls = ' class="breaking"' if (row and row[0] in ("BREAKING", "FAIL")) or (
                len(row) > 1 and row[1] == "FAIL") or any(
                str(x).startswith("FAIL: ") for x in row) else ""
            body.append(f"<tr{cls}>" + "".join(_html_cell(x) for x in row) + "</tr>")
        body.append("</tbody></table>")
    page = ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")
    return "\n".join(md), page


def write_report(workspace: Workspace, result: PromotionResult, folder: str | Path
                 ) -> list[Path]:
    out = Path(folder)
    # inside the workspace, confined to it; elsewhere, to the folder the user named
    root = workspace.root if fsio.inside(out.parent, workspace.root) else out
    fsio.make_dirs(out, root=root if root is workspace.root else None)
    md, page = release_report(workspace, result)
    stem = f"{result.name}-{result.version}-{result.to_status}"
    paths = [out / f"{stem}.md", out / f"{stem}.html"]
    fsio.write_text(paths[0], md, root=root)
    fsio.write_text(paths[1], page, root=root)
    return paths


def junit_verdict_cases(result: PromotionResult) -> list[JUnitCase]:
    """One JUnit case per gate criterion: a failed criterion lists its reasons in the body, a
    skipped one is a JUnit skip with its reason."""
    suite = f"accord promote {result.name}@{result.version} --to {result.to_status}"
    cases = []
    for v in result.verdicts:
        body = "\n".join(v.reasons)
        if not v.passed:
            cases.append(JUnitCase(v.name, suite, failure=f"{len(v.reasons)} reason(s)",
                                   failure_type="gate", body=body))
        elif v.waived:
            cases.append(JUnitCase(v.name, suite, skipped=f"waived: {v.reasons[-1]}",
                                   body=body))
        elif v.skipped:
            cases.append(JUnitCase(v.name, suite, skipped=v.reasons[0] if v.reasons else
                                   "skipped", body=body))
        else:
            cases.append(JUnitCase(v.name, suite, body=body))
    return cases

"""The contract registry: every bad input is a located finding, never a traceback."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from accord.diagnostics import Diagnostic
from accord.project import load_workspace
from accord.workspace.lock import RegistryLock, sha256_file

MONEY = """\
$schema: https://json-schema.org/draft/2020-12/schema
$id: urn:accord:contract:money:1.0.0
type: object
additionalProperties: false
required: [currency, amount]
properties:
  currency: {type: string, pattern: "^[A-Z]{3}$"}
  amount: {type: string, pattern: "^-?[0-9]+(\\\\.[0-9]+)?$"}
examples:
  - {currency: EUR, amount: "12.50"}
x-accord: {version: 1.0.0, status: draft, compatibility: BACKWARD, owner: finance}
"""

INVOICE = """\
$schema: https://json-schema.org/draft/2020-12/schema
$id: urn:accord:contract:invoice:1.0.0
type: object
additionalProperties: false
required: [number, total]
properties:
  number: {type: string}
  total: {$ref: "urn:accord:contract:money:1.0.0"}
  tax: {$ref: "../money/1.0.0.yaml"}
examples:
  - {number: INV-1, total: {currency: EUR, amount: "100.00"}, tax: {currency: EUR, amount: "19"}}
x-accord: {version: 1.0.0, status: draft, compatibility: BACKWARD, owner: finance}
"""


def make(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    (tmp_path / "contracts").mkdir(exist_ok=True)
    return tmp_path


def check(root: Path) -> list[Diagnostic]:
    return load_workspace(root).check()


def only(diags: list[Diagnostic], code: str) -> Diagnostic:
    matching = [d for d in diags if d.code == code]
    assert len(matching) == 1, [d.format() for d in diags]
    return matching[0]


C = "contracts/canonical"


def test_clean_workspace_with_urn_and_path_refs(tmp_path: Path) -> None:
    root = make(tmp_path, {f"{C}/money/1.0.0.yaml": MONEY, f"{C}/invoice/1.0.0.yaml": INVOICE})
    assert check(root) == []
    ws = load_workspace(root)
    invoice = ws.contracts.get("invoice", "1.0.0")
    assert invoice.schema["properties"]["tax"]["$ref"] == "urn:accord:contract:money:1.0.0"
    bundle = ws.contracts.bundle("invoice")
    assert bundle["properties"]["total"]["$ref"] == "#/$defs/money@1.0.0"
    assert "money@1.0.0" in bundle["$defs"]


def test_bundle_is_self_contained(tmp_path: Path) -> None:
    from jsonschema import Draft202012Validator

    root = make(tmp_path, {f"{C}/money/1.0.0.yaml": MONEY, f"{C}/invoice/1.0.0.yaml": INVOICE})
    bundle = load_workspace(root).contracts.bundle("invoice", "1.0.0")
    assert "urn:accord" not in json.dumps(bundle).replace(bundle["$id"], "")
    validator = Draft202012Validator(bundle)
    good = {"number": "1", "total": {"currency": "EUR", "amount": "1.00"}}
    assert validator.is_valid(good)
    assert not validator.is_valid({"number": "1", "total": {"currency": "euro", "amount": "1"}})


def test_versions_sorted_by_semver(tmp_path: Path) -> None:
    files = {}
    for v in ["1.10.0", "1.2.0", "1.2.0-rc.1", "2.0.0"]:
        files[f"{C}/money/{v}.yaml"] = MONEY.replace("1.0.0", v)
    ws = load_workspace(make(tmp_path, files))
    assert [c.version for c in ws.contracts.versions("money")] == [
        "1.2.0-rc.1", "1.2.0", "1.10.0", "2.0.0"]
    assert ws.contracts.latest("money").version == "2.0.0"
    assert ws.contracts.parse_ref("money@1.2.0").version == "1.2.0"


def test_malformed_yaml(tmp_path: Path) -> None:
    d = only(check(make(tmp_path, {f"{C}/money/1.0.0.yaml": "a: [1\nb: 2\n"})), "ACC005")
    assert d.file.endswith("money/1.0.0.yaml") and d.line == 2


def test_duplicate_keys(tmp_path: Path) -> None:
    d = only(check(make(tmp_path, {f"{C}/money/1.0.0.yaml": MONEY + "type: object\n"})),
             "ACC006")
    assert d.line == 12


def test_tabs(tmp_path: Path) -> None:
    d = only(check(make(tmp_path, {f"{C}/money/1.0.0.yaml": MONEY + "\tfoo: 1\n"})), "ACC004")
    assert d.line == 12


def test_not_a_json_schema(tmp_path: Path) -> None:
    bad = MONEY.replace("required: [currency, amount]", "required: currency")
    d = only(check(make(tmp_path, {f"{C}/money/1.0.0.yaml": bad})), "ACC103")
    assert d.pointer == "/required"
    assert d.line == 5 and d.col == 11


def test_wrong_dialect(tmp_path: Path) -> None:
    bad = MONEY.replace("draft/2020-12/schema", "draft-07/schema#")
    d = only(check(make(tmp_path, {f"{C}/money/1.0.0.yaml": bad})), "ACC103")
    assert d.line == 1 and "2020-12" in d.hint


def test_wrong_x_accord_block(tmp_path: Path) -> None:
    bad = MONEY.replace("status: draft", "status: shipped")
    d = only(check(make(tmp_path, {f"{C}/money/1.0.0.yaml": bad})), "ACC104")
    assert d.pointer == "/x-accord/status"
    assert "released" in d.hint and d.line == 11


def test_missing_x_accord_block(tmp_path: Path) -> None:
    bad = "\n".join(ln for ln in MONEY.splitlines() if not ln.startswith("x-accord"))
    d = only(check(make(tmp_path, {f"{C}/money/1.0.0.yaml": bad})), "ACC104")
    assert "x-accord" in d.hint


def test_version_mismatch_between_file_and_block(tmp_path: Path) -> None:
    bad = MONEY.replace("version: 1.0.0", "version: 1.0.1")
    d = only(check(make(tmp_path, {f"{C}/money/1.0.0.yaml": bad})), "ACC105")
    assert d.pointer == "/x-accord/version"


def test_id_mismatch(tmp_path: Path) -> None:
    bad = MONEY.replace("money:1.0.0", "monies:1.0.0")
    d = only(check(make(tmp_path, {f"{C}/money/1.0.0.yaml": bad})), "ACC105")
    assert d.line == 2 and "urn:accord:contract:money:1.0.0" in d.hint


def test_file_name_not_semver(tmp_path: Path) -> None:
    only(check(make(tmp_path, {f"{C}/money/v1.yaml": MONEY})), "ACC101")


def test_missing_ref_target_by_urn(tmp_path: Path) -> None:
    bad = INVOICE.replace("urn:accord:contract:money:1.0.0", "urn:accord:contract:mony:1.0.0")
    root = make(tmp_path, {f"{C}/money/1.0.0.yaml": MONEY, f"{C}/invoice/1.0.0.yaml": bad})
    d = only(check(root), "ACC106")
    assert d.pointer == "/properties/total/$ref" and d.line == 8
    assert "did you mean urn:accord:contract:money:1.0.0" in d.hint


def test_missing_ref_target_by_path(tmp_path: Path) -> None:
    bad = INVOICE.replace("../money/1.0.0.yaml", "../money/9.0.0.yaml")
    root = make(tmp_path, {f"{C}/money/1.0.0.yaml": MONEY, f"{C}/invoice/1.0.0.yaml": bad})
    d = only(check(root), "ACC106")
    assert d.pointer == "/properties/tax/$ref" and d.line == 9


def test_bad_fragment(tmp_path: Path) -> None:
    bad = INVOICE.replace('"urn:accord:contract:money:1.0.0"',
                          '"urn:accord:contract:money:1.0.0#/$defs/nothing"')
    root = make(tmp_path, {f"{C}/money/1.0.0.yaml": MONEY, f"{C}/invoice/1.0.0.yaml": bad})
    d = only(check(root), "ACC106")
    assert "does not resolve" in d.message


def test_cyclic_refs_between_contracts(tmp_path: Path) -> None:
    a = MONEY.replace("  amount:", "  other: {$ref: 'urn:accord:contract:invoice:1.0.0'}\n"
                                   "  amount:")
    root = make(tmp_path, {f"{C}/money/1.0.0.yaml": a, f"{C}/invoice/1.0.0.yaml": INVOICE})
    d = only(check(root), "ACC107")
    assert "cyclic" in d.message and "break the cycle" in d.hint


def test_local_ref_loop(tmp_path: Path) -> None:
    loop = MONEY.replace("examples:", "$defs:\n  a: {$ref: '#/$defs/b'}\n  b: {$ref: '#/$defs/a'}\n"
                                       "examples:")
    diags = check(make(tmp_path, {f"{C}/money/1.0.0.yaml": loop}))
    assert any(d.code == "ACC107" for d in diags), diags


def test_example_that_does_not_validate(tmp_path: Path) -> None:
    bad = MONEY.replace('{currency: EUR, amount: "12.50"}', '{currency: eur, amount: "12.50"}')
    d = only(check(make(tmp_path, {f"{C}/money/1.0.0.yaml": bad})), "ACC108")
    assert d.pointer == "/examples/0/currency" and d.line == 10
    assert "$.currency" in d.message


def test_non_utf8(tmp_path: Path) -> None:
    root = make(tmp_path, {f"{C}/money/1.0.0.yaml": MONEY.encode() + b"# caf\xe9\n"})
    d = only(check(root), "ACC002")
    assert d.line == 12


def test_empty_file(tmp_path: Path) -> None:
    only(check(make(tmp_path, {f"{C}/money/1.0.0.yaml": ""})), "ACC003")


def test_directory_where_a_file_should_be(tmp_path: Path) -> None:
    (tmp_path / C / "money" / "1.0.0.yaml").mkdir(parents=True)
    d = only(check(make(tmp_path, {})), "ACC100")
    assert "directory" in d.message


def test_file_where_a_directory_should_be(tmp_path: Path) -> None:
    only(check(make(tmp_path, {f"{C}/money.yaml": MONEY})), "ACC100")


def test_released_contract_is_immutable(tmp_path: Path) -> None:
    released = MONEY.replace("status: draft", "status: released")
    root = make(tmp_path, {f"{C}/money/1.0.0.yaml": released})
    # not in the lock yet: a finding that says how to get there
    d = only(check(root), "ACC109")
    assert "accord promote money 1.0.0" in d.hint
    path = root / C / "money" / "1.0.0.yaml"
    lock = RegistryLock.load(root / "contracts" / "registry.lock")
    lock.record("money", "1.0.0", sha256=sha256_file(path), status="released",
                at="2026-11-22T00:00:00Z", by="test")
    lock.save()
    assert check(root) == []
    path.write_text(released.replace("finance", "treasury"), encoding="utf-8")
    d = only(check(root), "ACC109")
    assert "released contracts are immutable — add a new version" in d.message


def test_deleted_released_contract(tmp_path: Path) -> None:
    root = make(tmp_path, {})
    lock = RegistryLock.load(root / "contracts" / "registry.lock")
    lock.record("money", "1.0.0", sha256="ab" * 32, status="released", at="t", by="x")
    lock.save()
    d = only(check(root), "ACC109")
    assert d.file == "contracts/registry.lock" or d.file.endswith("registry.lock")


def test_corrupt_lock(tmp_path: Path) -> None:
    root = make(tmp_path, {"contracts/registry.lock": "{not json"})
    d = only(check(root), "ACC110")
    assert d.line == 1


def test_lock_round_trip_is_stable(tmp_path: Path) -> None:
    path = tmp_path / "registry.lock"
    lock = RegistryLock.load(path)
    lock.record("b", "1.0.0", sha256="1", status="released", at="t", by="x")
    lock.record("a", "1.0.0", sha256="2", status="candidate", at="t", by="x")
    lock.save()
    first = path.read_text()
    RegistryLock.load(path).save()
    assert path.read_text() == first
    assert list(json.loads(first)["contracts"]) == ["a", "b"]


def test_all_findings_reported_together(tmp_path: Path) -> None:
    root = make(tmp_path, {
        f"{C}/money/1.0.0.yaml": MONEY.replace("status: draft", "status: nope"),
        f"{C}/invoice/1.0.0.yaml": "a: [\n",
        f"{C}/customer/1.0.0.yaml": "",
    })
    codes = sorted(d.code for d in check(root))
    assert codes == ["ACC003", "ACC005", "ACC104"]


def test_not_a_workspace(tmp_path: Path) -> None:
    from accord.errors import LoadError

    with pytest.raises(LoadError, match="accord init"):
        load_workspace(tmp_path)


def test_examples_are_checked_for_date_time_format(tmp_path: Path) -> None:
    stamped = MONEY.replace("  amount:", "  at: {type: string, format: date-time}\n  amount:")
    bad = stamped.replace('{currency: EUR, amount: "12.50"}',
                          '{currency: EUR, amount: "12.50", at: "yesterday"}')
    d = only(check(make(tmp_path, {f"{C}/money/1.0.0.yaml": bad})), "ACC108")
    assert d.pointer == "/examples/0/at"


def test_wrong_semver_bump_is_a_located_finding(tmp_path: Path) -> None:
    newer = MONEY.replace("1.0.0", "1.0.1").replace(
        "  amount:", "  note: {type: string}\n  amount:")
    root = make(tmp_path, {f"{C}/money/1.0.0.yaml": MONEY, f"{C}/money/1.0.1.yaml": newer})
    d = only(check(root), "ACC302")
    assert d.file.endswith("money/1.0.1.yaml") and d.pointer == "/properties/note"
    assert d.line == 8 and "1.1.0" in d.hint


def test_breaking_change_needs_a_major(tmp_path: Path) -> None:
    newer = MONEY.replace("1.0.0", "1.1.0").replace("required: [currency, amount]",
                                                    "required: [currency, amount, note]")
    newer = newer.replace("  amount:", "  note: {type: string}\n  amount:").replace(
        'amount: "12.50"}', 'amount: "12.50", note: x}')
    root = make(tmp_path, {f"{C}/money/1.0.0.yaml": MONEY, f"{C}/money/1.1.0.yaml": newer})
    d = only(check(root), "ACC301")
    assert "2.0.0" in d.hint


def test_deprecation_keeps_the_contract_immutable(tmp_path: Path) -> None:
    path = tmp_path / "registry.lock"
    lock = RegistryLock.load(path)
    lock.record("a", "1.0.0", sha256="1", status="released", at="t", by="x")
    entry = lock.record("a", "1.0.0", sha256="2", status="deprecated", at="t2", by="x")
    assert entry.sha256 == "2" and [h["status"] for h in entry.history] == [
        "released", "deprecated"]
    entry = lock.record("a", "1.0.0", sha256="3", status="candidate", at="t3", by="x")
    assert entry.sha256 == "2"


def test_a_broken_contract_is_reported_once_not_at_every_reference(tmp_path: Path) -> None:
    broken = MONEY.replace("type: object", "type: objekt", 1)
    root = make(tmp_path, {f"{C}/money/1.0.0.yaml": broken, f"{C}/invoice/1.0.0.yaml": INVOICE})
    assert [d.code for d in check(root)] == ["ACC103"]

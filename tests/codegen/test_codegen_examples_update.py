"""Golden examples compare as JSON (111354 equals 111354.0, true never equals 1, nested too),
and ``accord test examples --update`` rewrites the expected outputs that differ."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from accord.cli.main import cli
from accord.jsondoc import json_equal
from click.testing import CliRunner

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "nullable_po"
EXPECTED = "mappings/examples/canonical/bill_without_po.json"
INPUT = "mappings/examples/portal/invoice_without_po.json"


@pytest.mark.parametrize("a, b, equal", [
    (111354, 111354.0, True),
    ({"x": [1, {"y": 2.0}]}, {"x": [1.0, {"y": 2}]}, True),
    (True, 1, False),
    (False, 0, False),
    ({"x": [True]}, {"x": [1]}, False),
    ({"x": {"y": 1}}, {"x": {"y": True}}, False),
    (None, None, True),
    (None, False, False),
    ({"a": 1}, {"a": 1, "b": None}, False),
    ([1, 2], [2, 1], False),
    ("1", 1, False),
])
def test_json_equality(a: object, b: object, equal: bool) -> None:
    assert json_equal(a, b) is equal
    assert json_equal(b, a) is equal


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(CORPUS, root)
    return root


def _examples(root: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["test", "examples", str(root), *args])
    return result.exit_code, result.output


def test_a_number_equals_its_float_spelling(corpus: Path) -> None:
    path = corpus / EXPECTED
    path.write_text(path.read_text("utf-8").replace('"amount": 12', '"amount": 12.0'), "utf-8")
    code, out = _examples(corpus)
    assert code == 0, out


def test_true_never_equals_one(corpus: Path) -> None:
    (corpus / INPUT).write_text(json.dumps(
        {"invoice_no": "INV-1003", "supplier": {"id": "S-2"}, "total": True}), "utf-8")
    path = corpus / EXPECTED
    path.write_text(path.read_text("utf-8").replace('"amount": 12', '"amount": 1'), "utf-8")
    code, out = _examples(corpus)
    assert code == 1 and "output differs at $.amount" in out, out


def test_update_rewrites_what_differs_and_says_so(corpus: Path) -> None:
    path = corpus / EXPECTED
    old = path.read_text("utf-8")
    path.write_text(old.replace('"S-2"', '"S-9"').replace('"amount": 12', '"amount": 13'),
                    "utf-8")
    code, out = _examples(corpus, "--update")
    assert code == 0, out
    assert '-  "amount": 13' in out and '+  "amount": 12' in out  # the diff, shown first
    assert f"rewrote {EXPECTED} (mappings/procure-to-pay/supplier_invoice.yaml" in out
    assert path.read_text("utf-8") == old  # same bytes: key order, 2 spaces, final newline
    code, out = _examples(corpus)
    assert code == 0 and "rewrote" not in out


def test_update_keeps_the_old_key_order_and_appends_new_keys(corpus: Path) -> None:
    path = corpus / EXPECTED
    path.write_text('{"amount": 12, "id": "INV-1003", "po_number": null,\n'
                    ' "supplier_id": "S-2"}', "utf-8")
    code, out = _examples(corpus, "--update")
    assert code == 0, out
    assert path.read_text("utf-8") == (
        '{\n  "amount": 12,\n  "id": "INV-1003",\n  "po_number": null,\n'
        '  "supplier_id": "S-2",\n  "supplier_name": null\n}\n')


def test_update_leaves_passing_and_erroring_examples_alone(corpus: Path) -> None:
    path = corpus / EXPECTED
    before = path.read_bytes()
    code, out = _examples(corpus, "--update")
    assert code == 0 and "rewrote" not in out and path.read_bytes() == before
    (corpus / INPUT).write_text(json.dumps({"supplier": {"id": "S-2"}, "total": 1}), "utf-8")
    code, out = _examples(corpus, "--update")
    assert code == 1 and "ACC441" in out and "rewrote" not in out
    assert path.read_bytes() == before

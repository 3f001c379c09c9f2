"""Scale of ``accord sync``: records/s and peak memory of whole ``accord sync`` processes as the
input grows 1x, 10x and 100x, on three differently shaped flows of the reference workspace,
against their simulators (env local, SQLite), in one run.

Run: ``.venv/bin/python tests/benchmarks/bench_sync.py [--base 50] [--scales 1 10 100]
[--only deliver land gate]``

* ``deliver`` — invoice-to-status: canonical invoices from a file (``--input``), each mapped
  to Xero Accounting and **created** over HTTP (an intent committed before, the result after).
* ``land`` — employee-to-resource: BambooHR workers **read one by one** (the read source) and
  landed in the canonical store (ledger, crosswalk, lineage).
* ``gate`` — time-to-actuals: Harvest time entries **listed** page by page, each mapped and
  stopped by a gate (no person in the crosswalk): a ``business_rule`` exception in the queue.

Each cell is one fresh workspace copy and one whole process: start-up, the flow's check, the
simulators started in-process, the run, the store's commits. Records/s is records handled over
wall seconds; peak MiB is the highest resident memory of the process tree (bench_scale's
sampler). The records are the golden examples with fresh ids, so a larger input costs the same
per record. Exit codes and record counts are checked before the table is printed.
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from bench_scale import measure

REPO = Path(__file__).resolve().parents[2]
ACCORD = str(Path(sys.executable).parent / "accord")


def _workspace(into: Path) -> Path:
    root = into / "ws"
    for part in ("contracts", "mappings", "generated"):
        shutil.copytree(REPO / part, root / part)
    return root


def _golden(name: str) -> dict[str, Any]:
    return dict(json.loads((REPO / "mappings" / "examples" / name).read_text()))


def _seed(root: Path, system: str, collection: str, records: list[tuple[str, Any]]) -> None:
    """Store records in a system's simulator state, as `accord sync` will find it."""
    from accord.harness.simstate import SimState
    from accord.sync.endpoints import simulator_state

    state = SimState(simulator_state(root, system))
    try:
        for record_id, record in records:
            state.put(collection, record_id, record, "bench")
    finally:
        state.close()


def _deliver(root: Path, n: int) -> list[str]:
    from accord.store.db import open_store
    from accord.sync.periods import Periods

    base = _golden("canonical/invoice_partially_paid.json")
    lines = []
    for i in range(n):
        record = copy.deepcopy(base)
        record.update(id=f"inv-bench-{i:06d}", invoice_number=f"B-{i:06d}", external_ids={})
        lines.append(json.dumps(record))
    (root / "invoices.jsonl").write_text("\n".join(lines) + "\n")
    with open_store(root) as store, store.transaction():
        Periods(store).set(base["legal_entity"], base["issue_date"][:7], "open", actor="bench")
    return ["invoice-to-status", "--input", str(root / "invoices.jsonl")]


def _land(root: Path, n: int) -> list[str]:
    base = _golden("bamboohr/employee_active_salaried.json")
    records = []
    for i in range(n):
        record = copy.deepcopy(base)
        record["id"] = str(900000 + i)
        record["employeeNumber"] = f"E-{i:06d}"
        records.append((record["id"], record))
    _seed(root, "bamboohr", _collection(root, "bamboohr", "GetEmployeeResponse"), records)
    return ["employee-to-resource"]


def _gate(root: Path, n: int) -> list[str]:
    base = _golden("harvest/time_entry_approved.json")
    records = []
    for i in range(n):
        record = copy.deepcopy(base)
        record["id"] = 700000000 + i
        records.append((str(record["id"]), record))
    _seed(root, "harvest", _collection(root, "harvest", "TimeEntry"), records)
    return ["time-to-actuals"]


def _collection(root: Path, system: str, schema: str) -> str:
    from accord.workspace.apimodel import api_model
    from accord.workspace.systems import load_systems

    model = api_model(load_systems(root)[0][system], [schema])
    found = model.collection_for(schema)
    assert found is not None, f"{system} has no collection of {schema}"
    return found.name


CASES = {"deliver": (_deliver, "created"), "land": (_land, "landed"),
         "gate": (_gate, "exception")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", type=int, default=50)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--only", nargs="+", choices=sorted(CASES), default=list(CASES))
    args = parser.parse_args()
    rows = []
    for name in args.only:
        build, outcome = CASES[name]
        for scale in args.scales:
            n = args.base * scale
            with tempfile.TemporaryDirectory(prefix="accord-bench-sync-") as tmp:
                root = _workspace(Path(tmp))
                flow_args = build(root, n)
                done = measure([ACCORD, "sync", *flow_args, "-w", str(root), "--no-progress",
                                "--format", "json", "--fail-on", "none"])
                if done.returncode != 0:
                    raise SystemExit(f"{name} x{scale}: exit {done.returncode}: "
                                     f"{done.stderr.decode()[-2000:]}")
                report = json.loads(done.stdout)
                handled = report["outcomes"].get(outcome, 0)
                if handled < n:
                    raise SystemExit(f"{name} x{scale}: {handled} {outcome} of {n}: "
                                     f"{report['outcomes']}")
                rows.append((name, report["flow"], scale, report["records"], done.seconds,
                             report["records"] / done.seconds, done.peak_mib))
                print(f"{name:8} x{scale:<4} {report['records']:>7} records  "
                      f"{done.seconds:7.2f} s  {rows[-1][5]:8.1f} rec/s  "
                      f"{done.peak_mib:7.1f} MiB", file=sys.stderr)
    print("| case | flow | scale | records | seconds | records/s | peak MiB |")
    print("|---|---|---|---|---|---|---|")
    for name, flow, scale, records, seconds, rate, peak in rows:
        print(f"| {name} | {flow} | {scale}x | {records:,} | {seconds:.2f} | {rate:,.0f} | "
              f"{peak:.0f} |")


if __name__ == "__main__":
    main()

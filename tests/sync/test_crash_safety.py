"""Crash safety: `accord sync` is killed (SIGKILL) at random points while it delivers, many
times, then run to the end. No record is lost, none is created twice, and the ledger agrees
with the target system.

The target is a real server in its own process (the Xero Accounting simulator, `accord
simulate`, state in a file), so it outlives every killed sync, as a real system would; the
flow's rate limit stretches the run over seconds so the kills land inside it.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from accord.store.db import open_store
from accord.sync.ledger import Ledger
from accord.sync.periods import Periods
from sim_process import ACCORD, call, declare, free_port, simulator

pytestmark = pytest.mark.usefixtures("database")

INVOICES = 40
KILLS = 10


def _feed(root: Path, path: Path) -> list[dict[str, Any]]:
    base = json.loads((root / "mappings/examples/canonical/invoice_partially_paid.json")
                      .read_text())
    records = []
    for n in range(INVOICES):
        record = json.loads(json.dumps(base))
        record["id"] = f"inv-kill-{n:04d}"
        record["invoice_number"] = f"KILL-{n:04d}"
        record["external_ids"] = {}  # never sent before: each is a create
        records.append(record)
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return records


def _slow_flow(root: Path) -> None:
    """A rate limit that makes a run last seconds, so the kills land inside runs."""
    flow = root / "mappings/invoice-to-status/flow.yaml"
    flow.write_text(flow.read_text().replace("rate_limit: {requests: 60, per: 60}",
                                             "rate_limit: {requests: 4, per: 1, burst: 1}"))


def test_killed_syncs_deliver_every_record_exactly_once(reference_workspace: Path,
                                                        tmp_path: Path) -> None:
    root = reference_workspace
    port = free_port()
    declare(root, "xero_accounting", "killtest", port)
    _slow_flow(root)
    records = _feed(root, tmp_path / "invoices.jsonl")
    with open_store(root) as store, store.transaction():
        Periods(store).set(records[0]["legal_entity"], records[0]["issue_date"][:7], "open",
                           actor="test")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    command = [*ACCORD, "sync", "invoice-to-status", "--env", "killtest", "--input",
               str(tmp_path / "invoices.jsonl"), "-w", str(root), "--no-progress"]
    rng = random.Random(20261201)
    killed = 0
    with simulator(root, "xero_accounting", port, tmp_path / "xero.db", env) as base:
        for _ in range(KILLS):
            run = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(1.0, 5.0))  # start-up is 1-3 s; a whole run 10 s+
            if run.poll() is None:
                run.send_signal(signal.SIGKILL)
                killed += 1
            run.wait()
        final = subprocess.run([*command, "--format", "json"], env=env, capture_output=True,
                               timeout=300)
        assert final.returncode == 0, final.stderr.decode()[-2000:]
        created = call(f"{base}/_accord/records/Invoices")["records"]
    # a run that finished before its kill leaves less for the next: at least three must land
    assert killed >= 3, "the kills must land inside runs to prove anything"
    numbers = Counter(r["record"].get("InvoiceNumber") for r in created
                      if str(r["record"].get("InvoiceNumber", "")).startswith("KILL-"))
    assert sorted(numbers) == sorted(r["invoice_number"] for r in records)  # none lost
    twice = [n for n, c in numbers.items() if c > 1]
    assert not twice, f"created twice: {twice}"
    ids = {r["record"]["InvoiceNumber"]: r["id"] for r in created
           if str(r["record"].get("InvoiceNumber", "")).startswith("KILL-")}
    with open_store(root) as store:
        ledger = Ledger(store)
        assert ledger.count("invoice-to-status") == INVOICES
        assert ledger.pending("invoice-to-status") == []
        for record in records:
            target = ledger.targets("invoice-to-status", record["id"])["xero_accounting"]
            assert target.state == "delivered"
            assert target.target_id == str(ids[record["invoice_number"]])

"""The wire to a system, timed against the shipped simulators on 127.0.0.1.

Run: ``.venv/bin/python tests/benchmarks/bench_wire.py [--records 2000] [--reads 500]
[--page-size 100]``

- list: ``accord.sync.source.list_records`` through every page of Harvest's time entries
  (``--records`` stored in the simulator): records/s, pages, requests/s;
- read: ``read_record`` of one time entry ``--reads`` times through one kept-alive
  ``SystemClient``, against a baseline in the same run: the same GETs with a new connection
  each (``requests.get``), the cost keep-alive saves;
- create: ``accord.sync.target.create`` of Xero invoices, each with its own Idempotency-Key,
  then the same keys again (replays: nothing written).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import requests
from accord.harness.simulator import running
from accord.sync.http import SystemClient
from accord.sync.source import list_records, read_record
from accord.sync.target import create

REPO = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--reads", type=int, default=500)
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--creates", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for part in ("contracts", "mappings", "generated"):
            shutil.copytree(REPO / part, root / part)
        with running(root, "harvest") as handle:
            c = handle.simulator.model.collections[0]
            seed = dict(handle.simulator.seeds[c.name][0][1])
            for n in range(args.records):
                handle.simulator.state.put(c.name, str(2_000_000 + n),
                                           {**seed, "id": 2_000_000 + n}, "state")
            client = SystemClient(handle.base_url, system="harvest")
            started = time.perf_counter()
            count = sum(1 for _ in list_records(client, c, page_size=args.page_size))
            took = time.perf_counter() - started
            print(f"list   {count} records, {client.stats.requests} pages in {took:.2f}s: "
                  f"{count / took:.0f} records/s, {client.stats.requests / took:.1f} pages/s")
            reader = SystemClient(handle.base_url, system="harvest")
            started = time.perf_counter()
            for _ in range(args.reads):
                read_record(reader, c, "2000000")
            pooled = args.reads / (time.perf_counter() - started)
            url = f"{handle.base_url}/time_entries/2000000"
            started = time.perf_counter()
            for _ in range(args.reads):
                requests.get(url, timeout=30).json()
            fresh = args.reads / (time.perf_counter() - started)
            print(f"read   {pooled:.0f} requests/s kept alive vs {fresh:.0f} requests/s with a "
                  f"new connection each ({pooled / fresh:.2f}x); p50 "
                  f"{reader.stats.percentile(50) * 1000:.2f} ms, p99 "
                  f"{reader.stats.percentile(99) * 1000:.2f} ms")
        with running(root, "xero_accounting") as handle:
            c = handle.simulator.model.collections[0]
            client = SystemClient(handle.base_url, system="xero_accounting")
            invoice = {"Type": "ACCREC", "Contact": {"ContactID": str(uuid.UUID(int=7))},
                       "Reference": "bench"}
            for label in ("create", "replay"):
                started = time.perf_counter()
                for n in range(args.creates):
                    create(client, c, invoice, idempotency_key=f"bench-{n}")
                rate = args.creates / (time.perf_counter() - started)
                print(f"{label:6} {rate:.0f} invoices/s "
                      f"({len(handle.simulator.state.all(c.name, 'api'))} stored)")


if __name__ == "__main__":
    main()

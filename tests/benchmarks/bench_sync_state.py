"""The ledger's cost per record on SQLite and PostgreSQL, in one run.

Run: ``.venv/bin/python tests/benchmarks/bench_sync_state.py [--records 2000] [--url URL]``.
Not collected by pytest. ``--url`` is a PostgreSQL database to use (default: a throw-away
database created on the local server, postgresql://postgres@127.0.0.1:5432, and dropped).

For each backend: ``Ledger.put`` then ``Ledger.get`` of N records, (a) each put in its own
transaction (what a sync does per record: one commit each) and (b) all N in one transaction;
the time per put+get and the records/s. The numbers compare the two backends on this machine;
nothing asserts on them.
"""

from __future__ import annotations

import argparse
import contextlib
import tempfile
import time
import uuid
from collections.abc import Iterator

from accord.store import Store, open_store
from accord.sync import Ledger, LedgerRecord

SERVER = "postgresql://postgres@127.0.0.1:5432"


def _record(i: int) -> LedgerRecord:
    key = f"te-{i}"
    return LedgerRecord("bench", key, "time_entry@1.1.0",
                        {"id": key, "hours": 7.5, "project": "P-1", "notes": "x" * 80},
                        f"sha256:{i:064x}", key, {"harvest": f"h-{i}"},
                        {"harvest.time_entry_to_time_entry": "sha256:ab12"}, f"corr-{i}")


def _time(store: Store, n: int, *, batched: bool) -> float:
    ledger = Ledger(store)
    records = [_record(i) for i in range(n)]
    outer = store.transaction() if batched else contextlib.nullcontext()
    start = time.perf_counter()
    with outer:
        for record in records:
            ledger.put(record)
            assert ledger.get(record.flow, record.key) is not None
    return time.perf_counter() - start


@contextlib.contextmanager
def _postgres(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    import psycopg

    name = f"accord_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{SERVER}/{name}"
    finally:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--url", default=None)
    args = parser.parse_args()
    n = args.records
    print(f"{'backend':<12}{'mode':<22}{'records':>8}{'µs/put+get':>12}{'records/s':>11}")
    with _postgres(args.url) as pg_url:
        for backend, url in (("sqlite", None), ("postgresql", pg_url)):
            for batched in (False, True):
                with tempfile.TemporaryDirectory() as folder, \
                        open_store(folder, url=url) as store:
                    if url:  # a fresh table each time
                        store.execute("DELETE FROM accord_ledger WHERE flow = 'bench'")
                    seconds = _time(store, n, batched=batched)
                mode = "one transaction" if batched else "a transaction each"
                print(f"{backend:<12}{mode:<22}{n:>8}{seconds / n * 1e6:>12.0f}"
                      f"{n / seconds:>11.0f}")


if __name__ == "__main__":
    main()

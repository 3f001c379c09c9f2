"""How long does ``can-i-deploy`` take, on SQLite and on PostgreSQL, as the matrix grows?

Run: ``.venv/bin/python tests/benchmarks/bench_matrix.py [--pacts 50] [--history 200]``
(PostgreSQL: a throw-away database on 127.0.0.1, user postgres, created and dropped here).

A copy of the reference workspace gets ``--pacts`` pact files naming ``project@1.1.0`` and,
for each, ``--history`` verifications (in two environments, over several earlier versions of
the pact, the last one of its current bytes passing). Then, in one run on each database:
recording one result, ``can_i_deploy`` through the API (the workspace already loaded, the
store open), and the whole command ``accord can-i-deploy`` in a new process (Python start,
workspace load, database open and migration check included). Not a test (timings vary by
machine); the figures are in docs/contract-testing.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PG = "postgresql://postgres@127.0.0.1:5432"


def workspace(root: Path, pacts: int) -> list[tuple[str, str]]:
    for part in ("contracts", "mappings"):
        shutil.copytree(REPO / part, root / part)
    out = []
    for i in range(pacts):
        doc = {"consumer": {"name": f"c{i}"}, "provider": {"name": f"p{i}"},
               "interactions": [], "metadata": {"accord": {
                   "mapping": f"mappings/x/m{i}.yaml", "contracts": ["project@1.1.0"]}}}
        if i == 0:
            doc["metadata"]["accord"]["mapping"] = (
                "mappings/opportunity-to-project/salesforce_opportunity.yaml")
        if i == 1:
            doc["metadata"]["accord"]["mapping"] = (
                "mappings/opportunity-to-project/apideck_opportunity.yaml")
        path = root / "generated" / "pacts" / "x" / f"m{i}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps(doc, sort_keys=True).encode()
        path.write_bytes(data)
        out.append((f"generated/pacts/x/m{i}.json", hashlib.sha256(data).hexdigest()))
    return out


def fill(root: Path, pacts: list[tuple[str, str]], history: int) -> None:
    from accord.harness.matrix import VerificationResult
    from accord.store import open_store, utc_now

    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    rows = []
    for path, sha in pacts:
        for k in range(history):
            last = k == history - 1
            rows.append(VerificationResult(
                path, sha if last else hashlib.sha256(f"{path}{k // 10}".encode()).hexdigest(),
                "c", "p", "local" if last or k % 2 else "sandbox",
                (start + dt.timedelta(minutes=k)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
                "passed" if last or k % 3 else "failed", [], ["project@1.1.0"], "m"))
    with open_store(root) as store, store.transaction():
        for r in rows:
            store.execute(
                "INSERT INTO accord_verifications (pact_path, pact_sha256, consumer, provider, "
                "environment, verified_at, outcome, mismatches, contracts, mapping, recorded_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, '[]', ?, ?, ?)",
                (r.pact_path, r.pact_sha256, r.consumer, r.provider, r.environment,
                 r.verified_at, r.outcome, json.dumps(r.contracts), r.mapping, utc_now()))


def timed(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def run(backend: str, root: Path, args: argparse.Namespace) -> dict[str, float]:
    from accord.harness.matrix import VerificationResult, can_i_deploy, record
    from accord.project import load_workspace
    from accord.store import open_store

    pacts = workspace(root, args.pacts)
    fill(root, pacts, args.history)
    ws = load_workspace(root)
    ws.mappings  # noqa: B018 - loaded once, as in a long-lived process
    with open_store(root) as store:
        decision = can_i_deploy(ws, "project", "1.1.0", "local", store=store)
        assert decision.deployable, decision.summary
        api = timed(lambda: can_i_deploy(ws, "project", "1.1.0", "local", store=store),
                    args.repeat)
        one = VerificationResult(pacts[0][0], pacts[0][1], "c", "p", "ci",
                                 "2026-12-01T00:00:00Z", "passed")
        rec = timed(lambda: record(root, one, store=store), args.repeat)
    cli = timed(lambda: subprocess.run(
        [sys.executable, "-m", "accord.cli.main", "can-i-deploy", "project", "1.1.0", "--to",
         "local", "-w", str(root)], check=True, capture_output=True, env=os.environ.copy()),
        max(3, args.repeat // 4))
    return {"record one (ms)": rec * 1000, "can_i_deploy API (ms)": api * 1000,
            "accord can-i-deploy, new process (ms)": cli * 1000}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pacts", type=int, default=50)
    parser.add_argument("--history", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    import psycopg

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.pop("ACCORD_DATABASE_URL", None)
        results["sqlite"] = run("sqlite", Path(tmp) / "sqlite", args)
        name = f"accord_bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            os.environ["ACCORD_DATABASE_URL"] = f"{PG}/{name}"
            results["postgresql"] = run("postgresql", Path(tmp) / "pg", args)
        finally:
            os.environ.pop("ACCORD_DATABASE_URL", None)
            with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    rows = args.pacts * args.history
    print(f"{args.pacts} pacts x {args.history} verifications = {rows} rows; median of "
          f"{args.repeat}")
    for metric in results["sqlite"]:
        print(f"  {metric:40} sqlite {results['sqlite'][metric]:8.1f}   postgresql "
              f"{results['postgresql'][metric]:8.1f}")


if __name__ == "__main__":
    main()

"""The sync state in the workspace database (:mod:`accord.store`, migration 2): the ledger and
its target deliveries, the crosswalk, watermarks, the exception queue, lineage, accounting
periods, runs and ownership conflicts. Each repository is a small class over a
:class:`~accord.store.Store`; its writes join the caller's ``store.transaction()``.

The wire to a system's API is :mod:`accord.sync.http` (calls, retries, rate limits, failure
classes), :mod:`accord.sync.source` (paged, incremental reads), :mod:`accord.sync.target`
(idempotent writes) and :mod:`accord.sync.endpoints` (which URL and credentials an
environment means: simulators, or a declared environment)."""

from accord.sync.crosswalk import Crosswalk
from accord.sync.ledger import Ledger, LedgerRecord, TargetRecord
from accord.sync.lineage import Chain, Lineage, LineageStep
from accord.sync.periods import Period, Periods
from accord.sync.queue import AuditEntry, ExceptionQueue, ExceptionRecord
from accord.sync.runs import ConflictRecord, Conflicts, Run, Runs
from accord.sync.state import SyncState
from accord.sync.watermarks import Watermarks

__all__ = ["AuditEntry", "Chain", "ConflictRecord", "Conflicts", "Crosswalk", "ExceptionQueue",
           "ExceptionRecord", "Ledger", "LedgerRecord", "Lineage", "LineageStep", "Period",
           "Periods", "Run", "Runs", "SyncState", "TargetRecord", "Watermarks"]

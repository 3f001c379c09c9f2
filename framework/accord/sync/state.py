"""Every sync-state repository over one store, for the engine: ``SyncState(store).ledger``."""

from __future__ import annotations

from dataclasses import dataclass, field

from accord.store import Store
from accord.sync.crosswalk import Crosswalk
from accord.sync.ledger import Ledger
from accord.sync.lineage import Lineage
from accord.sync.periods import Periods
from accord.sync.queue import ExceptionQueue
from accord.sync.runs import Conflicts, Runs
from accord.sync.watermarks import Watermarks

__all__ = ["SyncState"]


@dataclass(frozen=True)
class SyncState:
    """The repositories of one workspace database; ``store.transaction()`` spans them all."""

    store: Store
    ledger: Ledger = field(init=False)
    crosswalk: Crosswalk = field(init=False)
    watermarks: Watermarks = field(init=False)
    exceptions: ExceptionQueue = field(init=False)
    lineage: Lineage = field(init=False)
    periods: Periods = field(init=False)
    runs: Runs = field(init=False)
    conflicts: Conflicts = field(init=False)

    def __post_init__(self) -> None:
        for name, kind in (("ledger", Ledger), ("crosswalk", Crosswalk),
                           ("watermarks", Watermarks), ("exceptions", ExceptionQueue),
                           ("lineage", Lineage), ("periods", Periods), ("runs", Runs),
                           ("conflicts", Conflicts)):
            object.__setattr__(self, name, kind(self.store))

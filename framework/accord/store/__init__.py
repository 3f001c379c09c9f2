"""The workspace database: SQLite in the workspace by default (``.accord/accord.db``),
PostgreSQL when ``ACCORD_DATABASE_URL`` is set. Holds what accord records between runs (the
verification matrix; later the sync ledger, watermarks and exception queue), with numbered
schema migrations applied on open (:mod:`accord.store.migrations`) and one small dialect layer
(:mod:`accord.store.dialect`)."""

from accord.store.config import DEFAULT_PATH, ENV_VAR, DatabaseConfig, redact, resolve
from accord.store.db import Store, open_store, utc_now
from accord.store.migrations import MIGRATIONS, Migration

__all__ = ["DEFAULT_PATH", "ENV_VAR", "MIGRATIONS", "DatabaseConfig", "Migration", "Store",
           "open_store", "redact", "resolve", "utc_now"]

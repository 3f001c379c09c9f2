"""The workspace database: SQLite in the workspace by default, PostgreSQL when
``ACCORD_DATABASE_URL`` is set. Holds what accord records between runs (the verification matrix;
later the sync ledger, watermarks and exception queue), with schema migrations."""

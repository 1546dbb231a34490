"""The local SQLite store: schema, one writer, the event log, registrant master data."""

from .database import Store, StoreError, explain_sqlite_error

__all__ = ["Store", "StoreError", "explain_sqlite_error"]

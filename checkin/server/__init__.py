"""The central list service: an ASGI app over SQLAlchemy Core (SQLite or PostgreSQL).

The protocol it speaks is described in docs/sync-protocol.md.
"""

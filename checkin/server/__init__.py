"""The central list service: an ASGI app over SQLAlchemy Core (SQLite or PostgreSQL).

The protocol it speaks is described in docs/sync-protocol.md; what each role may do, and what
a desk token may upload (vetting.py), in docs/central-service.md. It serves HTTPS with a
certificate of its own (tls.py) that desks pin by fingerprint.
"""

"""The desk side of sync: outbox upload, cursor download, status (docs/sync-protocol.md).

client.py     the HTTP client; failures become Offline / Unauthorized / Revoked / Rejected /
              Untrusted; it samples the service's clock from every answer
pinning.py    the server's TLS certificate, checked by fingerprint at enrolment and pinned
engine.py     enrol(), enrol_desk(), sync_once(): one round (upload, audit trail,
              registrants, other desks' events, the clock)
trail.py      the desk's audit trail on its way up (its own outbox)
status.py     SyncStatus kept in the desk database (meta `sync.*`), read by CLI and window
backoff.py    1 s doubling to 60 s, full jitter, reset on success
worker.py     SyncWorker: a plain thread (the window wraps it in a thin QObject)
conflicts.py  double admissions and what the server answered; `resolve` events
commands.py   `checkin enroll | sync | sync-status | conflicts`

Nothing here imports Qt.
"""

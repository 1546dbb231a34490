"""The desk side of sync: outbox upload, cursor download, status (docs/sync-protocol.md).

client.py     the HTTP client; failures become Offline / Unauthorized / Revoked / Rejected /
              Untrusted; it samples the service's clock from every answer
pinning.py    the server's TLS certificate, checked by fingerprint at enrolment and pinned
engine.py     sync_once(): one round (upload, audit trail, registrants, other desks'
              events, the clock), SyncReport
upload.py     the outbox going up in batches; refusals narrowed down to the events at fault
rejected.py   events the server refused: set aside, `--retry-rejected`, clock_ahead requeue
download.py   registrants and other desks' events by cursor; desks' names
wire.py       the protocol's JSON <-> LoggedEvent / Registrant
enrolment.py  enrol(), enrol_desk(), client_for(): a code traded for a token
revocation.py the wipe of a revoked desk; whether this desk was purged
trail.py      the desk's audit trail on its way up (its own outbox)
status.py     SyncStatus kept in the desk database (meta `sync.*`), read by CLI and window
backoff.py    1 s doubling to 60 s, full jitter, reset on success
worker.py     SyncWorker: a plain thread (the window wraps it in a thin QObject)
conflicts.py  double admissions and what the server answered; `resolve` events

Nothing here imports Qt, and nothing here holds SQL: the rows are read and written by
checkin/store (outbox.py, conflicts.py, central.py). The commands: checkin/commands/sync.py.
"""

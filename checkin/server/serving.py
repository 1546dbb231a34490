"""uvicorn's server, stopping without waiting for the welcome walls.

A wall's stream (/wall/<event>/stream) never ends by itself, so on a stop uvicorn would wait
out its whole graceful-shutdown time for each projector and then cancel it with an error in
the log. This server ends those streams first; uploads under way still finish as before.
"""

from __future__ import annotations

import contextlib
import gc
import sys

import uvicorn


class Server(uvicorn.Server):
    async def shutdown(self, sockets=None) -> None:
        feed = getattr(getattr(self.config.app, "state", None), "wall_feed", None)
        if feed is not None:
            feed.end_streams()
        await super().shutdown(sockets=sockets)


def run(app, **options) -> None:
    """uvicorn.run(app, **options) with this server (one process, no reload)."""
    # What is there now (FastAPI, SQLAlchemy, pydantic and their modules: ~1M objects) lives
    # as long as the process: kept out of the garbage collector's full passes, which under
    # 100 desks stopped every thread for up to 128 ms (43 ms once frozen).
    gc.freeze()
    # Young collections every 10,000 allocations instead of 700: each stops every thread,
    # and a request allocates thousands (upload p95 under 100 desks 244 -> 233 ms).
    gc.set_threshold(10_000, 10, 10)
    # A thread back from the database waits for the event loop to hand over the GIL, up to
    # the switch interval (5 ms) each time, and an upload's group waits for each of its
    # round trips in line behind the others. 1 ms: upload p95 under 100 desks lower in 5 of 5
    # paired runs when a group made six (306/360, 383/430, 380/440, 372/437, 274/382 ms).
    sys.setswitchinterval(0.001)
    server = Server(uvicorn.Config(app, **options))
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    if not server.started:  # the port was taken ...: uvicorn has said why
        sys.exit(3)

"""The welcome wall's Server-Sent Events (GET /wall/{event}/stream): arrivals pushed to the
projector as desks upload them.

One reader per event however many screens are open (a public wall may be opened on hundreds
of phones): it reads the wall again when woken by an upload to this service (`notify`, at
once) or, for the uploads other service processes take on a shared PostgreSQL, when the
feed numbers moved at its next look (every POLL_SECONDS: one small query per event, not per
screen). Each screen gets the whole wall on connecting (`snapshot`) and then what changed
(`update`): new arrivals newest first, the ids of cards no longer on the wall (undone, or
hidden since), and the counts.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator

from starlette.concurrency import run_in_threadpool

from . import wall
from .db import Database

log = logging.getLogger("checkin.server.wall")

POLL_SECONDS = 1.0
PING_SECONDS = 15.0  # a comment line: proxies and browsers keep an idle stream open
RETRY_MS = 2000  # how soon a browser reconnects after the stream broke (a server restart)
QUEUE_LIMIT = 200  # updates a slow screen may fall behind by before it gets a new snapshot
IDLE_LOOKS = 30  # a channel no screen reads stops after this many looks


def message(kind: str, data: dict) -> str:
    """One Server-Sent Event: its name and its JSON (one line: JSON escapes newlines)."""
    return f"event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def snapshot(view: wall.WallView) -> dict:
    return {**view.counts(), "arrivals": list(view.arrivals)}


def changes(old: wall.WallView, new: wall.WallView) -> dict | None:
    """The update from `old` to `new`, or None when the screen would not change."""
    before = {a["id"] for a in old.arrivals}
    after = {a["id"] for a in new.arrivals}
    added = [a for a in new.arrivals if a["id"] not in before]
    gone = sorted(before - after)
    if not added and not gone and old.counts() == new.counts():
        return None
    return {**new.counts(), "arrivals": added, "gone": gone}


class _Screen:
    """One open stream: its queue of messages, and whether it fell behind."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[str | None] = asyncio.Queue(QUEUE_LIMIT)
        self.behind = False

    def end(self) -> None:
        """End the stream (None: the service stops)."""
        while not self.queue.empty():
            self.queue.get_nowait()
        self.queue.put_nowait(None)

    def put(self, text: str) -> None:
        try:
            self.queue.put_nowait(text)
        except asyncio.QueueFull:
            self.behind = True  # it will be sent the whole wall again instead


class _Channel:
    def __init__(self, event_id: str) -> None:
        self.event_id = event_id
        self.screens: set[_Screen] = set()
        self.wake = asyncio.Event()
        self.ready = asyncio.Event()
        self.view: wall.WallView | None = None
        self.marks: tuple[int, int] | None = None
        self.failure: BaseException | None = None
        self.failing = False
        self.task: asyncio.Task | None = None


class WallFeed:
    def __init__(self, db: Database, *, poll_seconds: float = POLL_SECONDS) -> None:
        self.db = db
        self.poll_seconds = poll_seconds
        self._channels: dict[str, _Channel] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    def notify(self, event_id: str) -> None:
        """Something changed for `event_id` (an upload, an edit, an import): look now. Safe
        from any thread (routes run in the thread pool)."""
        channel, loop = self._channels.get(event_id), self._loop
        if channel is not None and loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(channel.wake.set)

    async def join(self, event_id: str) -> _Channel:
        """The event's channel, its first reading done (raises what that reading raised)."""
        self._loop = asyncio.get_running_loop()
        channel = self._channels.get(event_id)
        if channel is None:
            channel = self._channels[event_id] = _Channel(event_id)
            channel.task = asyncio.create_task(self._run(channel))
        await channel.ready.wait()
        if channel.failure is not None:
            raise channel.failure
        return channel

    async def stream(self, event_id: str) -> AsyncIterator[str]:
        """The text of one screen's stream, until the screen goes away."""
        channel = await self.join(event_id)
        screen = _Screen()
        channel.screens.add(screen)  # with the snapshot below: nothing falls in between
        first = f"retry: {RETRY_MS}\n\n" + message("snapshot", snapshot(channel.view))
        try:
            yield first
            while True:
                if screen.behind:
                    screen.behind = False
                    while not screen.queue.empty():
                        screen.queue.get_nowait()
                    yield message("snapshot", snapshot(channel.view))
                    continue
                try:
                    text = await asyncio.wait_for(screen.queue.get(), PING_SECONDS)
                except TimeoutError:
                    text = ": ping\n\n"
                if text is None:
                    return
                yield text
        finally:
            channel.screens.discard(screen)
            if not channel.screens and self._channels.get(channel.event_id) is channel:
                del self._channels[channel.event_id]  # the last screen closed: stop reading
                if channel.task is not None:
                    channel.task.cancel()

    async def _run(self, channel: _Channel) -> None:
        idle = 0
        while True:
            idle = 0 if channel.screens else idle + 1
            if idle > IDLE_LOOKS and self._channels.get(channel.event_id) is channel:
                del self._channels[channel.event_id]  # joined, but no stream ever came
                return
            channel.wake.clear()
            try:
                await self._refresh(channel)
            except Exception as exc:  # noqa: BLE001 - the database away: keep the last wall
                if channel.view is None:  # nothing to show yet: the screen is refused
                    channel.failure = exc
                    self._channels.pop(channel.event_id, None)
                    channel.ready.set()
                    return
                if not channel.failing:  # once, not every second while it lasts
                    log.warning("welcome wall of %s: %s", channel.event_id, exc)
                channel.failing = True
            else:
                channel.failing = False
            channel.ready.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(channel.wake.wait(), self.poll_seconds)

    async def _refresh(self, channel: _Channel) -> None:
        marks = await run_in_threadpool(wall.marks, self.db, channel.event_id)
        if marks == channel.marks:
            return
        view = await run_in_threadpool(wall.view, self.db, channel.event_id)
        update = changes(channel.view, view) if channel.view is not None else None
        channel.view, channel.marks = view, marks
        if update is not None:
            text = message("update", update)
            for screen in list(channel.screens):
                screen.put(text)

    def end_streams(self) -> None:
        """End every open stream now, so that a stopping service does not wait for the
        projectors to hang up (their browsers reconnect by themselves when it is back)."""
        for channel in self._channels.values():
            for screen in channel.screens:
                screen.end()

    async def close(self) -> None:
        """Stop every reader (the service stops)."""
        tasks = [c.task for c in self._channels.values() if c.task is not None]
        self._channels.clear()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

"""A real server for tests: uvicorn in a background thread on 127.0.0.1.

    with running_server(db_url) as base_url:
        httpx.get(f"{base_url}/api/v1/health")

The port is free and chosen by the system unless given: pass `port=` to stop a server and
start a new one on the same address and database (a restart, as in fault tests). For finer
control (stop in the middle of a test) use ServerThread directly.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class ServerThread:
    def __init__(self, db_url: str, *, port: int = 0, host: str = "127.0.0.1",
                 tls_folder: str | Path | None = None, **app_options):
        """`tls_folder`: serve HTTPS with the certificate kept there (made on first use, as
        `checkin serve` does); `.fingerprint` is then what desks pin."""
        self.db_url = db_url
        self.host = host
        self.port = port
        self.app_options = app_options
        self.certificate = None
        if tls_folder is not None:
            from .tls import ensure_certificate

            self.certificate = ensure_certificate(Path(tls_folder), [host, "localhost"])
            self.app_options.setdefault("fingerprint", self.certificate.fingerprint)
        self._server = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    @property
    def base_url(self) -> str:
        return f"{'https' if self.certificate else 'http'}://{self.host}:{self.port}"

    @property
    def fingerprint(self) -> str | None:
        return self.certificate.fingerprint if self.certificate else None

    def start(self, timeout: float = 30.0) -> str:
        import uvicorn

        from .app import create_app
        from .serving import Server

        app = create_app(self.db_url, **self.app_options)  # migrates; raises if it cannot
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError:
            sock.close()
            app.state.db.dispose()
            raise
        self.port = sock.getsockname()[1]
        tls = ({"ssl_certfile": str(self.certificate.cert_file),
                "ssl_keyfile": str(self.certificate.key_file)} if self.certificate else {})
        config = uvicorn.Config(app, log_level="warning", lifespan="on", access_log=False,
                                timeout_graceful_shutdown=5, timeout_keep_alive=5, **tls)
        self._server = Server(config)

        def run():
            try:
                self._server.run(sockets=[sock])
            except BaseException as exc:  # noqa: BLE001 - reported by start()
                self._error = exc
            finally:
                sock.close()

        self._thread = threading.Thread(target=run, name=f"checkin-server-{self.port}",
                                        daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the test server did not start: {self._error!r}")
            time.sleep(0.01)
        return self.base_url

    def stop(self, timeout: float = 15.0) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive() and self._server is not None:
                self._server.force_exit = True
                self._thread.join(timeout)
        self._thread = None

    def __enter__(self) -> ServerThread:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


@contextmanager
def running_server(db_url: str, *, port: int = 0, **app_options) -> Iterator[str]:
    """A running server on db_url; yields its base URL (http://127.0.0.1:PORT)."""
    server = ServerThread(db_url, port=port, **app_options)
    server.start()
    try:
        yield server.base_url
    finally:
        server.stop()


def organiser_token(db_url: str, label: str = "tests") -> str:
    """A new organiser token in the database at db_url (migrated first if needed)."""
    from .auth import create_organiser_token
    from .db import Database

    db = Database(db_url)
    try:
        return create_organiser_token(db, label)
    finally:
        db.dispose()

"""A tiny HTTP proxy on loopback (plain sockets and threads) that can lose answers.

    with LossyProxy(upstream_port) as proxy:
        proxy.drop_next("POST", "/events")   # forward the request, then hang up unanswered
        ... desk talks to proxy.base_url ...

Each request is forwarded on its own upstream connection (with `Connection: close`, so the
answer ends where the upstream closes); its answer is relayed, or, for a request picked by
drop_next(), read in full (the server committed) and thrown away while the desk's connection
is closed: exactly what a desk sees when the network dies after the server answered.
`down = True` makes the proxy hang up on every new request (the server is unreachable).
"""

from __future__ import annotations

import contextlib
import socket
import threading

_HEAD_LIMIT = 64 * 1024


def _read_head(conn: socket.socket, buffer: bytes) -> tuple[bytes, bytes] | None:
    while b"\r\n\r\n" not in buffer:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        buffer += chunk
        if len(buffer) > _HEAD_LIMIT:
            return None
    head, _, rest = buffer.partition(b"\r\n\r\n")
    return head, rest


class LossyProxy:
    def __init__(self, upstream_port: int, upstream_host: str = "127.0.0.1"):
        self.upstream = (upstream_host, upstream_port)
        self.down = False
        self.forwarded: list[tuple[str, str]] = []  # (method, path) of every request relayed
        self.dropped: list[tuple[str, str]] = []  # answered upstream, never delivered
        self._drops: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self.port = self._listener.getsockname()[1]
        self._open: set[socket.socket] = set()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="lossy-proxy", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def drop_next(self, method: str, path_fragment: str) -> None:
        """The next matching request reaches the server; its answer never reaches the desk."""
        with self._lock:
            self._drops.append((method, path_fragment))

    # -- life -----------------------------------------------------------------------
    def start(self) -> LossyProxy:
        self._thread.start()
        return self

    def close(self) -> None:
        self._closed.set()
        with contextlib.suppress(OSError):  # wakes the accept() below (close alone does not)
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        with self._lock:
            for conn in list(self._open):
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
                conn.close()
        self._thread.join(5)

    def __enter__(self) -> LossyProxy:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    # -- work -----------------------------------------------------------------------
    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self._open.add(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        buffer = b""
        try:
            while not self._closed.is_set():
                got = _read_head(client, buffer)
                if got is None or self.down:
                    return
                head, buffer = got
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                headers = [line for line in lines[1:] if line]
                length = 0
                for line in headers:
                    name, _, value = line.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value.strip())
                while len(buffer) < length:
                    chunk = client.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                body, buffer = buffer[:length], buffer[length:]
                kept = [h for h in headers if h.split(":", 1)[0].strip().lower()
                        not in ("connection", "keep-alive")]
                request = "\r\n".join([lines[0], *kept, "Connection: close", "", ""])
                answer = self._forward(request.encode("latin-1") + body)
                if self._should_drop(method, path):
                    self.dropped.append((method, path))
                    return  # hang up: the desk never hears the answer
                self.forwarded.append((method, path))
                client.sendall(answer)
                return  # the answer said "connection: close"; the desk opens a new one
        except OSError:
            return
        finally:
            with self._lock:
                self._open.discard(client)
            with contextlib.suppress(OSError):
                client.shutdown(socket.SHUT_RDWR)
            client.close()

    def _forward(self, request: bytes) -> bytes:
        with socket.create_connection(self.upstream, timeout=30) as upstream:
            upstream.sendall(request)
            chunks = []
            while True:
                chunk = upstream.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        return b"".join(chunks)

    def _should_drop(self, method: str, path: str) -> bool:
        with self._lock:
            for i, (m, fragment) in enumerate(self._drops):
                if m == method and fragment in path:
                    del self._drops[i]
                    return True
        return False

"""A TCP proxy on 127.0.0.1 that a test can cut, or turn into a black hole, and restore."""

from __future__ import annotations

import contextlib
import socket
import threading


class Proxy:
    """Forwards 127.0.0.1:<port> to ``upstream``.

    ``cut()``: every open connection is reset and new ones are closed at once (the database
    went away). ``blackhole()``: connections are accepted but nothing is forwarded either
    way (a network partition: no error, no answer). ``restore()``: forwarding again.
    """

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.mode = "open"
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.1)  # so close() is noticed at once
        self.port = int(self._listener.getsockname()[1])
        self._closed = False
        self._thread = threading.Thread(target=self._accept, daemon=True, name="db-proxy")
        self._thread.start()

    # --- what tests do
    def cut(self) -> None:
        """Reset every connection and refuse new ones until restore()."""
        self.mode = "cut"
        self._drop_all()

    def blackhole(self) -> None:
        """Accept and hold connections, forwarding nothing, until restore() or cut()."""
        self.mode = "blackhole"

    def restore(self) -> None:
        """Forward again (connections cut earlier stay dead)."""
        self.mode = "open"

    def close(self) -> None:
        """Stop listening and drop everything."""
        self._closed = True
        self.mode = "cut"
        with contextlib.suppress(OSError):
            self._listener.close()
        self._drop_all()
        self._thread.join(timeout=5)

    # --- the machinery
    def _drop_all(self) -> None:
        with self._lock:
            sockets = list(self._sockets)
            self._sockets.clear()
        for sock in sockets:  # shutdown wakes the pump blocked in recv(); close alone may not
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            if self.mode == "cut":
                with contextlib.suppress(OSError):
                    client.close()
                continue
            if self.mode == "blackhole":
                with self._lock:
                    self._sockets.add(client)
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.update((client, server))
            for src, dst in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if self.mode == "blackhole":
                    continue  # swallowed: neither side hears anything
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            with self._lock:
                self._sockets.discard(src)
                self._sockets.discard(dst)

"""Run the receiver with uvicorn: in the foreground (`serve`) or in a background thread
(tests and benchmarks bind 127.0.0.1 on a free port)."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import uvicorn

from sync.receiver.app import create_app
from sync.receiver.service import Receiver


def _config(
    receiver: Receiver,
    host: str,
    port: int,
    certfile: Path | None,
    keyfile: Path | None,
    log_level: str,
) -> uvicorn.Config:
    return uvicorn.Config(
        create_app(receiver),
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        lifespan="off",
        ws="none",
        ssl_certfile=str(certfile) if certfile else None,
        ssl_keyfile=str(keyfile) if keyfile else None,
        timeout_keep_alive=30,
    )


def serve(
    receiver: Receiver,
    host: str,
    port: int,
    *,
    certfile: Path | None = None,
    keyfile: Path | None = None,
    log_level: str = "info",
) -> None:
    uvicorn.Server(_config(receiver, host, port, certfile, keyfile, log_level)).run()


class ServerThread:
    """A receiver listening on host:port (port 0 = a free one) in a daemon thread."""

    def __init__(
        self,
        receiver: Receiver,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        certfile: Path | None = None,
        keyfile: Path | None = None,
    ):
        self.receiver = receiver
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((host, port))
        self.host, self.port = self._sock.getsockname()[:2]
        self.scheme = "https" if certfile else "http"
        self._server = uvicorn.Server(
            _config(receiver, host, self.port, certfile, keyfile, "warning")
        )
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, name="receiver", daemon=True
        )

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def start(self) -> ServerThread:
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the receiver did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

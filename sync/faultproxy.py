"""A TCP proxy on 127.0.0.1 that injects network faults, for tests and field diagnosis drills.

Each HTTP request (keep-alive connections included) takes the next fault from a schedule, or
draws one at random from a seeded generator:

    PASS       forward both ways unchanged
    DROP       close the client connection; the request never reaches the server
    RESET      forward the request, let the server answer, then abort the client connection
               with a TCP RST (the server acted; the client never sees the answer)
    DELAY      hold the request `delay` seconds before forwarding
    TRUNCATE   forward, then give the client only the first `truncate_at` bytes of the answer
    DUPLICATE  send the request to the server twice; the client gets the first answer

Requests and answers are framed by Content-Length (what the Rekam client and receiver use).

    proxy = FaultProxy(("127.0.0.1", server_port), schedule=[Fault.RESET, Fault.PASS]).start()
    ... proxy.url ... proxy.stop()
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
import threading
from collections import Counter
from enum import StrEnum


class Fault(StrEnum):
    PASS = "PASS"  # noqa: S105 - a fault name, not a password
    DROP = "DROP"
    RESET = "RESET"
    DELAY = "DELAY"
    TRUNCATE = "TRUNCATE"
    DUPLICATE = "DUPLICATE"


def _abort(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class FaultProxy:
    def __init__(self, upstream: tuple[str, int], *, schedule: list[Fault] | None = None,
                 weights: dict[Fault, float] | None = None, seed: int = 0, delay: float = 0.2,
                 truncate_at: int = 40):
        self.upstream = upstream
        self.schedule = list(schedule or [])
        self.weights = weights or {Fault.PASS: 1.0}
        self.rng = random.Random(seed)  # noqa: S311 - reproducible fault schedule
        self.delay, self.truncate_at = delay, truncate_at
        self.seen: Counter[Fault] = Counter()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="faultproxy",
                                        daemon=True)
        self._server: asyncio.AbstractServer | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _next(self) -> Fault:
        if self.schedule:
            return self.schedule.pop(0)
        faults = list(self.weights)
        return self.rng.choices(faults, [self.weights[f] for f in faults])[0]

    async def _read_message(self, reader: asyncio.StreamReader) -> bytes:
        """One HTTP/1.1 message (head + Content-Length body): enough for the Rekam protocol."""
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        body = await reader.readexactly(length) if length else b""
        return head + body

    async def _exchange(self, request: bytes) -> bytes:
        s_reader, s_writer = await asyncio.open_connection(*self.upstream)
        try:
            s_writer.write(request)
            await s_writer.drain()
            return await self._read_message(s_reader)
        finally:
            s_writer.close()

    async def _handle(self, c_reader: asyncio.StreamReader, c_writer: asyncio.StreamWriter) -> None:
        """Each request on the connection draws its own fault (keep-alive connections included)."""
        try:
            while True:
                try:
                    request = await self._read_message(c_reader)
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
                    break  # the client closed (or sent something that is not HTTP)
                fault = self._next()
                self.seen[fault] += 1
                if fault is Fault.DROP:
                    break
                if fault is Fault.DELAY:
                    await asyncio.sleep(self.delay)
                try:
                    response = await self._exchange(request)
                    if fault is Fault.DUPLICATE:
                        await self._exchange(request)  # the same request again, answer dropped
                except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                    _abort(c_writer)
                    return
                if fault is Fault.RESET:
                    _abort(c_writer)  # the server acted; the client never hears of it
                    return
                if fault is Fault.TRUNCATE:
                    c_writer.write(response[: self.truncate_at])
                    await c_writer.drain()
                    break
                c_writer.write(response)
                await c_writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            with contextlib.suppress(ConnectionError, OSError, RuntimeError):
                c_writer.close()

    def start(self) -> FaultProxy:
        self._thread.start()

        async def _start() -> None:
            self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
            self.port = self._server.sockets[0].getsockname()[1]

        asyncio.run_coroutine_threadsafe(_start(), self._loop).result(10)
        return self

    def stop(self) -> None:
        async def _stop() -> None:
            if self._server is not None:
                self._server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        try:
            asyncio.run_coroutine_threadsafe(_stop(), self._loop).result(10)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            self._loop.close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

"""A TCP proxy on 127.0.0.1 that injects network faults, for tests and field diagnosis drills.

Each accepted connection takes the next fault from a schedule (or draws one at random from a
seeded generator):

    PASS       forward both ways unchanged
    DROP       close the client connection at once, before any byte reaches the server
    RESET      abort the client connection with a TCP RST after the request reached the server
               (the server acts; the client never sees the answer)
    DELAY      hold every chunk `delay` seconds before forwarding
    TRUNCATE   forward only the first `truncate_at` bytes of the server's answer, then close
    DUPLICATE  send the client's request to the server twice (two server connections; the client
               gets the first answer)

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

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    fault: Fault, *, limit: int | None = None) -> None:
        sent = 0
        try:
            while True:
                chunk = await reader.read(65536)
                if not chunk:
                    break
                if fault is Fault.DELAY:
                    await asyncio.sleep(self.delay)
                if limit is not None and sent + len(chunk) >= limit:
                    writer.write(chunk[: limit - sent])
                    await writer.drain()
                    break
                writer.write(chunk)
                sent += len(chunk)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            with contextlib.suppress(ConnectionError, OSError, RuntimeError):
                writer.close()

    async def _read_request(self, reader: asyncio.StreamReader) -> bytes:
        """One HTTP/1.1 request (headers + Content-Length body); enough for our client."""
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        body = await reader.readexactly(length) if length else b""
        return head + body

    async def _handle(self, c_reader: asyncio.StreamReader, c_writer: asyncio.StreamWriter) -> None:
        fault = self._next()
        self.seen[fault] += 1
        if fault is Fault.DROP:
            c_writer.close()
            return
        try:
            s_reader, s_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            _abort(c_writer)
            return
        if fault in (Fault.RESET, Fault.DUPLICATE):
            try:
                request = await self._read_request(c_reader)
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, OSError):
                _abort(c_writer)
                s_writer.close()
                return
            s_writer.write(request)
            await s_writer.drain()
            if fault is Fault.DUPLICATE:
                try:
                    d_reader, d_writer = await asyncio.open_connection(*self.upstream)
                    d_writer.write(request)
                    await d_writer.drain()
                    await d_reader.read(1 << 20)  # let the server finish the second one
                    d_writer.close()
                except OSError:
                    pass
                await self._pipe(s_reader, c_writer, Fault.PASS)
                s_writer.close()
                return
            # RESET: the server gets the whole request and answers; the client gets a RST.
            await s_reader.read(1)
            _abort(c_writer)
            s_writer.close()
            return
        limit = self.truncate_at if fault is Fault.TRUNCATE else None
        await asyncio.gather(
            self._pipe(c_reader, s_writer, fault),
            self._pipe(s_reader, c_writer, fault, limit=limit),
        )

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

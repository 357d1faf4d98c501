"""The receiver's HTTP API (FastAPI). See sync/wire.py for the protocol."""

from __future__ import annotations

import base64
import re

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from station.domain import Problem
from sync import wire
from sync.errors import SyncError
from sync.packet import MAX_PACKET_BYTES
from sync.receiver.service import Receiver

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def problem_response(status: int, problem: Problem) -> JSONResponse:
    return JSONResponse(
        {"code": problem.code, "message": problem.message_id, "message_en": problem.message_en},
        status_code=status,
    )


class _TooLarge(Exception):
    pass


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    chunks, total = [], 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > limit:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> JSONResponse:
    return problem_response(
        413,
        Problem(
            "REQUEST_TOO_LARGE",
            f"Kiriman melebihi batas {limit} bita.",
            f"The request exceeds the {limit}-byte limit.",
        ),
    )


def create_app(receiver: Receiver) -> FastAPI:
    app = FastAPI(title="Rekam reference receiver", version="1", docs_url=None, redoc_url=None)
    app.state.receiver = receiver

    @app.get("/v1/health")
    def health() -> dict:
        return {"status": "ok", "server_key_id": receiver.public.key_id.hex()}

    @app.put("/v1/packets/{packet_id}")
    async def put_packet(packet_id: str, request: Request) -> Response:
        try:
            body = await _read_body(request, MAX_PACKET_BYTES)
        except _TooLarge:
            return _too_large(MAX_PACKET_BYTES)
        sub = await run_in_threadpool(receiver.submit, body)
        if sub.status == 200 and sub.packet_id != packet_id:
            return problem_response(
                400,
                Problem(
                    "PACKET_ID_MISMATCH",
                    f"ID di alamat ({packet_id}) berbeda dengan ID paket ({sub.packet_id}).",
                    f"The id in the URL ({packet_id}) differs from the packet's ({sub.packet_id}).",
                ),
            )
        if sub.receipt is not None:
            return Response(sub.receipt, media_type=wire.RECEIPT_MEDIA_TYPE)
        assert sub.problem is not None
        return problem_response(sub.status, sub.problem)

    @app.post("/v1/packets:batch")
    async def post_batch(request: Request) -> Response:
        try:
            body = await _read_body(request, wire.MAX_UPLOAD_BYTES)
        except _TooLarge:
            return _too_large(wire.MAX_UPLOAD_BYTES)
        try:
            packets = wire.decode_upload(body)
        except SyncError as exc:
            return problem_response(400, exc.problem)
        subs = await run_in_threadpool(receiver.submit_many, packets)
        results = []
        for sub in subs:
            item: dict = {"packet_id": sub.packet_id, "status": sub.status}
            if sub.receipt is not None:
                item["receipt"] = base64.b64encode(sub.receipt).decode("ascii")
            if sub.problem is not None:
                item["problem"] = sub.problem.as_dict()
            results.append(item)
        return JSONResponse({"results": results})

    @app.post("/v1/receipts:query")
    async def query_receipts(request: Request) -> Response:
        try:
            doc = await request.json()
            ids = doc["packet_ids"]
            if not isinstance(ids, list) or len(ids) > 10_000:
                raise ValueError
            ids = [str(i) for i in ids if isinstance(i, str) and _UUID.fullmatch(i)]
        except (ValueError, KeyError, TypeError):
            return problem_response(
                400,
                Problem(
                    "QUERY_MALFORMED",
                    'Permintaan harus {"packet_ids": [UUID, ...]} (maks 10.000).',
                    'The request must be {"packet_ids": [UUID, ...]} (at most 10,000).',
                ),
            )
        found = await run_in_threadpool(receiver.receipts, ids)
        return JSONResponse(
            {"receipts": {k: base64.b64encode(v).decode("ascii") for k, v in found.items()}}
        )

    return app

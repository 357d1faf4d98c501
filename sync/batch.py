"""Batch files for removable media: a signed manifest plus the packets, in a ZIP container.

Members (all STORED, i.e. uncompressed: packets are ciphertext and do not compress):

    manifest.json             canonical JSON, see below
    manifest.sig              64-byte Ed25519 signature of the station over manifest.json
    packets/<packet-id>.rkp   one sealed packet each, named by its UUID

manifest.json = {"format": "rekam-batch", "version": 1, "batch_id": UUID, "station_id",
"created_at": ISO 8601 UTC, "packets": [{"packet_id", "file", "size", "sha256"}, ...]}

Files are written atomically (temporary name in the target directory, fsync, rename, fsync of the
directory) under a safe name: rekam-<station-id>-<batch-id>.rkb.

`read_batch` validates everything before returning anything and raises `BatchRejected` naming
the first defect found: a wrong size or hash, a bad signature, an unknown station, a truncated
file, an oversized or compressed member, an unsafe or unexpected member name.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sync import canonical
from sync import packet as packet_fmt
from sync.errors import BatchRejected, SyncError
from sync.keys import StationPublicKey, check_station_id

MANIFEST = "manifest.json"
MANIFEST_SIG = "manifest.sig"
MAX_PACKETS = 20_000
MAX_MANIFEST_BYTES = 8 * 1024 * 1024
MAX_BATCH_BYTES = 1024 * 1024 * 1024  # 1 GiB: ~6,000 real records; stations write 500 per file
_PACKET_NAME = re.compile(
    r"packets/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.rkp"
)
_FILE_NAME = re.compile(r"rekam-[A-Za-z0-9][A-Za-z0-9._-]{0,63}-[0-9a-f-]{36}\.rkb")
# A fixed timestamp in the ZIP headers: the batch's time is in the signed manifest.
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class VerifiedBatch:
    batch_id: str
    station_id: str
    created_at: str
    manifest: bytes
    packets: list[packet_fmt.Packet]
    sha256: str  # of the whole batch file


def file_name(station_id: str, batch_id: str) -> str:
    return f"rekam-{check_station_id(station_id)}-{uuid.UUID(batch_id)}.rkb"


def build(
    signer: packet_fmt.Signer,
    packets: Iterable[tuple[str, bytes]],
    *,
    batch_id: str | None = None,
    created_at: datetime | None = None,
) -> tuple[str, bytes]:
    """Assemble a batch in memory. Returns (batch_id, file bytes)."""
    batch_id = str(uuid.UUID(batch_id) if batch_id else uuid.uuid4())
    entries, members = [], []
    for packet_id, raw in packets:
        pid = str(uuid.UUID(packet_id))
        name = f"packets/{pid}.rkp"
        entries.append(
            {
                "packet_id": pid,
                "file": name,
                "size": len(raw),
                "sha256": hashlib.sha256(raw).hexdigest(),
            }
        )
        members.append((name, raw))
    if not entries:
        raise ValueError("a batch needs at least one packet")
    if len(entries) > MAX_PACKETS:
        raise ValueError(f"a batch holds at most {MAX_PACKETS} packets")
    manifest = canonical.dumps(
        {
            "format": "rekam-batch",
            "version": 1,
            "batch_id": batch_id,
            "station_id": check_station_id(signer.station_id),
            "created_at": (created_at or datetime.now(UTC)).astimezone(UTC).isoformat(),
            "packets": entries,
        }
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        for name, data in [(MANIFEST, manifest), (MANIFEST_SIG, signer.sign(manifest)), *members]:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return batch_id, buf.getvalue()


def write_atomic(directory: Path, name: str, data: bytes) -> Path:
    """Write `data` to directory/name so that the name only ever shows complete content."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / name
    tmp = directory / f".{name}.{os.getpid()}.part"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    os.replace(tmp, target)
    if hasattr(os, "O_DIRECTORY"):
        dfd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    return target


def write(
    directory: Path, signer: packet_fmt.Signer, packets: Iterable[tuple[str, bytes]], **kw: object
) -> tuple[str, Path]:
    batch_id, data = build(signer, packets, **kw)  # type: ignore[arg-type]
    return batch_id, write_atomic(directory, file_name(signer.station_id, batch_id), data)


def _reject(code: str, id_: str, en: str) -> BatchRejected:
    return BatchRejected(f"BATCH_{code}", f"Batch ditolak: {id_}", f"Batch rejected: {en}")


def check_file_size(size: int) -> None:
    """Refuse an oversized batch file before reading it into memory."""
    if size > MAX_BATCH_BYTES:
        raise _reject(
            "TOO_LARGE",
            f"berkas {size} bita melebihi batas {MAX_BATCH_BYTES}",
            f"the file of {size} bytes exceeds the {MAX_BATCH_BYTES}-byte limit",
        )


def read_batch(
    data: bytes, lookup_station: Callable[[str], StationPublicKey | None]
) -> VerifiedBatch:
    """Validate a whole batch file. Raises BatchRejected (code BATCH_*) naming the defect."""
    check_file_size(len(data))
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        if data[:4] == b"PK\x03\x04":
            raise _reject(
                "TRUNCATED",
                "berkas terpotong (akhir arsip hilang); salin ulang dari stasiun",
                "the file is truncated (the end of the archive is missing); copy it again",
            ) from None
        raise _reject(
            "NOT_A_BATCH", "berkas ini bukan batch Rekam", "this file is not a Rekam batch"
        ) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_PACKETS + 2:
            raise _reject(
                "TOO_MANY_MEMBERS", f"{len(infos)} anggota arsip", f"{len(infos)} archive members"
            )
        seen: set[str] = set()
        total = 0
        for info in infos:
            name = info.filename
            if name not in (MANIFEST, MANIFEST_SIG) and not _PACKET_NAME.fullmatch(name):
                raise _reject(
                    "UNSAFE_NAME",
                    f"nama anggota tidak aman/tak dikenal {name!r}",
                    f"unsafe or unexpected member name {name!r}",
                )
            if name in seen:
                raise _reject(
                    "DUPLICATE_MEMBER", f"anggota ganda {name!r}", f"duplicate member {name!r}"
                )
            seen.add(name)
            if info.compress_type != zipfile.ZIP_STORED or info.compress_size != info.file_size:
                raise _reject(
                    "COMPRESSED_MEMBER",
                    f"anggota {name!r} terkompresi (kemungkinan bom kompresi)",
                    f"member {name!r} is compressed (possible compression bomb)",
                )
            if info.flag_bits & 0x1:
                raise _reject(
                    "ENCRYPTED_MEMBER",
                    f"anggota {name!r} terenkripsi ZIP",
                    f"member {name!r} is ZIP-encrypted",
                )
            limit = MAX_MANIFEST_BYTES if name == MANIFEST else packet_fmt.MAX_PACKET_BYTES
            if info.file_size > limit:
                raise _reject(
                    "MEMBER_TOO_LARGE",
                    f"anggota {name!r} {info.file_size} bita melebihi batas {limit}",
                    f"member {name!r} of {info.file_size} bytes exceeds the {limit}-byte limit",
                )
            total += info.compress_size
        if total > len(data):
            raise _reject(
                "MEMBER_TOO_LARGE",
                "ukuran anggota melebihi ukuran berkas",
                "member sizes exceed the file size",
            )
        for required in (MANIFEST, MANIFEST_SIG):
            if required not in seen:
                raise _reject("MEMBER_MISSING", f"{required} tidak ada", f"{required} is missing")

        def read(name: str) -> bytes:
            try:
                return zf.read(name)
            except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
                # NotImplementedError: a damaged local header asks for a ZIP feature (e.g. flag
                # bit 5, patched data) that the reader does not have.
                raise _reject(
                    "MEMBER_CORRUPT",
                    f"anggota {name!r} rusak ({exc})",
                    f"member {name!r} is damaged ({exc})",
                ) from None

        manifest_raw = read(MANIFEST)
        signature = read(MANIFEST_SIG)
        manifest = _parse_manifest(manifest_raw)
        station = lookup_station(manifest["station_id"])
        if station is None:
            raise _reject(
                "STATION_UNKNOWN",
                f"stasiun {manifest['station_id']!r} tidak terdaftar di server ini",
                f"station {manifest['station_id']!r} is not registered with this server",
            )
        if len(signature) != 64 or not station.verify(signature, manifest_raw):
            raise _reject(
                "SIGNATURE_INVALID",
                "tanda tangan manifes tidak sah (manifes diubah atau kunci stasiun lain)",
                "the manifest signature does not verify (manifest altered or another "
                "station's key)",
            )
        expected = {e["file"] for e in manifest["packets"]}
        present = seen - {MANIFEST, MANIFEST_SIG}
        if expected - present:
            missing = sorted(expected - present)[0]
            raise _reject(
                "MEMBER_MISSING",
                f"paket {missing!r} ada di manifes tetapi tidak ada di arsip",
                f"packet {missing!r} is listed but absent",
            )
        if present - expected:
            extra = sorted(present - expected)[0]
            raise _reject(
                "MEMBER_UNEXPECTED",
                f"paket {extra!r} tidak tercantum di manifes",
                f"packet {extra!r} is not in the manifest",
            )
        packets = []
        for entry in manifest["packets"]:
            raw = read(entry["file"])
            if len(raw) != entry["size"] or hashlib.sha256(raw).hexdigest() != entry["sha256"]:
                raise _reject(
                    "HASH_MISMATCH",
                    f"ukuran/hash paket {entry['packet_id']} tidak cocok dengan manifes (diubah?)",
                    f"size/hash of packet {entry['packet_id']} does not match the manifest "
                    "(altered?)",
                )
            try:
                pkt = packet_fmt.parse(raw)
            except SyncError as exc:
                raise _reject(
                    "PACKET_MALFORMED",
                    f"paket {entry['packet_id']}: {exc.problem.message_id}",
                    f"packet {entry['packet_id']}: {exc.problem.message_en}",
                ) from None
            if pkt.packet_id != entry["packet_id"] or pkt.station_id != manifest["station_id"]:
                raise _reject(
                    "PACKET_MISMATCH",
                    f"paket {entry['packet_id']} tidak sesuai manifes",
                    f"packet {entry['packet_id']} does not match its manifest entry",
                )
            try:
                pkt.verify(station)
            except SyncError:
                raise _reject(
                    "PACKET_SIGNATURE_INVALID",
                    f"tanda tangan paket {pkt.packet_id} tidak sah",
                    f"the signature of packet {pkt.packet_id} does not verify",
                ) from None
            packets.append(pkt)
    return VerifiedBatch(
        batch_id=manifest["batch_id"],
        station_id=manifest["station_id"],
        created_at=manifest["created_at"],
        manifest=manifest_raw,
        packets=packets,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _parse_manifest(raw: bytes) -> dict:
    bad = _reject("MANIFEST_INVALID", "manifes tidak sah", "the manifest is invalid")
    try:
        doc = canonical.loads(raw)
    except (UnicodeDecodeError, ValueError):
        raise bad from None
    if not isinstance(doc, dict) or doc.get("format") != "rekam-batch" or doc.get("version") != 1:
        raise bad
    try:
        uuid.UUID(str(doc["batch_id"]))
        check_station_id(doc["station_id"])
        str(doc["created_at"])
        entries = doc["packets"]
        if not isinstance(entries, list) or not 0 < len(entries) <= MAX_PACKETS:
            raise ValueError
        ids = set()
        for e in entries:
            m = _PACKET_NAME.fullmatch(str(e["file"]))
            if not m or m.group(1) != e["packet_id"] or e["packet_id"] in ids:
                raise ValueError
            ids.add(e["packet_id"])
            if not isinstance(e["size"], int) or not isinstance(e["sha256"], str):
                raise ValueError
    except (KeyError, TypeError, ValueError, SyncError):
        raise bad from None
    return doc

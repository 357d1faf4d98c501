"""Opening the station database: pragmas on every connection, immediate transactions, migrations.

Every connection gets WAL journaling, synchronous=FULL (a commit is on disk when it returns),
foreign keys, in-memory temp storage (no temp files on disk) and secure_delete (freed pages are
zeroed, so deleted ciphertext and data keys do not linger in the file). Write
transactions (`conn.execution_options(immediate=True)`) start with BEGIN IMMEDIATE so two
writers never deadlock half-way through a save.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA temp_store=MEMORY",
    "PRAGMA secure_delete=ON",
    "PRAGMA busy_timeout=10000",
)


def apply_pragmas(dbapi_conn: sqlite3.Connection) -> None:
    cur = dbapi_conn.cursor()
    try:
        for pragma in PRAGMAS:
            cur.execute(pragma)
    finally:
        cur.close()


def make_engine(path: Path) -> Engine:
    path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"check_same_thread": False, "timeout": 10},
        pool_pre_ping=False,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (see "begin" below).
        dbapi_conn.isolation_level = None
        apply_pragmas(dbapi_conn)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the write lock up front (no deadlock when a read turns into a write);
        # readers begin a deferred transaction and never block each other.
        immediate = conn.get_execution_options().get("immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


class DiskFull(Exception):
    """The file system refused a write (no space, or the file size limit)."""


def is_disk_full(exc: BaseException) -> bool:
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    if isinstance(orig, OSError) and orig.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return True
    if isinstance(orig, sqlite3.Error):
        code = getattr(orig, "sqlite_errorcode", None)
        name = getattr(orig, "sqlite_errorname", "") or ""
        if code == sqlite3.SQLITE_FULL or name.startswith("SQLITE_FULL"):
            return True
        # EFBIG (file size limit) surfaces as a write I/O error; treat it like a full disk.
        if name in ("SQLITE_IOERR_WRITE", "SQLITE_IOERR_FSYNC", "SQLITE_IOERR_SHMSIZE"):
            return True
        text = str(orig).lower()
        return "database or disk is full" in text
    return False


@contextmanager
def translate_disk_full() -> Iterator[None]:
    try:
        yield
    except (DBAPIError, OSError, sqlite3.Error) as exc:
        if is_disk_full(exc):
            raise DiskFull(str(exc)) from exc
        raise

"""The plugin's key-value storage in one SQLite file, with Dify's key rules and size limit."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

MAX_KEY_LENGTH = 256


class StorageError(Exception):
    """A storage call Dify would refuse."""


def check_key(key: object) -> str:
    """Dify's key rules: a non-empty string of at most 256 chars without '..', '//' or a backslash."""
    if not isinstance(key, str) or not key:
        raise StorageError("storage key must be a non-empty string")
    if len(key) > MAX_KEY_LENGTH:
        raise StorageError(f"storage key is too long: {len(key)} characters (at most {MAX_KEY_LENGTH})")
    for bad in ("..", "//", "\\"):
        if bad in key:
            raise StorageError(f"storage key must not contain {bad!r}")
    return key


class Storage:
    """Scope is (workspace, plugin), so every endpoint instance shares one table, as in Dify."""

    def __init__(self, path: Path | str, size_limit: int | None) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.size_limit = size_limit
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value BLOB NOT NULL)")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def used(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COALESCE(SUM(LENGTH(value)), 0) FROM kv").fetchone()[0]

    def set(self, key: str, value: bytes) -> None:
        check_key(key)
        with self._lock:
            if self.size_limit is not None:
                used = self._db.execute(
                    "SELECT COALESCE(SUM(LENGTH(value)), 0) FROM kv WHERE key != ?", (key,)
                ).fetchone()[0]
                if used + len(value) > self.size_limit:
                    raise StorageError(
                        f"storage size limit exceeded: {used + len(value)} bytes would exceed the plugin's "
                        f"{self.size_limit} bytes"
                    )
            self._db.execute("INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)", (key, value))

    def get(self, key: str) -> bytes:
        check_key(key)
        with self._lock:
            row = self._db.execute("SELECT value FROM kv WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise StorageError(f"storage key not found: {key}")
        return bytes(row[0])

    def exist(self, key: str) -> bool:
        check_key(key)
        with self._lock:
            return self._db.execute("SELECT 1 FROM kv WHERE key = ?", (key,)).fetchone() is not None

    def delete(self, key: str) -> None:
        check_key(key)
        with self._lock:
            self._db.execute("DELETE FROM kv WHERE key = ?", (key,))

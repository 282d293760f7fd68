"""The plugin's key-value storage in one SQLite file, with the daemon's key rules, messages and size accounting.

As the daemon (internal/core/persistence): a key is cleaned like a path (`a//b/` is `a/b`) and
refused when the cleaned key still holds `..`, `//` or a backslash; `set` also refuses a key longer
than 256 bytes. The plugin's total is the manifest's `storage.size`, capped by the daemon's own
maximum (PERSISTENCE_STORAGE_MAX_SIZE, 100 MiB by default), and it is an account kept beside the
data: the daemon writes the value first and checks the account after, so a `set` that fails the
size check has still replaced the value (it is just not counted). A value's size is otherwise
limited only by the 5 MiB line the SDK writes it in (hex: about 2.5 MB).
"""

from __future__ import annotations

import posixpath
import sqlite3
import threading
from pathlib import Path

MAX_KEY_BYTES = 256
DAEMON_MAX_SIZE = 100 * 1024 * 1024
MISSING = "load data failed, please check if the key is correct or you have not set it"


class StorageError(Exception):
    """A storage call the daemon would refuse (its message is the daemon's)."""


def clean_key(key: object) -> str:
    """The key as the daemon stores it (path-cleaned); raises for what it refuses on every call."""
    if not isinstance(key, str) or not key:
        # The daemon's request validation: `key` is required.
        raise StorageError("Key: field is required")
    cleaned = posixpath.normpath(key)
    # Go's path.Clean keeps no leading `//` (Python's normpath keeps exactly two).
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")
    if ".." in cleaned or "//" in cleaned or "\\" in cleaned:
        raise StorageError("invalid key: path traversal attempt detected")
    return cleaned


def check_key(key: object) -> str:
    """The rules of `set`: those of every call plus at most 256 bytes (of the key as sent)."""
    cleaned = clean_key(key)
    if len(str(key).encode("utf-8")) > MAX_KEY_BYTES:
        raise StorageError("key length must be less than 256 characters")
    return cleaned


def _wrapped(prefix: str, check, key: object) -> str:
    """The daemon puts the operation in front of what the key check says (not of a missing key)."""
    if not isinstance(key, str) or not key:
        return check(key)
    try:
        return check(key)
    except StorageError as exc:
        raise StorageError(f"{prefix}: {exc}") from None


class Storage:
    """Scope is (workspace, plugin), so every endpoint instance shares one table, as in Dify."""

    def __init__(self, path: Path | str, size_limit: int | None, daemon_max: int = DAEMON_MAX_SIZE) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.size_limit = size_limit
        self.daemon_max = daemon_max
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
        # The daemon's account of the plugin's size (its tenant_storages row), kept apart from the data.
        self._db.execute("CREATE TABLE IF NOT EXISTS account (id INTEGER PRIMARY KEY CHECK (id = 1), size INTEGER)")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def used(self) -> int:
        """The account: what the size checks compare against the limit."""
        with self._lock:
            row = self._db.execute("SELECT size FROM account WHERE id = 1").fetchone()
        return row[0] if row else 0

    def stored(self) -> int:
        """The bytes really held (more than `used` after a set that failed the size check)."""
        with self._lock:
            return self._db.execute("SELECT COALESCE(SUM(LENGTH(value)), 0) FROM kv").fetchone()[0]

    def set(self, key: str, value: bytes) -> None:
        cleaned = _wrapped("save data failed", check_key, key)
        limit = self.daemon_max if self.size_limit is None else self.size_limit
        with self._lock:
            old = self._db.execute("SELECT LENGTH(value) FROM kv WHERE key = ?", (cleaned,)).fetchone()
            self._db.execute("INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)", (cleaned, value))
            diff = len(value) - (old[0] if old else 0)
            row = self._db.execute("SELECT size FROM account WHERE id = 1").fetchone()
            total = diff + (row[0] if row else 0)
            if total > limit or total > self.daemon_max:
                raise StorageError("save data failed: allocated size is greater than max storage size")
            self._db.execute("INSERT OR REPLACE INTO account (id, size) VALUES (1, ?)", (total,))

    def get(self, key: str) -> bytes:
        try:
            cleaned = clean_key(key)
        except StorageError:
            raise StorageError(MISSING) from None
        with self._lock:
            row = self._db.execute("SELECT value FROM kv WHERE key = ?", (cleaned,)).fetchone()
        if row is None:
            raise StorageError(MISSING)
        return bytes(row[0])

    def exist(self, key: str) -> bool:
        cleaned = _wrapped("exist data failed", clean_key, key)
        with self._lock:
            return self._db.execute("SELECT 1 FROM kv WHERE key = ?", (cleaned,)).fetchone() is not None

    def delete(self, key: str) -> None:
        cleaned = _wrapped("delete data failed", clean_key, key)
        with self._lock:
            row = self._db.execute("SELECT LENGTH(value) FROM kv WHERE key = ?", (cleaned,)).fetchone()
            if row is None:
                # The daemon reads the file's size before deleting: a missing key is an error.
                raise StorageError("delete data failed: the key does not exist")
            self._db.execute("DELETE FROM kv WHERE key = ?", (cleaned,))
            # The daemon subtracts the real size, even of a value its account never counted.
            self._db.execute("UPDATE account SET size = size - ? WHERE id = 1", (row[0],))

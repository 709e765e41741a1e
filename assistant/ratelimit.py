"""The per-client rate limit, counted in one SQLite file that every worker process shares.

The algorithm is the `limits` library's sliding-window counter; `limits` ships storages for
servers (Redis, Memcached, MongoDB) and for one process (memory), none for processes on one
machine without a server, so this module gives it one: a table of counters with expiry times,
updated in IMMEDIATE transactions so two workers never both take the last request of a window.
Each thread keeps its connection open and commits without an fsync (WAL, synchronous=NORMAL):
opening a connection and syncing the disk per question took about 8 % of a worker's time,
and a counter lost to a power cut costs nothing.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from math import floor
from pathlib import Path

from limits import RateLimitItemPerMinute
from limits.storage import Storage
from limits.storage.base import SlidingWindowCounterSupport, TimestampedSlidingWindow
from limits.strategies import SlidingWindowCounterRateLimiter


class SQLiteStorage(Storage, SlidingWindowCounterSupport, TimestampedSlidingWindow):
    """Counters with expiry in a SQLite file; safe across threads and processes."""

    STORAGE_SCHEME = ["minzheng+sqlite"]

    def __init__(self, path: Path) -> None:
        super().__init__(uri=None)
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._transaction() as db:
            db.execute("CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value INTEGER, expires REAL)")

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return sqlite3.Error

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection, opened on its first use."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
        return db

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = self._connection()
        db.execute("BEGIN IMMEDIATE")  # one writer at a time, across processes
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    @staticmethod
    def _get(db: sqlite3.Connection, key: str, now: float) -> int:
        row = db.execute("SELECT value FROM counters WHERE key = ? AND expires > ?", (key, now)).fetchone()
        return int(row[0]) if row else 0

    @staticmethod
    def _incr(db: sqlite3.Connection, key: str, expiry: float, amount: int, now: float) -> int:
        db.execute("DELETE FROM counters WHERE key = ? AND expires <= ?", (key, now))
        db.execute(
            "INSERT INTO counters (key, value, expires) VALUES (?, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = value + excluded.value",
            (key, amount, now + expiry),
        )
        return SQLiteStorage._get(db, key, now)

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        with self._transaction() as db:
            return self._incr(db, key, expiry, amount, time.time())

    def get(self, key: str) -> int:
        with self._transaction() as db:
            return self._get(db, key, time.time())

    def get_expiry(self, key: str) -> float:
        now = time.time()
        with self._transaction() as db:
            row = db.execute("SELECT expires FROM counters WHERE key = ? AND expires > ?", (key, now)).fetchone()
        return float(row[0]) if row else now

    def check(self) -> bool:
        try:
            with self._transaction() as db:
                db.execute("SELECT 1")
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        with self._transaction() as db:
            return db.execute("DELETE FROM counters").rowcount

    def clear(self, key: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM counters WHERE key = ?", (key,))

    def _window(self, db: sqlite3.Connection, key: str, expiry: int, now: float) -> tuple[int, float, int, float]:
        # the same arithmetic as limits' MemoryStorage, read inside one transaction
        previous_key, current_key = self.sliding_window_keys(key, expiry, now)
        previous_count = self._get(db, previous_key, now)
        current_count = self._get(db, current_key, now)
        previous_ttl = 0.0 if previous_count == 0 else (1 - (((now - expiry) / expiry) % 1)) * expiry
        current_ttl = (1 - ((now / expiry) % 1)) * expiry + expiry
        return previous_count, previous_ttl, current_count, current_ttl

    def acquire_sliding_window_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        now = time.time()
        with self._transaction() as db:
            previous_count, previous_ttl, current_count, _ = self._window(db, key, expiry, now)
            if floor(previous_count * previous_ttl / expiry + current_count) + amount > limit:
                return False
            self._incr(db, self.sliding_window_keys(key, expiry, now)[1], 2 * expiry, amount, now)
            return True

    def get_sliding_window(self, key: str, expiry: int) -> tuple[int, float, int, float]:
        with self._transaction() as db:
            return self._window(db, key, expiry, time.time())

    def clear_sliding_window(self, key: str, expiry: int) -> None:
        now = time.time()
        with self._transaction() as db:
            for window_key in self.sliding_window_keys(key, expiry, now):
                db.execute("DELETE FROM counters WHERE key = ?", (window_key,))


class RateLimiter:
    """At most ``limit`` questions a minute per client, counted across every worker process."""

    def __init__(self, limit: int, path: Path) -> None:
        self.limit = limit
        self._item = RateLimitItemPerMinute(max(limit, 1))
        self._limiter = SlidingWindowCounterRateLimiter(SQLiteStorage(path))

    def hit(self, client: str) -> float:
        """Count a request; return 0 when it is allowed, else the seconds until one will be."""
        if self.limit <= 0:
            return 0.0
        if self._limiter.hit(self._item, client):
            return 0.0
        reset = self._limiter.get_window_stats(self._item, client).reset_time
        return max(reset - time.time(), 1.0)

"""Threads come and go all day (Qt's pool, the scheduler): the station files' open handles must not grow."""

from __future__ import annotations

import threading
from pathlib import Path

import psutil

from packstation.local_store.journal import Journal
from packstation.local_store.offline_cache import CacheStore


def _in_threads(count: int, work: object) -> None:
    for _ in range(count):
        thread = threading.Thread(target=work)  # type: ignore[arg-type]
        thread.start()
        thread.join()


def test_short_lived_threads_leave_no_journal_or_cache_connections_open(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.sqlite3")
    cache = CacheStore(tmp_path / "offline_cache.sqlite3")
    process = psutil.Process()
    _in_threads(3, lambda: (journal.stats(), cache.counts()))  # the pools fill up to what they keep
    before = process.num_fds()
    _in_threads(40, lambda: (journal.stats(), journal.pending(), cache.counts(), cache.meta("watermark")))
    assert process.num_fds() - before <= 0, "each thread that touched the journal or the cache left handles open"
    journal.close()
    cache.close()
    assert process.num_fds() < before, "close() closes the idle connections"


def test_connections_lent_across_threads_stay_durable_and_close_only_closes_what_is_idle(
    tmp_path: Path,
) -> None:
    journal = Journal(tmp_path / "journal.sqlite3")
    errors: list[BaseException] = []

    def use() -> None:
        try:
            for _ in range(50):
                journal.stats()
                assert journal.pragma("synchronous") == 2  # FULL on every connection lent
        except BaseException as exc:  # reported below: an assertion on a worker thread is otherwise lost
            errors.append(exc)

    workers = [threading.Thread(target=use) for _ in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    journal.close()
    assert journal.stats().pending == 0  # usable again after close: a connection is opened afresh
    journal.close()


def test_the_pools_open_what_they_keep_at_start_so_overlapping_threads_add_no_handles(tmp_path: Path) -> None:
    """A pool that opened a connection only when threads first overlapped reached its size hours into a
    shift: two more handles after the soak's warm-up, which a soak cannot tell from a leak."""
    process = psutil.Process()
    before = process.num_fds()
    journal = Journal(tmp_path / "journal.sqlite3")
    cache = CacheStore(tmp_path / "offline_cache.sqlite3")
    at_start = process.num_fds()
    assert at_start > before
    all_in = threading.Barrier(3, timeout=10)

    def in_journal() -> None:  # the packing thread, the pump and a status read, all in the journal at once
        with journal._pool.connection():
            all_in.wait()

    def in_both() -> None:  # two of them in the cache as well (it keeps two)
        with journal._pool.connection(), cache._pool.connection():
            all_in.wait()

    workers = [threading.Thread(target=work) for work in (in_journal, in_both, in_both)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert process.num_fds() == at_start, "no connection opened beyond those opened at start"
    journal.close()
    cache.close()

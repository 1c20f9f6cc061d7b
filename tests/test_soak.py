"""A short shift (200 parcels, about 2 minutes) through the soak benchmark: its goals hold.

Asserted: nothing lost or recorded twice in PostgreSQL or at the marketplace stand-in (every parcel
Picking there, once), every label made, PostgreSQL really restarted, and no growth in RSS (beyond the
goal), threads or open file handles. The scan-latency goal (last third within 20 % of the first) is
reported by ``python -m benchmarks soak`` and not asserted: a wall-clock bound flakes on a loaded machine.
"""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def shift() -> dict[str, Any]:
    from benchmarks.bench_soak import run

    return run(["--parcels", "200"])


def test_a_short_shift_loses_nothing_in_postgres_or_at_the_marketplace(shift: dict[str, Any]) -> None:
    assert shift["parcels"] == 200
    assert shift["postgres_restarts"] >= 3, "the shift must have gone through PostgreSQL restarts"
    print({key: shift[key] for key in ("seconds", "phases_s", "postgres_restarts", "fds_grown")})
    assert shift["common_label_parcels"] > 0, "some parcels must need Trendyol's common label"
    assert shift["lost_detail"] == {
        "missing_in_postgres": 0,
        "recorded_twice": 0,
        "missing_at_marketplace": 0,
        "twice_at_marketplace": 0,
    }
    assert shift["outbox_drained"], (shift["outbox_left"], shift["phases_s"])
    assert shift["label_problems"] == 0, shift["label_problem_examples"]
    assert shift["labels_not_made"] == 0, shift["labels_not_made_examples"]


def test_a_short_shift_does_not_grow_in_memory_threads_or_open_files(shift: dict[str, Any]) -> None:
    assert shift["met"]["rss_growth_pct"], shift["samples"]
    assert shift["met"]["threads_growth"], (shift["threads_grown"], shift["threads_counted"])
    assert shift["met"]["fds_growth"], (shift["fds_grown"], shift["fds_counted"], shift["samples"])


def test_growth_is_the_last_thirds_median_against_the_first_thirds() -> None:
    from benchmarks.bench_soak import growth

    def counted(fds: list[int]) -> list[dict[str, int]]:
        return [{"parcels": (index + 1) * 100, "fds": n} for index, n in enumerate(fds)]

    steady_with_blips = counted([36, 37, 36, 36, 36, 38, 36, 36, 37, 36, 36, 36])
    assert growth(steady_with_blips, "fds", warm_to=400, late_from=800) == 0
    leaking = counted([36, 36, 36, 36, 37, 37, 37, 38, 38, 38, 39, 39])
    assert growth(leaking, "fds", warm_to=400, late_from=800) == 2.5


def test_the_shift_has_its_common_label_share_and_about_five_scans_a_parcel() -> None:
    from benchmarks.bench_soak import mixed

    def parcel(number: int, carrier: str, units: int) -> dict[str, Any]:
        return {"tracking": f"{carrier}{number:07d}", "external_id": str(number), "scans": ["869"] * units}

    # As the stand-in has them: few own-label parcels of 1-4 units, many common-label ones of 1-12.
    own = [parcel(n, "725", 1 + n % 4) for n in range(40)]
    common = [parcel(100 + n, "733", 1 + n % 12) for n in range(200)]
    shift = mixed(own + common, 40, common_share=0.25, scans_per_parcel=5.0)

    assert [p["tracking"][:3] for p in shift[:4]] == ["725", "725", "725", "733"], "common labels spread evenly"
    assert sum(p["tracking"].startswith("733") for p in shift) == 10
    assert shift[:4][:3] == own[:3], "own-label parcels as they come"
    picked = [p for p in shift if p["tracking"].startswith("733")]
    assert picked == sorted(picked, key=lambda p: p["tracking"]), "in their order"
    assert sum(len(p["scans"]) for p in shift) == pytest.approx(200, abs=10)


def test_what_grew_is_named_threads_by_name_and_sockets_by_where_they_lead() -> None:
    import socket
    import threading

    import psutil

    from benchmarks.bench_soak import fd_kinds, thread_kinds

    process = psutil.Process()
    release = threading.Event()
    held = [threading.Thread(target=release.wait, name=f"held-{n}") for n in (1, 22)]
    listener = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(listener.getsockname())
    before = thread_kinds(process)
    for thread in held:
        thread.start()
    try:
        assert thread_kinds(process) - before == {"held-#": 2}, "numbers taken out: one kind"
        handles = fd_kinds(process, {listener.getsockname()[1]: "the printer"})
        assert handles["socket to the printer"] == 1
        assert handles["listening socket"] >= 1
        besides = fd_kinds(process, {listener.getsockname()[1]: "the printer"}, besides={client.fileno()})
        assert handles - besides == {"socket to the printer": 1}, "a stand-in's own sockets are left out"
    finally:
        release.set()
        for thread in held:
            thread.join()
        client.close()
        listener.close()

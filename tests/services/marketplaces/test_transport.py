"""Rate limiting, Retry-After parsing and error-body extraction."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from packstation.domain.marketplace import Marketplace
from packstation.services.marketplaces import (
    AuthError,
    DuplicateRequest,
    EndpointRetired,
    NotFound,
    RateLimit,
    RateLimited,
    RateLimiter,
    Rejected,
    ServerError,
    SlidingWindow,
)
from packstation.services.marketplaces.transport import error_for_reply, marketplace_message, retry_after_seconds


class FakeClock:
    """A clock that only moves when told to (sleeping moves it)."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_sliding_window_allows_the_burst_then_waits_for_the_oldest_to_leave() -> None:
    clock = FakeClock()
    window = SlidingWindow(RateLimit(5, 1.0), clock=clock, sleep=clock.sleep)
    for _ in range(5):
        assert window.acquire() == 0.0
    # The 6th may go only when the 1st is a full second old: never 6 within one second.
    assert window.acquire() == pytest.approx(1.0)
    clock.now += 10
    assert [window.acquire() for _ in range(5)] == [0.0] * 5


def test_a_minute_quota_never_goes_out_as_one_burst() -> None:
    """350/min alone would allow 350 at once; with the 50-per-10-s rule at most 50 leave in any 10 s."""
    clock = FakeClock()
    window = SlidingWindow((RateLimit(50, 10.0), RateLimit(350, 60.0)), clock=clock, sleep=clock.sleep)
    sent = []
    for _ in range(400):
        window.acquire()
        sent.append(clock.now)
    for index, stamp in enumerate(sent):
        in_ten = sum(1 for other in sent[index:] if other < stamp + 10.0)
        in_minute = sum(1 for other in sent[index:] if other < stamp + 60.0)
        assert in_ten <= 50, f"{in_ten} requests within 10 s from request {index}"
        assert in_minute <= 350, f"{in_minute} requests within 60 s from request {index}"


def test_limiter_keeps_groups_apart() -> None:
    clock = FakeClock()
    limiter = RateLimiter({"orders": RateLimit(1, 60.0)}, clock=clock, sleep=clock.sleep)
    assert limiter.acquire("orders") == 0.0
    assert limiter.acquire("stock") == 0.0  # unconfigured group: not throttled
    assert limiter.acquire("orders") == pytest.approx(60.0)


def test_window_is_thread_safe_under_contention() -> None:
    """Six threads reserve at once (the clock stands still, so only the lock orders them): every slot
    is handed out once, and no 0.2 s holds more than 30 of the 90 reserved send times."""
    clock = FakeClock()
    window = SlidingWindow(RateLimit(30, 0.2), clock=clock, sleep=lambda _seconds: None)
    sends: list[float] = []
    lock = threading.Lock()
    start = threading.Barrier(6)

    def work() -> None:
        start.wait()
        for _ in range(15):
            at = clock.now + window.reserve()
            with lock:
                sends.append(at)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sends.sort()
    assert len(sends) == 90
    assert sends[0] == clock.now and sends[-1] == pytest.approx(clock.now + 0.4)  # three windows' worth
    for index, stamp in enumerate(sends):
        assert sum(1 for other in sends[index:] if other < stamp + 0.2 - 1e-9) <= 30


def test_rate_limit_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="positive"):
        RateLimit(0, 1.0)


def test_retry_after_forms() -> None:
    assert retry_after_seconds("3") == 3.0
    assert retry_after_seconds("0.25") == 0.25
    now = datetime(2026, 11, 22, 10, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("Sun, 22 Nov 2026 10:00:07 GMT", now=now) == 7.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


@pytest.mark.parametrize(
    ("body", "key", "message"),
    [
        (
            b'{"errors":[{"key":"invalid.barcode","message":"Barkod formati gecersiz","errorCode":"400"}]}',
            "invalid.barcode",
            "Barkod formati gecersiz",
        ),
        (
            b'{"timestamp":1,"exception":"TrendyolSystemException","errors":[{"key":"generic.exception",'
            b'"message":"Exception Occured","errorCode":null}]}',
            "generic.exception",
            "Exception Occured",
        ),
        (
            b'{"exception":"ClientApiAuthenticationException"}',
            "ClientApiAuthenticationException",
            "ClientApiAuthenticationException",
        ),
        (b'{"error":"Too Many Requests","message":"too.many.requests"}', "Too Many Requests", "too.many.requests"),
        (
            b'{"error":{"status":400,"errors":[{"code":1001,"type":"BadRequestException",'
            b'"title":"Please check the cargo tracking number you provided"}]}}',
            "BadRequestException",
            "Please check the cargo tracking number you provided",
        ),
        (
            b'{"@type":"SellerApiUserUnauthorizedException","message":"Yetkisiz"}',
            "SellerApiUserUnauthorizedException",
            "Yetkisiz",
        ),
        (b"Authentication failed", "", "Authentication failed"),
        (b"", "", ""),
    ],
)
def test_every_error_body_shape_yields_the_marketplace_words(body: bytes, key: str, message: str) -> None:
    assert marketplace_message(body) == (key, message)


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (401, b"", AuthError),
        (403, b"", AuthError),
        (404, b"", NotFound),
        (426, b"", EndpointRetired),
        (429, b"", RateLimited),
        (500, b"", ServerError),
        (556, b"", ServerError),
        (409, b"", Rejected),
        (
            400,
            '{"errors":[{"message":"15 dakika boyunca aynı isteği tekrarlı olarak atamazsınız!"}]}'.encode(),
            DuplicateRequest,
        ),
    ],
)
def test_status_codes_map_to_typed_errors(status: int, body: bytes, kind: type) -> None:
    error = error_for_reply(Marketplace.TRENDYOL, status, body, "/x")
    assert type(error) is kind
    assert error.transient == (status in (429, 500, 556))

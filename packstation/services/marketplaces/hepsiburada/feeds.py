"""Hepsiburada's status feeds: what happened to packages after packing, reported without the packages.

- ``/packages/…/shipped|undelivered|delivered``: thin PascalCase items, ``offset``/``limit`` ≤ 50, the last
  month; any date is refused ("WrongDateFormat", OVL), so none is sent.
- ``/packages/…/status/unpacked``: packages HB unpacked (their lines are open again), paged like
  ``/packages`` (capital ``Offset``, ``limit`` ≤ 10) over ``timespan`` hours (SPEC).
- ``/orders/…/cancelled``: cancelled lines of the last month, no dates either.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

from packstation.domain.marketplace import Marketplace
from packstation.domain.status import PackageStatus
from packstation.services.marketplaces.errors import MalformedReply, NotFound
from packstation.services.marketplaces.hepsiburada.config import PACKAGES_PAGE_MAX, HepsiburadaConfig
from packstation.services.marketplaces.hepsiburada.parser import (
    cancelled_item,
    envelope_items,
    status_item,
    unpacked_item,
    unpacked_page,
)
from packstation.services.marketplaces.models import StatusReport
from packstation.services.marketplaces.transport import Reply, parse_json

log = logging.getLogger("packstation.services.marketplaces.hepsiburada.client")
_HB = Marketplace.HEPSIBURADA
#: The thin status feeds, in the order they are applied (a later one wins within one sync).
_STATUS_FEEDS = (
    ("shipped", PackageStatus.SHIPPED),
    ("undelivered", PackageStatus.UNDELIVERED),
    ("delivered", PackageStatus.DELIVERED),
)


class StatusFeeds:
    """Reads the feeds through ``call(method, path, **request)`` (the client's order host)."""

    def __init__(self, call: Callable[..., Reply], merchant: str, config: HepsiburadaConfig) -> None:
        self._call = call
        self._merchant = merchant
        self._config = config

    def status_reports(self) -> Iterator[StatusReport]:
        """Shipped, undelivered and delivered packages, then unpacked packages, then cancelled lines."""
        for feed, status in _STATUS_FEEDS:
            path = f"/packages/merchantid/{self._merchant}/{feed}"
            for item in self._envelope_pages(path):
                try:
                    yield status_item(item, status, endpoint=path)
                except MalformedReply as error:
                    log.error("status report set aside endpoint=%s error=%s", path, error)
        yield from self.unpacked()
        yield from self.cancelled()

    def unpacked(self) -> Iterator[StatusReport]:
        """Packages unpacked in the last ``packages_timespan_hours`` (SPEC: capital ``Offset``, limit ≤ 10).

        A 404 (a host that serves no such feed) is read as no unpacks and logged: the feed only refines how
        lines that come back are keyed, and must not stop the account's intake.
        """
        path = f"/packages/merchantid/{self._merchant}/status/unpacked"
        limit, offset = PACKAGES_PAGE_MAX, 0
        while True:
            params = {"timespan": self._config.packages_timespan_hours, "limit": limit, "Offset": offset}
            try:
                reply = self._call("GET", path, params=params)
            except NotFound as error:
                log.warning("unpacked feed not served endpoint=%s error=%s", path, error)
                return
            items, total = unpacked_page(parse_json(reply.content, marketplace=_HB, endpoint=path), endpoint=path)
            for item in items:
                try:
                    yield unpacked_item(item, endpoint=path)
                except MalformedReply as error:
                    log.error("status report set aside endpoint=%s error=%s", path, error)
            offset += len(items)
            if len(items) < limit or (total is not None and offset >= total):
                return

    def cancelled(self) -> Iterator[StatusReport]:
        """Cancelled lines of the last month (no dates: they are refused)."""
        path = f"/orders/merchantid/{self._merchant}/cancelled"
        for item in self._envelope_pages(path):
            try:
                yield cancelled_item(item, endpoint=path)
            except MalformedReply as error:
                log.error("status report set aside endpoint=%s error=%s", path, error)

    def _envelope_pages(self, path: str) -> Iterator[Any]:
        limit, offset = self._config.status_page_size, 0
        while True:
            reply = self._call("GET", path, params={"offset": offset, "limit": limit})
            items, total = envelope_items(parse_json(reply.content, marketplace=_HB, endpoint=path), endpoint=path)
            yield from items
            offset += len(items)
            if not items or total is None or offset >= total:
                return

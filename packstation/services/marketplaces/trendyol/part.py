"""Shared state of the Trendyol client's parts (the client composes them; see ``client.py``)."""

from __future__ import annotations

from typing import Any

from packstation.domain.marketplace import Marketplace
from packstation.services.marketplaces.transport import Reply, Transport, parse_json
from packstation.services.marketplaces.trendyol.config import TrendyolConfig


class TrendyolPart:
    """What every part of the client reads: its config, seller id and HTTP transport (set by the client)."""

    marketplace = Marketplace.TRENDYOL
    config: TrendyolConfig
    _seller: str
    _http: Transport

    def _json(self, reply: Reply, path: str) -> Any:
        return parse_json(reply.content, marketplace=self.marketplace, endpoint=path)

    def _key_header(self, business_key: str) -> dict[str, str]:
        header = self.config.idempotency_header
        return {header: business_key} if header and business_key else {}

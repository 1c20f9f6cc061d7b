"""Typed errors raised by the marketplace clients.

Every error keeps the marketplace's own message (often Turkish) so a supervisor can read what the
marketplace said, next to our translated explanation. Nothing here ever holds a credential: the
messages are built from status codes, paths and response bodies only.
"""

from __future__ import annotations

from packstation.domain.marketplace import Marketplace
from packstation.i18n import _


class MarketplaceError(Exception):
    """Base of every marketplace failure; ``str()`` is a message fit for the user."""

    #: Whether waiting and calling again may succeed (the sync scheduler uses it to decide on backoff).
    transient: bool = False

    def __init__(
        self,
        message: str,
        *,
        marketplace: Marketplace,
        status: int | None = None,
        marketplace_message: str = "",
        error_key: str = "",
        endpoint: str = "",
    ) -> None:
        self.message = message
        self.marketplace = marketplace
        self.status = status
        self.marketplace_message = marketplace_message
        self.error_key = error_key
        self.endpoint = endpoint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        text = self.message
        if self.marketplace_message:
            text = f"{text}: {self.marketplace_message}"
        return text


class AuthError(MarketplaceError):
    """401/403: wrong API key or secret, or a User-Agent the marketplace does not accept."""


class RateLimited(MarketplaceError):
    """429 that did not clear within the retry budget."""

    transient = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: object) -> None:
        self.retry_after = retry_after
        super().__init__(message, **kwargs)  # type: ignore[arg-type]


class ServerError(MarketplaceError):
    """5xx or 556 that did not clear within the retry budget."""

    transient = True


class Unreachable(MarketplaceError):
    """Timeouts and connection failures that did not clear within the retry budget."""

    transient = True


class Unverified(MarketplaceError):
    """A write's earlier attempt could not be checked (the look-up failed): retry later, never fail."""

    transient = True


class NotFound(MarketplaceError):
    """404: the package, label or batch does not exist (or no longer exists)."""


class Rejected(MarketplaceError):
    """4xx refusal of a request: the marketplace's message says why. Never retried."""


class DuplicateRequest(Rejected):
    """Trendyol refuses a byte-identical stock/price body sent again within 15 minutes."""


class EndpointRetired(Rejected):
    """426 (or 410): the endpoint is being switched off; point the client at the newer path."""


class MalformedReply(MarketplaceError):
    """A reply we cannot trust: bad JSON, or a package with a missing or invalid field."""

    def __init__(self, message: str, *, package_id: str = "", field: str = "", **kwargs: object) -> None:
        self.package_id = package_id
        self.field = field
        super().__init__(message, **kwargs)  # type: ignore[arg-type]


class Unsupported(MarketplaceError):
    """The marketplace has no API for this operation (e.g. N11 invoice status over REST)."""


def malformed_package(
    marketplace: Marketplace, package_id: str, field: str, problem: str, *, endpoint: str = ""
) -> MalformedReply:
    """Build the error for one bad package: it names the package and the field."""
    message = _("{marketplace} sent an invalid package {package}: field '{field}' {problem}").format(
        marketplace=marketplace.display_name, package=package_id or "?", field=field, problem=problem
    )
    return MalformedReply(message, marketplace=marketplace, package_id=package_id, field=field, endpoint=endpoint)

"""Marketplace credentials. Secrets are excluded from ``repr`` so a logged object never leaks them.

The composition root reads the secrets from the OS keyring and builds these; nothing here stores them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from packstation.i18n import N_

#: Which secrets each marketplace needs, by key name in the keyring (the clients, the doctor, the
#: log redaction and the set-up wizard all read this one list).
REQUIRED_SECRETS: dict[str, tuple[str, ...]] = {
    "trendyol": ("api_key", "api_secret"),
    "hepsiburada": ("merchant_id", "service_key", "user_agent"),
    "n11": ("app_key", "app_secret"),
}

#: What each secret is called in words, the way the marketplace's own seller panel names it
#: (English source text: translate with ``_`` where it is shown).
SECRET_LABELS: dict[str, dict[str, str]] = {
    "trendyol": {"api_key": N_("API key"), "api_secret": N_("API secret")},
    # Hepsiburada's User-Agent carries the integrator name it registered the integration under.
    "hepsiburada": {
        "merchant_id": N_("Merchant id"),
        "service_key": N_("Service key"),
        "user_agent": N_("Integrator name"),
    },
    "n11": {"app_key": N_("App key"), "app_secret": N_("App secret")},
}

_INTEGRATOR = re.compile(r"[A-Za-z0-9]{1,30}")


@dataclass(frozen=True)
class TrendyolCredentials:
    """Trendyol seller API access: Basic ``api_key:api_secret`` plus the seller id in the User-Agent."""

    seller_id: str
    api_key: str = field(repr=False)
    api_secret: str = field(repr=False)
    #: The name after the seller id in the User-Agent; "SelfIntegration" for in-house software.
    integrator: str = "SelfIntegration"

    def __post_init__(self) -> None:
        if not self.seller_id.isdigit():
            raise ValueError(f"Trendyol seller id must be digits, got {self.seller_id!r}")
        if not self.api_key or not self.api_secret:
            raise ValueError("Trendyol API key and secret must not be empty")
        if not _INTEGRATOR.fullmatch(self.integrator):
            raise ValueError(f"integrator name must be 1-30 letters or digits, got {self.integrator!r}")

    @property
    def user_agent(self) -> str:
        """The User-Agent Trendyol requires (a request without it gets 403)."""
        return f"{self.seller_id} - {self.integrator}"


@dataclass(frozen=True)
class HepsiburadaCredentials:
    """Hepsiburada access: Basic ``merchant_id:service_key``; User-Agent is the integrator username."""

    merchant_id: str
    service_key: str = field(repr=False)
    #: Exactly the developer username registered in the merchant panel (anything else gives 401).
    user_agent: str = ""

    def __post_init__(self) -> None:
        if not self.merchant_id or not self.service_key:
            raise ValueError("Hepsiburada merchant id and service key must not be empty")
        if not self.user_agent:
            raise ValueError("Hepsiburada needs the integrator username as User-Agent")


@dataclass(frozen=True)
class N11Credentials:
    """N11 access: ``appkey`` and ``appsecret`` headers on every request."""

    app_key: str = field(repr=False)
    app_secret: str = field(repr=False)
    #: Free-text integrator name N11 wants on product tasks; keep it the same every time.
    integrator: str = "PackStation"

    def __post_init__(self) -> None:
        if not self.app_key or not self.app_secret:
            raise ValueError("N11 app key and app secret must not be empty")

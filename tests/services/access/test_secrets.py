import logging

import pytest

from packstation.services.access.secrets import (
    RedactingFilter,
    SecretError,
    SecretStore,
    keyring_status,
    secret_env_var,
)


def test_env_var_name() -> None:
    assert secret_env_var("gullu-trendyol", "api_key") == "PACKSTATION_SECRET_GULLU_TRENDYOL_API_KEY"
    assert secret_env_var("a.b c", "x-y") == "PACKSTATION_SECRET_A_B_C_X_Y"


def test_environment_secret_is_read() -> None:
    store = SecretStore(environ={"PACKSTATION_SECRET_GULLU_TRENDYOL_API_KEY": "k-123"})
    assert store.get("gullu-trendyol", "api_key") == "k-123"
    assert store.get("gullu-trendyol", "api_secret") is None


def test_missing_secret_says_where_to_set_it() -> None:
    with pytest.raises(SecretError, match="PACKSTATION_SECRET_SHOP_API_SECRET"):
        SecretStore(environ={}).require("shop", "api_secret")


def test_no_secure_keyring_is_refused_not_downgraded() -> None:
    # conftest selects the 'fail' backend, as on a headless machine without a keyring.
    status = keyring_status()
    assert not status.usable
    assert "PACKSTATION_SECRET_" in status.reason
    with pytest.raises(SecretError, match="no secure keyring"):
        SecretStore(environ={}).set("shop", "api_key", "value")


def test_plaintext_keyring_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backend import KeyringBackend

    # The class keyrings.alt installs, which writes base64 "secrets" to a file in the home folder.
    class PlaintextKeyring(KeyringBackend):
        priority = 0.5  # type: ignore[assignment]

        def get_password(self, service: str, username: str) -> str | None:
            return None

        def set_password(self, service: str, username: str, password: str) -> None:
            raise AssertionError("must never be called")

        def delete_password(self, service: str, username: str) -> None:
            return None

    PlaintextKeyring.__module__ = "keyrings.alt.file"
    monkeypatch.setattr(keyring, "get_keyring", PlaintextKeyring)
    assert not keyring_status().usable
    with pytest.raises(SecretError):
        SecretStore(environ={}).set("shop", "api_key", "value")


def test_redacting_filter_masks_secrets(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("packstation.test.redact")
    redactor = RedactingFilter(["s3cr3t-value"])
    logger.addFilter(redactor)
    try:
        with caplog.at_level(logging.INFO, logger="packstation.test.redact"):
            logger.info("calling api with key=%s", "s3cr3t-value")
        assert "s3cr3t-value" not in caplog.text
        assert "key=***" in caplog.text
    finally:
        logger.removeFilter(redactor)


def test_redacting_filter_masks_secrets_in_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("packstation.test.redact_tb")
    redactor = RedactingFilter(["tb-s3cr3t-value"])
    logger.addFilter(redactor)
    try:
        with caplog.at_level(logging.INFO, logger="packstation.test.redact_tb"):
            try:
                raise RuntimeError("401 for request with key tb-s3cr3t-value")
            except RuntimeError:
                logger.exception("marketplace call failed")
        assert "tb-s3cr3t-value" not in caplog.text
        assert "401 for request with key ***" in caplog.text
    finally:
        logger.removeFilter(redactor)

"""Station settings: a typed model read from a TOML file and overridden by environment variables.

The TOML keys are part of the product's interface (deployments script them), so they stay stable.
Secrets never live here: see :mod:`packstation.services.access.secrets`.

Precedence, lowest first: model defaults, the TOML file, ``PACKSTATION_<SECTION>_<KEY>`` environment
variables (e.g. ``PACKSTATION_DATABASE_URL``, ``PACKSTATION_STATION_NAME``), command-line options.

Here: the whole model (:class:`Settings`), how it is loaded and how errors are worded. Each section's
model is in :mod:`packstation.config.sections`; import a section from there.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import Field, ValidationError, model_validator

from packstation.config.sections import (
    BoxSize,
    CameraSettings,
    DatabaseSettings,
    MarketplaceAccount,
    PrinterSettings,
    ScaleSettings,
    ScannerSettings,
    Section,
    SecuritySettings,
    StationSettings,
)
from packstation.devices.uri import DeviceUriError
from packstation.domain.boxes import BoxType

APP_NAME = "packstation"
ENV_PREFIX = "PACKSTATION_"


class ConfigError(Exception):
    """The configuration cannot be used; the message names the file, the key and the problem."""


class Settings(Section):
    """All station settings."""

    database: DatabaseSettings = DatabaseSettings()
    station: StationSettings = StationSettings()
    printer: PrinterSettings = PrinterSettings()
    scanner: ScannerSettings = ScannerSettings()
    scale: ScaleSettings = ScaleSettings()
    camera: CameraSettings = CameraSettings()
    security: SecuritySettings = SecuritySettings()
    marketplaces: list[MarketplaceAccount] = Field(default_factory=list)
    boxes: list[BoxSize] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_accounts(self) -> Settings:
        seen: set[str] = set()
        for account in self.marketplaces:
            if account.name in seen:
                raise ValueError(f"marketplace account name {account.name!r} is used twice")
            seen.add(account.name)
        barcodes = [box.barcode.strip().casefold() for box in self.boxes]
        if len(set(barcodes)) != len(barcodes):
            raise ValueError("two [[boxes]] share one barcode")
        return self

    def box_types(self) -> tuple[BoxType, ...]:
        """The warehouse's box sizes."""
        return tuple(box.box_type() for box in self.boxes)

    def data_dir(self) -> Path:
        """The folder that holds the embedded database, journal and spool."""
        if self.station.data_dir is not None:
            return self.station.data_dir.expanduser()
        return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))

    def account(self, name: str) -> MarketplaceAccount:
        """The marketplace account called ``name``."""
        for account in self.marketplaces:
            if account.name == name:
                return account
        raise ConfigError(f"no marketplace account named {name!r} in the configuration")


def default_config_path() -> Path:
    """The platform's config location (e.g. ``~/.config/packstation/config.toml``)."""
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def _env_overrides(environ: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Map ``PACKSTATION_<SECTION>_<KEY>`` variables onto the scalar keys of each section."""
    overrides: dict[str, dict[str, str]] = {}
    for section_name, field_info in Settings.model_fields.items():
        section_type = field_info.annotation
        if not (isinstance(section_type, type) and issubclass(section_type, Section)):
            continue
        for key in section_type.model_fields:
            env_name = f"{ENV_PREFIX}{section_name}_{key}".upper()
            if env_name in environ:
                overrides.setdefault(section_name, {})[key] = environ[env_name]
    return overrides


def _describe_location(loc: tuple[Any, ...], data: Mapping[str, Any]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int) and parts and parts[-1] == "marketplaces":
            # Name the account, not just its position, when it has a name.
            entries = data.get("marketplaces", [])
            name = entries[item].get("name") if item < len(entries) and isinstance(entries[item], dict) else None
            parts[-1] = f"marketplaces[{item}]" + (f" ({name})" if name else "")
        else:
            parts.append(str(item))
    return ".".join(parts)


def _friendly_error(source: str, exc: ValidationError, data: Mapping[str, Any]) -> ConfigError:
    lines = []
    for error in exc.errors():
        key = _describe_location(error["loc"], data) or "(top level)"
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = "unknown key"
        message = message.removeprefix("Value error, ")
        lines.append(f"{source}: {key}: {message}")
    return ConfigError("\n".join(lines))


def load_settings(
    path: Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> Settings:
    """Read settings from ``path`` (default location when None), the environment and ``overrides``.

    A missing file at the default location means "all defaults"; a missing file that was named
    explicitly is an error.
    """
    environ = os.environ if environ is None else environ
    explicit = path is not None or f"{ENV_PREFIX}CONFIG" in environ
    if path is None:
        path = Path(environ[f"{ENV_PREFIX}CONFIG"]) if f"{ENV_PREFIX}CONFIG" in environ else default_config_path()
    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot be read: {exc}") from exc
    elif explicit:
        raise ConfigError(f"{path}: no such configuration file")

    merged: dict[str, Any] = {key: (dict(value) if isinstance(value, dict) else value) for key, value in data.items()}
    for layer, source in ((_env_overrides(environ), "environment"), (overrides or {}, "command line")):
        for section, values in layer.items():
            target = merged.setdefault(section, {})
            if not isinstance(target, dict):
                raise ConfigError(f"{source}: [{section}] is not a table")
            target.update(values)
    try:
        return Settings.model_validate(merged)
    except ValidationError as exc:
        raise _friendly_error(str(path), exc, merged) from None
    except DeviceUriError as exc:  # pragma: no cover - pydantic wraps ValueErrors; kept for safety
        raise ConfigError(f"{path}: {exc}") from None


def config_reference_markdown() -> str:
    """The configuration reference, generated from the model (the README embeds it)."""
    out = ["| key | default | environment variable | meaning |", "|---|---|---|---|"]
    for section_name, field_info in Settings.model_fields.items():
        section_type = field_info.annotation
        if isinstance(section_type, type) and issubclass(section_type, Section):
            for key, info in section_type.model_fields.items():
                default = "" if info.default is None else f"`{info.default}`"
                env = f"`{ENV_PREFIX}{section_name}_{key}`".upper()
                out.append(f"| `[{section_name}] {key}` | {default} | {env} | {info.description or ''} |")
    for key, info in MarketplaceAccount.model_fields.items():
        default = "" if info.is_required() else f"`{info.default}`"
        out.append(f"| `[[marketplaces]] {key}` | {default} | | {info.description or ''} |")
    for key, info in BoxSize.model_fields.items():
        out.append(f"| `[[boxes]] {key}` |  | | {info.description or ''} |")
    return "\n".join(out)

"""A configured API secret never reaches the logs, the database or the config folder."""

from __future__ import annotations

import logging
import subprocess
import uuid
from pathlib import Path

from sqlalchemy.engine import make_url

from packstation.config import load_settings
from packstation.db.local_server import postgres_bin_dir
from packstation.logging_setup import configure_logging
from packstation.services.access.audit import AuditAction
from packstation.services.access.auth import install_secret_redactions
from packstation.services.access.secrets import SecretStore

from .conftest import Stack, run_cli

CONFIG = """
[station]
name = "station-7"
[[marketplaces]]
name = "gullu-trendyol"
kind = "trendyol"
base_url = "http://127.0.0.1:9"
seller_id = "123456"
client = "Güllü Ayakkabı"
"""


def test_a_configured_secret_appears_in_no_log_dump_or_config_file(tmp_path: Path, db_url: str, stack: Stack) -> None:
    api_key = f"key-{uuid.uuid4().hex}"
    api_secret = f"secret-{uuid.uuid4().hex}"
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    config = config_dir / "config.toml"
    config.write_text(CONFIG, encoding="utf-8")
    env = {
        "PACKSTATION_DATABASE_URL": db_url,
        "PACKSTATION_SECRET_GULLU_TRENDYOL_API_KEY": api_key,
        "PACKSTATION_SECRET_GULLU_TRENDYOL_API_SECRET": api_secret,
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }

    # The command line at debug level, doing work that reads the secrets and writes the database.
    outputs = [
        run_cli("--config", str(config), "-v", "doctor", env=env),
        run_cli("--config", str(config), "-v", "config", "check", env=env),
        run_cli(
            "--config",
            str(config),
            "-v",
            "user",
            "add",
            "ayse",
            "--role",
            "packer",
            "--password-stdin",
            stdin="Gizli-Parola-1\n",
            env=env,
        ),
        run_cli("--config", str(config), "-v", "audit", "verify", env=env),
    ]
    assert outputs[2].returncode == 0, outputs[2].stderr
    assert "DEBUG" in outputs[0].stderr, "the doctor run should have logged at debug level"

    # The station's log file, with a careless log call that passes the secret itself.
    settings = load_settings(config, environ=env)
    log_dir = tmp_path / "logs"
    redactor = configure_logging(level=logging.DEBUG, log_dir=log_dir)
    try:
        assert install_secret_redactions(redactor, settings, SecretStore(environ=env)) == 2
        logging.getLogger("packstation.services.marketplaces.trendyol.client").error(
            "request failed account=%s auth=%s:%s", "gullu-trendyol", api_key, api_secret
        )
        logging.getLogger("packstation.services.marketplaces.trendyol.client").warning(f"retrying with {api_secret}")
        stack.audit.record(AuditAction.SETTINGS_CHANGED, subject="marketplaces.gullu-trendyol")
    finally:
        for handler in logging.getLogger().handlers:
            handler.flush()
        configure_logging(level=logging.WARNING)
    log_text = "".join(p.read_text(encoding="utf-8") for p in log_dir.iterdir())
    assert "request failed account=gullu-trendyol auth=***:***" in log_text, log_text

    url = make_url(db_url)
    dump = subprocess.run(
        [
            str(postgres_bin_dir() / "pg_dump"),
            "-h",
            str(url.host),
            "-p",
            str(url.port),
            "-U",
            "postgres",
            str(url.database),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert "CREATE TABLE public.audit_log" in dump and "ayse" in dump

    config_text = "".join(p.read_text(encoding="utf-8") for p in config_dir.rglob("*") if p.is_file())
    everything = {
        "command output": "".join(o.stdout + o.stderr for o in outputs),
        "log file": log_text,
        "database dump": dump,
        "config folder": config_text,
    }
    for where, content in everything.items():
        assert api_secret not in content, f"the API secret leaked into the {where}"
        assert api_key not in content, f"the API key leaked into the {where}"

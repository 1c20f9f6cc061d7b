"""The command line, run as a user runs it: a subprocess with arguments, stdin and environment."""

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from packstation.db.engine import create_db_engine
from packstation.db.local_server import LocalPostgres


def run(
    *args: str, stdin: str = "", env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 90
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PACKSTATION_")}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "packstation", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=timeout,
        cwd=cwd,
    )


def test_help_documents_the_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    for word in ["demo", "db upgrade", "doctor", "user add", "secret set", "PACKSTATION_DATABASE_URL"]:
        assert word in result.stdout


def test_db_upgrade_uses_the_environment_url_and_is_idempotent(empty_db_url: str, tmp_path: Path) -> None:
    env = {"PACKSTATION_DATABASE_URL": empty_db_url, "PACKSTATION_STATION_DATA_DIR": str(tmp_path / "data")}
    first = run("db", "upgrade", env=env)
    assert first.returncode == 0, first.stderr
    assert "upgraded from empty to" in first.stdout
    assert "127.0.0.1" in first.stdout
    second = run("db", "upgrade", env=env)
    assert second.returncode == 0, second.stderr
    assert "up to date" in second.stdout
    assert not (tmp_path / "data" / "pgdata").exists(), "the embedded server must not start"


def test_doctor_with_the_database_stopped_explains_and_exits_1(tmp_path: Path) -> None:
    server = LocalPostgres(tmp_path / "pg")
    server.init()
    server.start()
    url = server.url()
    server.stop("immediate")
    try:
        result = run(
            "doctor",
            env={
                "PACKSTATION_DATABASE_URL": url,
                "PACKSTATION_DATABASE_CONNECT_TIMEOUT_S": "2",
                "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            },
        )
    finally:
        server.destroy()
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "FAIL  database" in result.stdout
    assert "cannot connect" in result.stdout
    assert "check(s) failed" in result.stdout


def test_doctor_passes_on_a_healthy_station(db_url: str, tmp_path: Path) -> None:
    result = run(
        "doctor",
        env={
            "PACKSTATION_DATABASE_URL": db_url,
            "PACKSTATION_PRINTER_URI": f"file://{tmp_path}",
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK    database" in result.stdout
    assert "OK    schema" in result.stdout
    assert "OK    printer" in result.stdout


def test_doctor_fails_a_marketplace_account_without_secrets(db_url: str, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        "[[marketplaces]]\nname = 'gullu-trendyol'\nkind = 'trendyol'\nbase_url = 'http://127.0.0.1:9'\n"
        "seller_id = '1'\nclient = 'Güllü Ayakkabı'\n",
        encoding="utf-8",
    )
    result = run(
        "--config",
        str(config),
        "doctor",
        env={"PACKSTATION_DATABASE_URL": db_url, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
    )
    assert result.returncode == 1
    assert "PACKSTATION_SECRET_GULLU_TRENDYOL_API_KEY" in result.stdout


def test_user_add_reads_password_from_stdin(db_url: str) -> None:
    env = {"PACKSTATION_DATABASE_URL": db_url}
    result = run("user", "add", "ayse", "--role", "packer", "--password-stdin", stdin="Gizli-Parola-1\n", env=env)
    assert result.returncode == 0, result.stderr
    engine = create_db_engine(db_url)
    with engine.connect() as connection:
        role, password_hash = connection.execute(
            text("SELECT role, password_hash FROM users WHERE username = 'ayse'")
        ).one()
    engine.dispose()
    assert role == "packer"
    assert password_hash.startswith("$argon2id$")
    assert "Gizli-Parola-1" not in password_hash
    again = run("user", "add", "ayse", "--role", "packer", "--password-stdin", stdin="Gizli-Parola-1\n", env=env)
    assert again.returncode == 1
    assert "already exists" in again.stderr


def test_bad_config_gets_a_clear_message(tmp_path: Path) -> None:
    config = tmp_path / "station.toml"
    config.write_text("[printer]\nuri = 'lpr://x'\ncolor = 1\n", encoding="utf-8")
    result = run("--config", str(config), "doctor")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert f"{config}: printer.uri: unsupported scheme 'lpr'" in result.stderr
    assert f"{config}: printer.color: unknown key" in result.stderr


def test_secret_set_without_a_keyring_points_to_environment() -> None:
    result = run(
        "secret",
        "set",
        "gullu-trendyol",
        "api_key",
        stdin="abc123\n",
        env={"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
    )
    assert result.returncode == 1
    assert "PACKSTATION_SECRET_" in result.stderr
    assert "abc123" not in result.stderr + result.stdout

from pathlib import Path

import pytest

from packstation.config import ConfigError, config_reference_markdown, load_settings
from packstation.domain.marketplace import Marketplace
from tests.support import REPO_ROOT

EXAMPLE = """
[database]
url = "postgresql+psycopg2://user@host:5432/packstation"
[station]
name = "station-1"
[printer]
uri = "tcp://10.0.0.31:9100"
dpi = 203
[scanner]
uri = "keyboard"
[[marketplaces]]
name = "gullu-trendyol"
kind = "trendyol"
base_url = "https://apigw.trendyol.com/integration"
seller_id = "123456"
client = "Güllü Ayakkabı"
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_documented_example_loads(config_file: Path) -> None:
    settings = load_settings(write(config_file, EXAMPLE), environ={})
    assert settings.database.url == "postgresql+psycopg2://user@host:5432/packstation"
    assert settings.printer.uri == "tcp://10.0.0.31:9100"
    account = settings.account("gullu-trendyol")
    assert account.kind is Marketplace.TRENDYOL
    assert account.client == "Güllü Ayakkabı"
    assert account.seller_id == "123456"


def test_defaults_without_a_file(tmp_path: Path) -> None:
    settings = load_settings(environ={"PACKSTATION_CONFIG_UNUSED": "1", "XDG_CONFIG_HOME": str(tmp_path)})
    assert settings.database.url is None  # embedded
    assert settings.scanner.uri == "keyboard"
    assert settings.marketplaces == []


def test_environment_overrides_the_file(config_file: Path) -> None:
    settings = load_settings(
        write(config_file, EXAMPLE),
        environ={
            "PACKSTATION_DATABASE_URL": "postgresql://other@db2/ps",
            "PACKSTATION_STATION_NAME": "st-9",
            "PACKSTATION_PRINTER_DPI": "300",
        },
    )
    assert settings.database.url == "postgresql://other@db2/ps"
    assert settings.station.name == "st-9"
    assert settings.printer.dpi == 300


def test_command_line_overrides_environment(config_file: Path) -> None:
    settings = load_settings(
        write(config_file, EXAMPLE),
        environ={"PACKSTATION_STATION_NAME": "from-env"},
        overrides={"station": {"name": "from-cli"}},
    )
    assert settings.station.name == "from-cli"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[printer]\nuri = 'tcp://p:9100'\ncolour = 'red'\n", "printer.colour: unknown key"),
        ("[printer]\ndpi = 'high'\n", "printer.dpi:"),
        ("[printer]\ndpi = 600\n", "printer.dpi: must be 203 or 300"),
        ("[printer]\nuri = 'lpr://queue'\n", "printer.uri: unsupported scheme 'lpr'"),
        ("[scanner]\nuri = 'serial://'\n", "scanner.uri:"),
        ("[database]\nurl = 'mysql://x@y/z'\n", "database.url: must be a PostgreSQL URL"),
        ("[stations]\nname = 'x'\n", "stations: unknown key"),
        (
            "[[marketplaces]]\nname='Bad Name'\nkind='trendyol'\nbase_url='https://x'\nseller_id='1'\nclient='c'\n",
            "marketplaces[0] (Bad Name).name: must be lower-case",
        ),
        (
            "[[marketplaces]]\nname='a'\nkind='amazon'\nbase_url='https://x'\nseller_id='1'\nclient='c'\n",
            "marketplaces[0] (a).kind:",
        ),
    ],
)
def test_bad_config_names_file_key_and_problem(config_file: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(config_file, text), environ={})
    message = str(caught.value)
    assert str(config_file) in message
    assert expected in message


def test_duplicate_account_names_rejected(config_file: Path) -> None:
    account = "[[marketplaces]]\nname='a'\nkind='n11'\nbase_url='https://x'\nseller_id='1'\nclient='c'\n"
    with pytest.raises(ConfigError, match=r"'a' is used twice"):
        load_settings(write(config_file, account + account), environ={})


def test_invalid_toml_and_missing_explicit_file(config_file: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(write(config_file, "[printer\n"), environ={})
    with pytest.raises(ConfigError, match="no such configuration file"):
        load_settings(tmp_path / "missing.toml", environ={})


def test_bad_environment_value_is_reported(config_file: Path) -> None:
    with pytest.raises(ConfigError, match=r"printer.dpi"):
        load_settings(write(config_file, EXAMPLE), environ={"PACKSTATION_PRINTER_DPI": "abc"})


def test_reference_lists_every_key() -> None:
    reference = config_reference_markdown()
    for key in [
        "[database] url",
        "PACKSTATION_DATABASE_URL",
        "[printer] uri",
        "[scanner] uri",
        "[station] name",
        "[[marketplaces]] client",
    ]:
        assert key in reference


def test_readme_embeds_current_reference() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert config_reference_markdown() in readme, (
        "README's configuration reference is stale: run `./dev run config reference` and paste it into README.md"
    )

"""Product pictures: fetched over real HTTP once, then served from disk; junk refused."""

from pathlib import Path

import pytest
from PIL import Image
from pytest_httpserver import HTTPServer

from packstation.services.packing.images import ImageCache


def _png() -> bytes:
    import io

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()


@pytest.fixture
def server(httpserver: HTTPServer) -> HTTPServer:
    """A picture, a web page and a missing file, over real HTTP on loopback."""
    httpserver.expect_request("/shoe.png").respond_with_data(PNG, content_type="image/png")
    httpserver.expect_request("/page.html").respond_with_data(b"<html></html>", content_type="text/html")
    httpserver.expect_request("/missing.png").respond_with_data(b"", status=404)
    return httpserver


def hits(server: HTTPServer) -> list[str]:
    """The paths asked for, in order."""
    return [request.path for request, _response in server.log]


def test_downloads_once_then_serves_from_disk(server: HTTPServer, tmp_path: Path) -> None:
    cache = ImageCache(tmp_path)
    first = cache.get(server.url_for("/shoe.png"))
    second = ImageCache(tmp_path).get(server.url_for("/shoe.png"))
    assert first is not None and first == second and first.read_bytes() == PNG
    assert hits(server) == ["/shoe.png"]


def test_refuses_what_is_not_a_picture_and_remembers_failures(server: HTTPServer, tmp_path: Path) -> None:
    cache = ImageCache(tmp_path)
    assert cache.get(server.url_for("/page.html")) is None
    assert cache.get(server.url_for("/missing.png")) is None
    assert cache.get(server.url_for("/missing.png")) is None  # not asked again right away
    assert hits(server) == ["/page.html", "/missing.png"]
    assert cache.get("file:///etc/passwd") is None
    assert cache.get("") is None
    assert not list(tmp_path.glob("*.img"))

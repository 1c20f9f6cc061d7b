"""Product pictures: fetched over real HTTP once, then served from disk; junk refused."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest
from PIL import Image

from packstation.services.packing.images import ImageCache


def _png() -> bytes:
    import io

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()


class Handler(BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Handler.hits.append(self.path)
        if self.path == "/shoe.png":
            body, kind = PNG, "image/png"
        elif self.path == "/page.html":
            body, kind = b"<html></html>", "text/html"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_downloads_once_then_serves_from_disk(server: str, tmp_path: Path) -> None:
    Handler.hits.clear()
    cache = ImageCache(tmp_path)
    first = cache.get(f"{server}/shoe.png")
    second = ImageCache(tmp_path).get(f"{server}/shoe.png")
    assert first is not None and first == second and first.read_bytes() == PNG
    assert Handler.hits == ["/shoe.png"]


def test_refuses_what_is_not_a_picture_and_remembers_failures(server: str, tmp_path: Path) -> None:
    Handler.hits.clear()
    cache = ImageCache(tmp_path)
    assert cache.get(f"{server}/page.html") is None
    assert cache.get(f"{server}/missing.png") is None
    assert cache.get(f"{server}/missing.png") is None  # not asked again right away
    assert Handler.hits == ["/page.html", "/missing.png"]
    assert cache.get("file:///etc/passwd") is None
    assert cache.get("") is None
    assert not list(tmp_path.glob("*.img"))

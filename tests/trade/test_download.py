"""The resumable download against a local HTTP server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import io
import re
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from exportpilot.cli import data as data_cli
from exportpilot.trade.download import BACI_URL_TEMPLATE, DownloadError, baci_url, download, part_path


def _release_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as z:
        rows = "".join(f"2021,410,842,{10121 + n},{n}.5,1\n" for n in range(3000))
        z.writestr("BACI_HS17_Y2021_V209901.csv", "t,i,j,k,v,q\n" + rows)
    return buffer.getvalue()


class FileServer:
    """Serves one file with Range support; can drop the connection once, or ignore Range."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.cut_after: int | None = None  # drop the next response after this many bytes
        self.ignore_range = False
        self.requests: list[str | None] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                if not self.path.endswith(".zip"):
                    self.send_error(404)
                    return
                header = self.headers.get("Range")
                server.requests.append(header)
                start = 0
                match = re.fullmatch(r"bytes=(\d+)-", header or "")
                if match and not server.ignore_range:
                    start = int(match.group(1))
                    if start >= len(server.body):
                        self.send_response(416)
                        self.send_header("Content-Range", f"bytes */{len(server.body)}")
                        self.end_headers()
                        return
                    self.send_response(206)
                    self.send_header(
                        "Content-Range", f"bytes {start}-{len(server.body) - 1}/{len(server.body)}"
                    )
                else:
                    self.send_response(200)
                payload = server.body[start:]
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if server.cut_after is not None:
                    self.wfile.write(payload[: server.cut_after])
                    self.wfile.flush()
                    server.cut_after = None
                    self.close_connection = True
                    return
                self.wfile.write(payload)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def template(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/baci/BACI_{{hs}}_V{{release}}.zip"


@pytest.fixture
def server() -> Iterator[FileServer]:
    srv = FileServer(_release_zip())
    srv.thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


class TestDownload:
    def test_publisher_url(self) -> None:
        assert (
            baci_url("202401b", "hs17")
            == "https://www.cepii.fr/DATA_DOWNLOAD/baci/data/BACI_HS17_V202401b.zip"
        )
        assert "{hs}" in BACI_URL_TEMPLATE
        with pytest.raises(ValueError, match="HS revision"):
            baci_url("202401", "H17")

    def test_interrupted_then_resumed(self, server: FileServer, tmp_path: Path) -> None:
        url = baci_url("209901", "HS17", server.template)
        dest = tmp_path / "BACI_HS17_V209901.zip"
        server.cut_after = 10_000
        with pytest.raises(DownloadError, match="kept"):
            download(url, dest, retries=0)
        assert not dest.exists() and part_path(dest).stat().st_size == 10_000
        seen: list[tuple[int, int | None]] = []
        result = download(url, dest, retries=0, progress=lambda done, total: seen.append((done, total)))
        assert server.requests == [None, "bytes=10000-"]
        assert result.resumed_from == 10_000 and result.attempts == 1
        assert dest.read_bytes() == server.body and not part_path(dest).exists()
        assert seen[0] == (10_000, len(server.body)) and seen[-1] == (len(server.body), len(server.body))
        assert zipfile.ZipFile(dest).namelist() == ["BACI_HS17_Y2021_V209901.csv"]

    def test_retries_resume_within_one_call(self, server: FileServer, tmp_path: Path) -> None:
        server.cut_after = 5_000
        dest = tmp_path / "x.zip"
        result = download(baci_url("209901", "HS17", server.template), dest, retries=2, backoff=0.0)
        assert result.attempts == 2 and server.requests == [None, "bytes=5000-"]
        assert dest.read_bytes() == server.body

    def test_server_ignoring_range_restarts(self, server: FileServer, tmp_path: Path) -> None:
        dest = tmp_path / "x.zip"
        part_path(dest).write_bytes(b"stale bytes")
        server.ignore_range = True
        download(baci_url("209901", "HS17", server.template), dest, retries=0)
        assert dest.read_bytes() == server.body

    def test_missing_release_is_an_error(self, server: FileServer, tmp_path: Path) -> None:
        with pytest.raises(DownloadError, match="404"):
            download(
                server.template.replace(".zip", ".txt").format(hs="HS17", release="1"), tmp_path / "y.zip"
            )

    def test_cli_downloads_and_loads(
        self, server: FileServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from exportpilot.config import get_settings

        monkeypatch.setenv("EXPORTPILOT_VAR_DIR", str(tmp_path / "var"))
        get_settings.cache_clear()
        cli = typer.Typer()
        cli.add_typer(data_cli.app, name="data")
        try:
            result = CliRunner().invoke(
                cli,
                ["data", "download", "baci", "--release", "209901", "--hs", "HS17", "--load"],
                env={"EXPORTPILOT_BACI_URL_TEMPLATE": server.template},
            )
        finally:
            get_settings.cache_clear()
        assert result.exit_code == 0, result.output
        assert (tmp_path / "var" / "downloads" / "BACI_HS17_V209901.zip").read_bytes() == server.body
        assert (tmp_path / "var" / "warehouse" / "baci_hs17.parquet").is_file()

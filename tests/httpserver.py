"""A real HTTP file server on 127.0.0.1 for download tests: Range requests, and faults on demand.

It serves a folder the way a dumps mirror or a static web host does (200 with Content-Length, 206 for
`Range: bytes=N-`, 404), records every request, and can cut a transfer short or ignore Range.
"""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit


class FileServer:
    """Serves `root` at `self.url` until `stop()` (or the end of a `with` block).

    Attributes:
        requests: (path, Range header or None) per request, in order.
        cut_after: path -> bytes to send before dropping the connection, applied once per path.
        ignore_range: answer Range requests with the whole file, as some servers do.
    """

    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self.requests: list[tuple[str, str | None]] = []
        self.cut_after: dict[str, int] = {}
        self.ignore_range = False
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> FileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def file_requests(self, name: str) -> list[str | None]:
        """The Range headers of the requests for paths ending in `name`."""
        return [header for path, header in self.requests if path.endswith(name)]

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):
                path = unquote(urlsplit(self.path).path)
                header = self.headers.get("Range")
                server.requests.append((path, header))
                target = (server.root / path.lstrip("/")).resolve()
                if not target.is_relative_to(server.root) or not target.is_file():
                    self.send_error(404)
                    return
                data = target.read_bytes()
                start = 0
                if header and not server.ignore_range:
                    start = int(header.removeprefix("bytes=").split("-")[0])
                    if start >= len(data):
                        self.send_error(416)
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
                else:
                    self.send_response(200)
                body = data[start:]
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Accept-Ranges", "bytes")
                self.end_headers()
                cut = server.cut_after.pop(path, None)
                if cut is not None:
                    self.wfile.write(body[:cut])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body)

        return Handler

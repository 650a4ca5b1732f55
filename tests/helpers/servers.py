"""Serving a WSGI app over real HTTP on loopback, in a thread, for browsers and HTTP clients."""
from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import make_server


@contextmanager
def served_over_http(wsgi_app) -> Iterator[str]:
    """``http://127.0.0.1:PORT`` serving ``wsgi_app`` (threaded, like a server with many workers) until the block ends."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)

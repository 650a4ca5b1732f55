"""The app under test served over real HTTP on a free loopback port, as every HTTP benchmark needs it."""
from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import make_server


@contextmanager
def loopback_connection(wsgi_app, timeout: float = 30) -> Iterator[http.client.HTTPConnection]:
    """Serve ``wsgi_app`` (threaded, like the production server) and yield one keep-alive connection to it."""
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    connection = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=timeout)
    try:
        yield connection
    finally:
        connection.close()
        server.shutdown()
        thread.join(timeout=5)

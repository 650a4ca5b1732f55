"""WSGI entry point: `gunicorn wsgi:app`, and `flask --app wsgi ...` for the commands."""
import gc

from app.factory import create_app

app = create_app()
# Everything imported and built so far (some 200,000 objects: the libraries, the app) lives as long as
# the process. Frozen, the collector stops walking it: each full collection in a web worker was a
# pause of about 120 ms for every request queued behind it, every few thousand requests.
gc.freeze()

"""WSGI entry point: `gunicorn wsgi:app`, and `flask --app wsgi ...` for the commands."""
from app.factory import create_app

app = create_app()

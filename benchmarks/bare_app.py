"""The floor for benchmarks/load.py: a Flask app answering one small JSON document, nothing else.

Served by the same gunicorn with the same workers as the real app, so the ratio
between them is what our code costs on top of Flask, WSGI and HTTP.
"""
from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/bare")
def bare():
    return jsonify(ok=True, stage="first_time_visitor", blocks=[], popups=[], sliders=[])

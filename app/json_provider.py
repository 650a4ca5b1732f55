"""Flask's JSON answers encoded by orjson: the page-view endpoints' largest single cost after their one read.

The same answers as Flask's default provider, as JSON: keys sorted, dates as HTTP dates, Decimals and
UUIDs as strings, dataclasses as objects. Text is UTF-8 rather than \\u-escaped (equal JSON), and a
non-finite float is null (the standard library writes ``Infinity``, which is not JSON). What orjson
refuses (integers past 64 bits) goes out as before. ``dumps`` itself (the test client's request
bodies, anything else) stays the standard library's.
"""
from __future__ import annotations

import typing as t

import orjson
from flask.json.provider import DefaultJSONProvider

_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class OrjsonProvider(DefaultJSONProvider):
    def response(self, *args: t.Any, **kwargs: t.Any):
        if self._app.debug or self.compact is False:
            return super().response(*args, **kwargs)  # indented for reading
        obj = self._prepare_response_obj(args, kwargs)
        try:
            body = orjson.dumps(obj, default=self.default, option=_OPTIONS)
        except TypeError:
            return super().response(*args, **kwargs)
        return self._app.response_class(body + b"\n", mimetype=self.mimetype)

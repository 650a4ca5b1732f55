"""Flask's JSON answers encoded by orjson: the page-view endpoints' largest single cost after their one read.

The same output as Flask's default provider, as JSON: keys sorted, dates as HTTP dates, Decimals and
UUIDs as strings, dataclasses as objects. Text is UTF-8 rather than \\u-escaped (equal JSON). What
orjson refuses (integers past 64 bits) goes through the default provider as before.
"""
from __future__ import annotations

import typing as t

import orjson
from flask.json.provider import DefaultJSONProvider

_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class OrjsonProvider(DefaultJSONProvider):
    def dumps(self, obj: t.Any, **kwargs: t.Any) -> str:
        if kwargs:  # json.dumps options asked for by name: the standard library's
            return super().dumps(obj, **kwargs)
        try:
            return orjson.dumps(obj, default=self.default, option=_OPTIONS).decode()
        except TypeError:
            return super().dumps(obj)

    def response(self, *args: t.Any, **kwargs: t.Any):
        if self._app.debug or self.compact is False:
            return super().response(*args, **kwargs)  # indented for reading
        obj = self._prepare_response_obj(args, kwargs)
        return self._app.response_class(f"{self.dumps(obj)}\n", mimetype=self.mimetype)

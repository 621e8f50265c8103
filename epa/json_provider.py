"""JSON answers written by orjson: the same JSON as Flask's own provider (keys sorted; dates,
decimals, UUIDs, dataclasses and markup as Flask writes them), in a tenth of the time. A list
of fifty apprentices spent more on json.dumps than on reading them from the database.

Text is written as UTF-8 rather than \\u escapes: the same JSON to any reader.
"""

import orjson
from flask.json.provider import DefaultJSONProvider

# Types orjson would write its own way are handed to Flask's `default`, as json.dumps does.
_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class JSONProvider(DefaultJSONProvider):
    def dumps(self, obj, **kwargs) -> str:
        if kwargs.get("indent"):  # pretty output (debugging) stays with the standard library
            return super().dumps(obj, **kwargs)
        try:
            return orjson.dumps(obj, default=self.default, option=_OPTIONS).decode()
        except TypeError:
            # What orjson cannot hold (an integer beyond 64 bits, say): the standard library.
            return super().dumps(obj, **kwargs)

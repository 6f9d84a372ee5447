"""The API's JSON parser: every body it cannot read answers 400 `{"detail": …}`, never 500.

DRF's parser already turns a syntax error, invalid UTF-8 and NaN or Infinity (STRICT_JSON)
into a ParseError. This one adds what would otherwise escape as a server error: nesting deep
enough to exhaust the recursion limit (`[` × 100,000), nesting deeper than any body the API
reads (so no later step recurses through it) and lone surrogates (`"\\ud800"`), which are valid
JSON escapes but no character PostgreSQL can store."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

# No body the API reads nests more than a few levels; this leaves room and stays far below
# Python's recursion limit.
MAX_DEPTH = 32


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON parse error - nested more than {MAX_DEPTH} levels deep.") from None
        check_parsed(data)
        return data


def check_parsed(data) -> None:
    """Raise a ParseError for nesting deeper than MAX_DEPTH or a string that is not valid
    Unicode (a lone surrogate, in a key or a value). Walks without recursion."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            _check_text(value)
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise ParseError(f"JSON parse error - nested more than {MAX_DEPTH} levels deep.")
            items = value.items() if isinstance(value, dict) else ((None, item) for item in value)
            for key, item in items:
                if key is not None:
                    _check_text(key)
                pending.append((item, depth + 1))


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ParseError("JSON parse error - a string holds a lone surrogate, which is not a character.") from None

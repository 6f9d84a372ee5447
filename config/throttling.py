"""The API's throttles, telling the client where it stands on every response.

Each throttle that counts a request notes on it how many requests its window allows, how
many are left and in how many seconds the oldest one counted leaves the window; the
middleware `RateLimitHeaders` writes the tightest of those as the `RateLimit-Limit`,
`RateLimit-Remaining` and `RateLimit-Reset` headers (the IETF draft's names, as GitHub's
`X-RateLimit-*` say the same), on answers and refusals (429) alike. A response that no
throttle counted (a page, an exempt view) carries none.
"""

import math

from rest_framework import throttling


class ReportingThrottle(throttling.SimpleRateThrottle):
    """A SimpleRateThrottle that notes its state on the request (see the module)."""

    def allow_request(self, request, view):
        allowed = super().allow_request(request, view)
        if self.rate is None or getattr(self, "key", None) is None:
            return allowed
        history = getattr(self, "history", [])
        remaining = max(0, self.num_requests - len(history))
        reset = self.duration - (self.now - history[-1]) if history else self.duration
        state = (self.num_requests, remaining, max(0, math.ceil(reset)))
        raw = getattr(request, "_request", request)
        known = getattr(raw, "rate_limit", None)
        if known is None or (state[1], -state[2]) < (known[1], -known[2]):
            raw.rate_limit = state
        return allowed


class AnonRateThrottle(ReportingThrottle, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ReportingThrottle, throttling.UserRateThrottle):
    pass


class RateLimitHeaders:
    """Middleware: the throttles' tightest state as RateLimit-* headers (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        state = getattr(request, "rate_limit", None)
        if state is not None:
            limit, remaining, reset = state
            response["RateLimit-Limit"] = str(limit)
            response["RateLimit-Remaining"] = str(remaining)
            response["RateLimit-Reset"] = str(reset)
        return response

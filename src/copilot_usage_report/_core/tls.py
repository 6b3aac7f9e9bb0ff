"""The TLS trust of a run: one context, its certificates loaded once, for every client.

Loading the CA bundle takes about 25 ms; the API client and the storage client
share the context instead of each loading its own. Verification is never off:
the context is httpx's default one (certifi's bundle, hostname checks on).
"""

from __future__ import annotations

import ssl
from functools import cache

import httpx

__all__ = ["tls_context"]


@cache
def tls_context() -> ssl.SSLContext:
    """The process's one verifying TLS context, made on first use; ``SSLContext`` is thread-safe."""
    return httpx.create_ssl_context(trust_env=False)

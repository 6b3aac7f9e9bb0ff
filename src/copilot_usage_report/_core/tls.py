"""The TLS trust of a run: one context, its certificates loaded once, for every client.

The context is httpx's default one, made as ``httpx.create_ssl_context`` makes it
(``ssl.create_default_context`` on certifi's bundle: hostname checks on, verification never
off), so both clients share it instead of each loading its own. Loading the bundle is the
costliest step of a fetch's start (about 70 ms on a runner-sized machine) and releases the
GIL, so ``prepare_tls_context`` starts it on a thread while the fetch imports the rest.

Invariant: every caller of ``tls_context`` gets the same object, however many threads ask at
once; a caller that comes while the thread is still loading waits for it.
"""

from __future__ import annotations

import ssl
import threading

import certifi

__all__ = ["prepare_tls_context", "tls_context"]

_lock = threading.Lock()
_context: ssl.SSLContext | None = None


def tls_context() -> ssl.SSLContext:
    """The process's one verifying TLS context, made on first use; ``SSLContext`` is thread-safe."""
    global _context
    with _lock:
        if _context is None:
            _context = ssl.create_default_context(cafile=certifi.where())
        return _context


def prepare_tls_context() -> None:
    """Begin making the context on a daemon thread; ``tls_context`` waits for it if need be."""
    threading.Thread(target=tls_context, name="tls-context", daemon=True).start()

"""One TLS context serves every client of a run, and it always verifies."""

from __future__ import annotations

import ssl

from copilot_usage_report._core.tls import tls_context


def test_the_context_is_made_once_and_verifies_certificates_and_hostnames():
    context = tls_context()
    assert tls_context() is context
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname is True
    assert context.cert_store_stats()["x509_ca"] > 0  # a CA bundle is loaded


def test_both_clients_take_the_shared_context(monkeypatch):
    """The API client and the storage client are built on the one context, not their own."""
    from copilot_usage_report._github import api as _api
    from copilot_usage_report._transfer import download as _download

    used: list[ssl.SSLContext] = []

    def counted() -> ssl.SSLContext:
        used.append(tls_context())
        return used[-1]

    monkeypatch.setattr(_api, "tls_context", counted)
    monkeypatch.setattr(_download, "tls_context", counted)
    _api.make_api_client("https://api.github.com", "t", api_version="2026-03-10", user_agent="x")
    _download.make_storage_client()
    assert len(used) == 2 and used[0] is used[1]

"""One TLS context serves every client of a run, and it always verifies."""

from __future__ import annotations

import ssl
import threading
from typing import Any

import httpx
import pytest

from copilot_usage_report._core import tls
from copilot_usage_report._core.tls import prepare_tls_context, tls_context


def test_the_context_is_made_once_and_verifies_certificates_and_hostnames():
    context = tls_context()
    assert tls_context() is context
    assert context.verify_mode == ssl.CERT_REQUIRED
    assert context.check_hostname is True
    assert context.cert_store_stats()["x509_ca"] > 0  # a CA bundle is loaded


def test_the_context_trusts_what_httpx_s_default_trusts():
    """Made as httpx makes its default (certifi's bundle): the same CAs, the same checks."""
    ours, theirs = tls_context(), httpx.create_ssl_context(trust_env=False)
    assert ours.cert_store_stats() == theirs.cert_store_stats()
    assert sorted(c["serialNumber"] for c in ours.get_ca_certs()) == sorted(
        c["serialNumber"] for c in theirs.get_ca_certs()
    )
    assert (ours.verify_mode, ours.check_hostname, ours.minimum_version) == (
        theirs.verify_mode,
        theirs.check_hostname,
        theirs.minimum_version,
    )


@pytest.fixture
def fresh_context(monkeypatch):
    """No context made yet in this process, as at a fetch's start."""
    monkeypatch.setattr(tls, "_context", None)


def test_callers_racing_a_prepared_context_all_get_the_one_it_made(fresh_context, monkeypatch):
    """prepare_tls_context's thread and eight callers arriving at once: one context is made,
    and every caller (the thread's included) holds that one."""
    made: list[ssl.SSLContext] = []
    real = ssl.create_default_context

    def counting(**kwargs: Any) -> ssl.SSLContext:
        made.append(real(**kwargs))
        return made[-1]

    monkeypatch.setattr(ssl, "create_default_context", counting)
    prepare_tls_context()
    got: list[object] = []
    callers = [threading.Thread(target=lambda: got.append(tls_context())) for _ in range(8)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join()
    assert len(made) == 1
    assert len(got) == 8 and all(context is made[0] for context in got)


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

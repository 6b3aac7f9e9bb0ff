"""The dashboard in a real browser: headless Chromium loads index.html from disk, network off.

Where Chromium is not installed the tests skip with the package to install, and fail with
that line where ``CI`` is set (``.ci/run`` and the CI workflow install Debian's ``chromium``).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from copilot_usage_report.history import BuildResult, build
from copilot_usage_report.history._synthetic import write_archive

from ._archive import query
from ._browser import Node, load, parse, require_chromium, rows, screenshot


@pytest.fixture(scope="module", autouse=True)
def _chromium() -> None:
    """Before the module's page is loaded: Chromium is there, or the one line saying so."""
    require_chromium()


CHARTS = {
    "active-users",
    "acceptance-rate",
    "agent-adoption",
    "chat-per-user",
    "lines-added",
    "ide",
    "language",
    "model",
    "feature",
    "teams",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    root = tmp_path_factory.mktemp("history")
    write_archive(root / "archive", days=120, gaps=(10, 11, 50), users=25)
    write_archive(root / "archive", org="second-org", start=date(2026, 3, 1), days=40, seed=2)
    return build([root / "archive"], root / "site")


@pytest.fixture(scope="module")
def page(site: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> tuple[Node, list[str]]:
    loaded = load(site.page, tmp_path_factory.mktemp("chromium"))
    return parse(loaded.dom), loaded.console


def _number(cell: str) -> float | None:
    return float(cell) if cell else None


def test_no_console_message_and_the_switcher_ran(page: tuple[Node, list[str]]) -> None:
    dom, console = page
    assert console == []  # no error, no CSP violation (a blocked request), no log at all
    sections = dom.all("section")
    assert [s.attrs["data-scope"] for s in sections] == ["orgs/octo-demo", "orgs/second-org"]
    # The inline script ran: only the selected scope is shown.
    assert ["hidden" in s.attrs for s in sections] == [False, True]
    assert [o.attrs["value"] for o in dom.one("select", id="scope").all("option")] == [
        "orgs/octo-demo",
        "orgs/second-org",
    ]


def test_every_chart_is_drawn_with_its_table(page: tuple[Node, list[str]]) -> None:
    dom, _ = page
    first, second = dom.all("section")
    figures = {f.attrs["data-chart"]: f for f in first.all("figure")}
    assert set(figures) == CHARTS
    assert {f.attrs["data-chart"] for f in second.all("figure")} == CHARTS - {"teams"}
    for name, figure in figures.items():
        lines = [p for p in figure.all("path") if "line" in p.classes()]
        assert lines, name
        assert all(p.attrs["d"].startswith("M") for p in lines), name
        assert len(figure.one("ul").all("li")) == len(lines), name
        assert rows(figure.one("table")), name


def test_the_tables_hold_the_databases_numbers(
    page: tuple[Node, list[str]], site: BuildResult
) -> None:
    dom, _ = page
    first = dom.all("section")[0]
    figure = first.one("figure", **{"data-chart": "active-users"})
    expected = query(
        site.database,
        "SELECT day, daily_active_users, weekly_active_users, monthly_active_users FROM days "
        "WHERE scope = 'orgs/octo-demo' ORDER BY day",
    )
    assert rows(figure.one("table")) == [[str(v) for v in row] for row in expected]
    rates = rows(first.one("figure", **{"data-chart": "acceptance-rate"}).one("table"))
    expected_rates = query(
        site.database,
        "SELECT code_completions_shown, code_completions_accepted, "
        "code_completion_acceptance_rate FROM days WHERE scope = 'orgs/octo-demo' ORDER BY day",
    )
    assert [(int(r[1]), int(r[2]), _number(r[3])) for r in rates] == expected_rates
    teams = rows(first.one("div", **{"data-table": "teams-latest"}).one("table"))
    expected_teams = query(
        site.database,
        "SELECT slug, member_count, active_users FROM teams WHERE scope = 'orgs/octo-demo' "
        "AND day = (SELECT MAX(day) FROM teams WHERE scope = 'orgs/octo-demo') "
        "ORDER BY active_users DESC, slug",
    )
    [(newest,)] = query(site.database, "SELECT MAX(day) FROM teams")
    assert f"Teams on {newest}" in [h.content() for h in first.all("h3")]
    assert [tuple(r[:3]) for r in teams] == [(s, str(m), str(a)) for s, m, a in expected_teams]


def test_period_gaps_and_no_login(page: tuple[Node, list[str]], site: BuildResult) -> None:
    dom, _ = page
    period = dom.all("section")[0].all("p")[0].content()
    assert "2026-01-01 to 2026-04-30: 117 days with data" in period
    assert "2026-01-11 to 2026-01-12" in period and "2026-02-20" in period
    logins = [login for (login,) in query(site.database, "SELECT DISTINCT user_login FROM users")]
    assert logins == [None]  # not even in the database unless asked for
    assert "user00" not in site.page.read_text()


def test_the_page_fetches_nothing(site: BuildResult) -> None:
    html = site.page.read_text()
    assert "default-src 'none'" in html
    for needle in ("src=", "href=", "@import", "url(", "fetch(", "XMLHttpRequest"):
        assert needle not in html, needle


def test_phone_width_and_dark_mode(site: BuildResult, tmp_path: Path) -> None:
    """In a 360 px frame nothing is wider than the screen; dark mode gives a dark page."""
    probe = (
        "<script>parent.postMessage(JSON.stringify({width:document.documentElement.scrollWidth,"
        "inner:innerWidth,dark:matchMedia('(prefers-color-scheme: dark)').matches,"
        "background:getComputedStyle(document.body).backgroundColor}),'*')</script></body>"
    )
    copy = tmp_path / "probed.html"
    copy.write_text(site.page.read_text().replace("</body>", probe))
    frame = tmp_path / "phone.html"
    frame.write_text(
        '<!doctype html><body style="margin:0"><iframe src="probed.html" '
        'style="width:360px;height:740px;border:0"></iframe><script>'
        "addEventListener('message',function(e){document.body.dataset.probe=e.data})"
        "</script></body>"
    )
    light = json.loads(parse(load(frame, tmp_path).dom).one("body").attrs["data-probe"])
    assert light["inner"] == 360 and light["width"] <= 360
    assert light["dark"] is False and light["background"] == "rgb(255, 255, 255)"
    dark = json.loads(
        parse(load(frame, tmp_path, "--force-dark-mode").dom).one("body").attrs["data-probe"]
    )
    assert dark["dark"] is True and dark["background"] == "rgb(13, 17, 23)"


def test_screenshot(site: BuildResult, tmp_path: Path) -> None:
    shot = screenshot(site.page, tmp_path, tmp_path / "dashboard.png")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


def test_the_console_check_sees_errors(tmp_path: Path) -> None:
    """The check above can fail: a page with an error and a blocked request is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!doctype html><meta http-equiv='Content-Security-Policy' content=\"default-src "
        "'none'; script-src 'unsafe-inline'\"><img src='https://example.com/x.png'>"
        "<script>missing()</script>"
    )
    console = load(bad, tmp_path).console
    assert any("Content Security Policy" in line for line in console)
    assert any("missing is not defined" in line for line in console)

"""The dashboard in a real browser: headless Chromium loads index.html from disk, network off.

Where Chromium is not installed the tests skip with the package to install, and fail with
that line where ``CI`` is set (``.ci/run`` and the CI workflow install Debian's ``chromium``).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from copilot_usage_report._standin.synthetic import write_archive
from copilot_usage_report.history import build
from copilot_usage_report.history._build import BuildResult

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
    "prs",  # the synthetic days carry pull_requests, without medians (``history/_valuepage.py``)
}


ORGS = ["orgs/octo-demo", "orgs/second-org"]
ENTERPRISE = "enterprises/octo-ent"
#: The days of the first organization (its weeks: 4, 6, 6, 7…, 6 (a gap on 2026-02-20)…, 4 days).
WRITTEN: list[date] = []


def _seat_snapshot(root: Path, day: date) -> None:
    """A seat snapshot of the enterprise on a day it has no report: no daily active users."""
    folder = root / "enterprises" / "octo-ent" / "copilot-seats" / day.isoformat()
    folder.mkdir(parents=True)
    seat = {"created_at": "2026-02-01T09:00:00Z", "pending_cancellation_date": None,
            "last_activity_at": "2026-03-01T10:00:00Z", "last_activity_editor": "vscode",
            "plan_type": "business", "assignee": {"login": "someone", "id": 7},
            "assigning_team": None}  # fmt: skip
    data = json.dumps(seat).encode() + b"\n"
    (folder / "seats.ndjson").write_bytes(data)
    manifest = {
        "manifest_version": 2, "tool": "hand", "scope": {"kind": "enterprise", "name": "octo-ent"},
        "report": "copilot-seats", "report_day": day.isoformat(),
        "api_origin": "https://api.github.com", "taken_at": f"{day.isoformat()}T12:00:00Z",
        "total_seats": 1, "pages": 1,
        "files": [{"name": "seats.ndjson", "size": len(data), "records": 1,
                   "sha256": hashlib.sha256(data).hexdigest(), "link": "https://api.github.com/x"}],
    }  # fmt: skip
    (folder / "manifest.json").write_text(json.dumps(manifest))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    root = tmp_path_factory.mktemp("history")
    WRITTEN[:] = write_archive(root / "archive", days=120, gaps=(10, 11, 50), users=25)
    write_archive(root / "archive", org="second-org", start=date(2026, 3, 1), days=40, seed=2)
    # 2026-02-03 to 2026-04-02: its last month tick, 1 April, is 10 px from the plot's edge.
    start = date(2026, 2, 3)
    write_archive(root / "archive", org="octo-ent", kind="enterprise", start=start, days=59)
    _seat_snapshot(root / "archive", start + timedelta(days=60))
    return build([root / "archive"], root / "site")


@pytest.fixture(scope="module")
def page(site: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> tuple[Node, list[str]]:
    loaded = load(site.page, tmp_path_factory.mktemp("chromium"))
    return parse(loaded.dom), loaded.console


def _scope(dom: Node, scope: str) -> Node:
    return dom.one("section", **{"data-scope": scope})


def _number(cell: str) -> float | None:
    return float(cell) if cell else None


def test_no_console_message_and_the_switcher_ran(page: tuple[Node, list[str]]) -> None:
    dom, console = page
    assert console == []  # no error, no CSP violation (a blocked request), no log at all
    sections = dom.all("section")
    assert [s.attrs["data-scope"] for s in sections] == [ENTERPRISE, *ORGS]
    # The inline script ran: only the selected scope is shown.
    assert ["hidden" in s.attrs for s in sections] == [False, True, True]
    assert [o.attrs["value"] for o in dom.one("select", id="scope").all("option")] == [
        ENTERPRISE,
        *ORGS,
    ]


def test_every_chart_is_drawn_with_its_table(page: tuple[Node, list[str]]) -> None:
    dom, _ = page
    first, second = (_scope(dom, scope) for scope in ORGS)
    figures = {f.attrs["data-chart"]: f for f in first.all("figure")}
    assert set(figures) == CHARTS
    assert {f.attrs["data-chart"] for f in second.all("figure")} == CHARTS - {"teams"}
    for name, figure in figures.items():
        lines = [p for p in figure.all("path") if "line" in p.classes()]
        assert lines, name
        assert all(p.attrs["d"].startswith("M") for p in lines), name
        assert len(figure.one("ul").all("li")) == len(figure.all("g")), name
        assert rows(figure.one("table")), name


def test_the_tables_hold_the_databases_numbers(
    page: tuple[Node, list[str]], site: BuildResult
) -> None:
    dom, _ = page
    first = _scope(dom, ORGS[0])
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
        "SELECT code_completions_suggested, code_completions_accepted, "
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
    head = [th.content() for th in first.one("div", **{"data-table": "teams-latest"}).all("th")]
    assert head == ["Team", "Members", "Active users", "User-initiated interactions",
                    "Code generations", "Code acceptances", "Lines added"]  # fmt: skip
    assert f"Teams on {newest}" in [h.content() for h in first.all("h3")]
    assert [tuple(r[:3]) for r in teams] == [(s, str(m), str(a)) for s, m, a in expected_teams]


def test_period_gaps_and_no_login(page: tuple[Node, list[str]], site: BuildResult) -> None:
    dom, _ = page
    period = _scope(dom, ORGS[0]).all("p")[0].content()
    assert "2026-01-01 to 2026-04-30: 117 days with data" in period
    assert "2026-01-11 to 2026-01-12" in period and "2026-02-20" in period
    logins = [login for (login,) in query(site.database, "SELECT DISTINCT user_login FROM users")]
    assert logins == [None]  # not even in the database unless asked for
    assert "user00" not in site.page.read_text()


#: Run last in the page: every section shown, then the boxes and widths the tests check (an x
#: tick label is an SVG text in the bottom twelfth of its chart).
_PROBE = """<script>(function(){
var all=document.querySelectorAll('section.scope');for(var i=0;i<all.length;i++)all[i].hidden=false;
var ticks=[];var svgs=document.querySelectorAll('figure svg');
for(var i=0;i<svgs.length;i++){var box=svgs[i].getBoundingClientRect();
 var chart=svgs[i].closest('figure').dataset.chart;var ts=svgs[i].querySelectorAll('text');
 for(var j=0;j<ts.length;j++){var t=ts[j].getBoundingClientRect();
  if((t.top+t.bottom)/2-box.top<0.92*box.height)continue;ticks.push({chart:chart,
  label:ts[j].textContent,left:t.left-box.left,right:box.right-t.right,top:t.top-box.top,
  bottom:box.bottom-t.bottom,width:t.width});}}
var tables=[].map.call(document.querySelectorAll('[data-table]'),function(d){
 return {name:d.dataset.table,scroll:d.scrollWidth,client:d.clientWidth};});
document.body.dataset.probe=JSON.stringify({ticks:ticks,tables:tables,
 scroll:document.scrollingElement.scrollWidth,inner:innerWidth});})();</script></body>"""
MONTH = re.compile(r"^[A-Z][a-z]{2} \d{4}$")
LONG_SLUG = "backend-platform-infrastructure-reliability-and-developer-experience-guild-emea"


@pytest.fixture(scope="module")
def measured(site: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The page at 1,280 px wide, every scope shown: tick boxes and scroll widths."""
    folder = tmp_path_factory.mktemp("probe")
    copy = folder / "probed.html"
    page = site.page.read_text()
    # A team slug as long as GitHub allows them to be: the table wraps it, not the page.
    assert "<td>backend</td>" in page
    page = page.replace("<td>backend</td>", f"<td>{LONG_SLUG}</td>")
    copy.write_text(page.replace("</body>", _PROBE))
    loaded = load(copy, folder, window="1280,2000")
    assert loaded.console == []
    probe: dict[str, Any] = json.loads(parse(loaded.dom).one("body").attrs["data-probe"])
    return probe


def test_ticks_read_as_months_and_stay_inside_the_chart(measured: dict[str, Any]) -> None:
    """Every x tick of a chart over months reads ``Apr 2026``, and no tick label leaves its SVG."""
    ticks = measured["ticks"]
    by_month = [t for t in ticks if t["chart"] != "seats"]  # a single snapshot: one day's tick
    assert len(by_month) > 50
    assert [t["label"] for t in by_month if not MONTH.match(t["label"])] == []
    assert "Apr 2026" in [t["label"] for t in by_month]
    outside = [t for t in ticks if min(t["left"], t["right"], t["top"], t["bottom"]) < 0]
    assert outside == []
    assert all(t["width"] > 20 for t in ticks)  # laid out, not hidden


def test_no_sideways_scroll_at_1280_px(measured: dict[str, Any]) -> None:
    """Neither the page nor the team table scrolls sideways in a 1,280 px window, even with a
    team slug of 80 characters."""
    assert measured["inner"] == 1280
    assert measured["scroll"] <= measured["inner"]
    tables = {t["name"]: t for t in measured["tables"]}
    assert "teams-latest" in tables
    for name, table in tables.items():
        assert table["scroll"] <= table["client"], name


def _series(figure: Node) -> list[str]:
    return [g.attrs["data-series"] for g in figure.all("g") if "series" in g.classes()]


def test_the_legend_names_exactly_the_drawn_series(page: tuple[Node, list[str]]) -> None:
    """In an organization and an enterprise, each legend entry is a drawn series and back."""
    dom, _ = page
    for scope in (ENTERPRISE, ORGS[0]):
        figures = _scope(dom, scope).all("figure")
        assert len(figures) >= 9, scope
        for figure in figures:
            named = [li.content() for li in figure.one("ul").all("li")]
            assert named == _series(figure), (scope, figure.attrs["data-chart"])
    seats = _scope(dom, ENTERPRISE).one("figure", **{"data-chart": "seats"})
    assert _series(seats) == ["seats", "active seats (28 days)"]  # no report on its day


def test_partial_weeks_are_marked_and_counted(page: tuple[Node, list[str]]) -> None:
    """A week with fewer than 7 days of data is a hollow point, its days counted in the table."""
    dom, _ = page
    weeks: dict[date, int] = {}
    for day in WRITTEN:
        monday = day - timedelta(days=day.weekday())
        weeks[monday] = weeks.get(monday, 0) + 1
    short = {monday for monday, n in weeks.items() if n < 7}
    assert len(short) == 5  # the first and last weeks, and the three with gap days
    for chart in ("ide", "language", "model", "feature", "teams"):
        figure = _scope(dom, ORGS[0]).one("figure", **{"data-chart": chart})
        table = figure.one("table")
        head = [th.content() for th in table.all("th")]
        assert head[:2] == ["week", "days counted"], chart
        assert {date.fromisoformat(r[0]): r[1] for r in rows(table)} == {
            monday: f"{n} of 7" for monday, n in weeks.items()
        }, chart
        for g in (g for g in figure.all("g") if "series" in g.classes()):
            assert len(g.all("circle")) == len(short), chart
        assert "fewer than 7 days" in figure.one("p").content(), chart


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

"""Every failure a user can meet, as one exception tree.

Each message is written for the person reading a workflow log: what happened,
why, and what to do, on one line. No message ever holds the token or a signed
link's query string: errors carry redacted links only (see ``_core.links.redact``).

    CopilotUsageReportError            exit 1 unless noted
    ├── InputError                     exit 2, raised before any request is sent
    ├── ApiError                       the API answered, or could not be reached
    │   ├── ApiUnreachableError        connection failure or timeout, after retries
    │   ├── BadCredentialsError        401
    │   ├── AccessDeniedError          403 without a rate-limit signal
    │   ├── PolicyDisabledError        422, or a 403 naming the usage-metrics policy
    │   ├── RateLimitedError           429, or a 403 with a rate-limit signal
    │   ├── ServerError                5xx, after retries
    │   ├── ApiRedirectError           3xx to another origin (the token is not sent there)
    │   ├── SeatPagingError            a seat list's Link leaves the origin, loops or runs long
    │   └── UnexpectedStatusError      any other status
    ├── ReportNotAvailableError        204 or 404: no report for the day(s) asked
    ├── NoReportFilesError             200 with an empty link list
    ├── ReportFormatError              a body or file that is not what GitHub documents
    ├── DownloadError                  fetching a signed link failed
    │   ├── UnsafeLinkError            refused before any request to it
    │   ├── LinkExpiredError           storage refused the signature (fresh links are asked once)
    │   ├── IncompleteDownloadError    short, cut off or stalled, after retries
    │   └── TooLargeError              a body past max-file-size, or a decompression bomb
    ├── DeadlineError                  the run took longer than its deadline
    ├── InternalError                  a bug, reported in the same one-line shape
    ├── OutputError                    the output folder cannot hold the files
    └── HistoryBranchError             the history branch could not be read, built or pushed

    Interrupted (a BaseException)      SIGINT or SIGTERM: exit 130 or 143, not an error of ours

Every message passes through ``scrub`` when the error is made: the secrets the
run registered (``add_secret``: the token) become ``***`` and every URL's query
string is cut, whatever a server put into the text the message quotes; then through
``visible``: a control character the quoted text holds (NUL, ESC, U+2028, a
bidirectional override...) is shown as an escape such as ``\\x1b``, never obeyed.
"""

from __future__ import annotations

import re
import threading

__all__ = [
    "AccessDeniedError",
    "ApiError",
    "ApiRedirectError",
    "ApiUnreachableError",
    "BadCredentialsError",
    "CopilotUsageReportError",
    "DeadlineError",
    "DownloadError",
    "HistoryBranchError",
    "IncompleteDownloadError",
    "InputError",
    "InternalError",
    "Interrupted",
    "LinkExpiredError",
    "NoReportFilesError",
    "OutputError",
    "PolicyDisabledError",
    "RateLimitedError",
    "ReportFormatError",
    "ReportNotAvailableError",
    "SeatPagingError",
    "ServerError",
    "TooLargeError",
    "UnexpectedStatusError",
    "UnsafeLinkError",
    "add_secret",
    "has_control",
    "scrub",
    "visible",
]

DOCS_URL = "https://docs.github.com/en/rest/copilot/copilot-usage-metrics?apiVersion=2026-03-10"


_SECRETS: set[str] = set()
_SECRETS_LOCK = threading.Lock()
#: A URL's query string (signatures live there), up to the next space or quote.
_QUERY = re.compile(r"((?:https?|wss?)://[^\s?#'\"<>\\]*)\?[^\s'\"<>\\]*", re.IGNORECASE)
#: Secrets shorter than this are not registered: replacing them would garble every message.
_MIN_SECRET = 8


def add_secret(secret: str) -> None:
    """Register a value no message may hold from now on (the token); ``scrub`` hides it."""
    secret = secret.strip()
    if len(secret) >= _MIN_SECRET:
        with _SECRETS_LOCK:
            _SECRETS.add(secret)


def scrub(text: str, *, queries: bool = True) -> str:
    """``text`` with every registered secret as ``***`` and every URL's query string as ``?…``
    (``queries=False`` keeps query strings: the ``download-links`` output holds them whole).

    Idempotent; safe for any text a server sent, in any message, output or file.
    """
    with _SECRETS_LOCK:
        secrets = sorted(_SECRETS, key=len, reverse=True)
    for secret in secrets:
        text = text.replace(secret, "***")
    return _QUERY.sub(r"\1?…", text) if queries else text


#: Characters that are data, never layout, when a name or a server's text holds them: C0
#: (NUL, TAB, LF, CR, ESC...), DEL and C1 (Unicode ``Cc``), the line and paragraph separators,
#: the bidirectional marks, embeddings, overrides and isolates (text that reads other than it
#: is), and lone surrogates (a file name's undecodable bytes; no stream can encode them).
_CONTROL = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069\ud800-\udfff]"
)
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def has_control(text: str) -> bool:
    """True when ``text`` holds a character ``visible`` would escape."""
    return _CONTROL.search(text) is not None


def visible(text: str, *, lines: bool = False) -> str:
    """``text`` with every control character as a visible escape (``\\x1b``, ``\\n``,
    ``\\u2028``), so a name or a server's text is shown, never obeyed, by a terminal or a
    runner; ``lines=True`` keeps LF, the line breaks of a text this tool wrote.

    Idempotent; the escapes are plain ASCII, which ``scrub`` leaves as they are.
    """
    if lines:
        return "\n".join(_CONTROL.sub(_escape, line) for line in text.split("\n"))
    return _CONTROL.sub(_escape, text)


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived: the run stops, exits 128 + the signal's number."""

    def __init__(self, signum: int, name: str) -> None:
        super().__init__(name)
        self.signum = signum
        self.name = name

    @property
    def exit_code(self) -> int:
        """130 for SIGINT, 143 for SIGTERM: the shell's convention."""
        return 128 + self.signum


class CopilotUsageReportError(Exception):
    """Base of every error this tool reports to its user; anything else is a bug."""

    exit_code: int = 1
    #: What to do, longer than the one-line message; shown in the job summary.
    hint: str = "See docs/errors.md for what each error means and what to do."
    title: str = "Copilot usage report failed"

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        # One line, always: a newline in a workflow command would end the annotation. No
        # secret and no signature either, whatever the server put in the text quoted.
        # Control characters a name or a server's text held are shown, never obeyed.
        super().__init__(visible(scrub(" ".join(message.split()))))
        if hint is not None:
            self.hint = visible(scrub(hint), lines=True)

    @property
    def message(self) -> str:
        """The one-line message, exactly as printed."""
        return str(self.args[0])


class InputError(CopilotUsageReportError):
    """An input (option, environment variable or action input) cannot be used as given."""

    exit_code = 2
    title = "Invalid input"
    hint = "Fix the input named in the message; no request was sent to GitHub."


class ApiError(CopilotUsageReportError):
    """GitHub's API answered with an error, or could not be reached."""

    title = "GitHub API error"

    def __init__(self, message: str, *, status: int | None = None, hint: str | None = None):
        super().__init__(message, hint=hint)
        self.status = status


class ApiUnreachableError(ApiError):
    """The API could not be reached (connection error or timeout), even after retries."""

    title = "GitHub API unreachable"
    hint = (
        "Check that the api-url input (or GITHUB_API_URL) points at your GitHub's API and "
        "that the runner can reach it; rerun the job later if GitHub reports an incident."
    )


class BadCredentialsError(ApiError):
    """401: the token is invalid, expired or revoked."""

    title = "Bad credentials"
    hint = (
        "Create a new token (a fine-grained personal access token with the organization "
        'permission "Organization Copilot metrics: read", or a GitHub App token) and '
        "store it in the secret the workflow passes as the token input."
    )


class AccessDeniedError(ApiError):
    """403: the token is valid but may not read the organization's Copilot metrics."""

    title = "Access denied"
    hint = (
        "The token's owner must be an organization owner or hold the "
        '"View Organization Copilot Metrics" permission. A fine-grained token or GitHub App '
        'needs the organization permission "Organization Copilot metrics" (read); a classic '
        "token needs read:org. A workflow's GITHUB_TOKEN cannot be given this permission."
    )


class PolicyDisabledError(ApiError):
    """The "Copilot usage metrics" policy is disabled for the organization or enterprise."""

    title = "Copilot usage metrics policy disabled"
    hint = (
        'An enterprise owner enables the "Copilot usage metrics" policy in the enterprise '
        "settings (AI controls, Copilot, Metrics); for an organization without an enterprise, "
        "an organization owner enables it under the organization's Copilot policies."
    )


class RateLimitedError(ApiError):
    """GitHub rate-limited the token (429, or 403 with a rate-limit signal)."""

    title = "Rate limited"
    hint = (
        "Wait for the time named in the message and rerun, or raise --max-wait so the tool "
        "waits by itself; a GitHub App token has a higher limit than a personal token."
    )

    def __init__(
        self,
        message: str,
        *,
        status: int,
        wait_seconds: float | None,
        secondary: bool,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, status=status, hint=hint)
        #: Seconds GitHub asked us to wait (Retry-After or x-ratelimit-reset), if it said.
        self.wait_seconds = wait_seconds
        #: True for a secondary (abuse) limit, which asks for at least a minute's pause.
        self.secondary = secondary


class ServerError(ApiError):
    """GitHub answered 5xx, even after retries."""

    title = "GitHub server error"
    hint = "GitHub had trouble answering; rerun the job in a few minutes."


class ApiRedirectError(ApiError):
    """The API redirected to another origin; the token is never sent across origins."""

    title = "Unexpected redirect"
    hint = "Check the api-url input: it should be your GitHub's API base URL, not a web URL."


class SeatPagingError(ApiError):
    """The seat list's pages do not hold together: a ``Link`` off the API origin, back to a
    page already read, or past the pages its ``total_seats`` needs; or a page holding more
    seats than asked for."""

    title = "Seat list pages do not hold together"
    hint = (
        "The seat list was not saved: the token is never sent to another host, no page is "
        "read twice, and a page holds 100 seats at most. Check the api-url input (a proxy may "
        "rewrite Link headers or answers) and rerun; open an issue with the message if it "
        "persists."
    )


class UnexpectedStatusError(ApiError):
    """The API answered a status this tool has no specific handling for."""

    title = "Unexpected API answer"
    hint = "Check GitHub's status page and the api-version input, then rerun."


class ReportNotAvailableError(CopilotUsageReportError):
    """GitHub has no report for the day(s) asked (204 or 404)."""

    title = "Report not available"
    hint = (
        "GitHub readies a day's report within two full UTC days, keeps one year of history, "
        "and has organization reports from 2025-12-12 on. A 404 also appears when the "
        'organization does not exist for this token or the "Copilot usage metrics" policy is '
        "disabled. Try an earlier day, or day: latest."
    )


class NoReportFilesError(CopilotUsageReportError):
    """GitHub answered 200 but listed no files to download."""

    title = "No report files"
    hint = "GitHub listed the day without any file; rerun later, when the report is complete."


class ReportFormatError(CopilotUsageReportError):
    """A response body or a downloaded file is not in the shape GitHub documents."""

    title = "Unexpected report format"
    hint = (
        "GitHub may have changed the report format; rerun later, and open an issue with the "
        "message if it persists."
    )


class DownloadError(CopilotUsageReportError):
    """A report file could not be downloaded from its signed link."""

    title = "Download failed"
    hint = "The storage host did not deliver the file; rerun the job."


class UnsafeLinkError(DownloadError):
    """A link is not https (loopback http excepted) or carries credentials; never fetched."""

    title = "Unsafe download link"
    hint = (
        "GitHub's download links are https URLs on its report storage host; this one is not, "
        "so it was not fetched. Check the api-url input."
    )


class LinkExpiredError(DownloadError):
    """The storage host refused a signed link, or its expiry time has passed."""

    title = "Download link expired"
    hint = "Signed links last about an hour; rerun the job to get fresh links."


class IncompleteDownloadError(DownloadError):
    """A file arrived shorter than announced or was cut off, even after retries."""

    title = "Incomplete download"


class TooLargeError(DownloadError):
    """A body grew past a bound: the max-file-size input, or 100-fold inflation (a zip bomb)."""

    title = "File too large"
    hint = (
        "No report file is this large; if yours really is, raise --max-file-size, which takes "
        "bytes or a number with KiB, MiB or GiB."
    )


class DeadlineError(CopilotUsageReportError):
    """The whole run took longer than the deadline input allows."""

    title = "Deadline passed"
    hint = (
        "The servers answered too slowly for the run to finish in time; rerun later, or raise "
        "--deadline (in seconds)."
    )


class InternalError(CopilotUsageReportError):
    """Something this tool did not expect went wrong: a bug, reported in the shape of an error."""

    title = "Internal error"
    hint = (
        "This is a bug in copilot-usage-report. Rerun with --debug to see the traceback, and "
        "open an issue with it."
    )


class OutputError(CopilotUsageReportError):
    """The output folder cannot be created or written."""

    title = "Cannot write output"
    hint = "Choose an output folder (the path input or --output-dir) the job can write."


class HistoryBranchError(CopilotUsageReportError):
    """The history branch could not be read, built or pushed (see ``history._branch``)."""

    title = "History branch not updated"
    hint = (
        "The report files are saved and uploaded either way. The history token needs "
        "`permissions: contents: write` in the workflow (or a token that may push to the "
        "repository); rerun the job to try again."
    )

"""Child process: one measured task, its result as one JSON line on stdout.

``python _worker.py TASK SPEC_JSON``. Each task runs in a fresh interpreter,
so its peak RSS (``ru_maxrss`` of this process, reported with the result) is
that task's alone, and imports are done before the clock starts: the seconds
reported are the work only (start-up is figure 5's business).

Tasks:

- ``download``: the project's own ``download_all`` (what ``fetch`` runs) over
  the given links, from creating the storage client to the last verified file.
- ``profile``: the same download under cProfile, every thread profiled, its CPU
  time split by where it goes (receive, TLS, check, hash, write, other).
- ``parts``: each part of a download alone, for the split of figure 1s: receiving
  the same body over https and over http (httpx, as the download does, bytes
  dropped), then checking, hashing and writing those bytes, each timed in CPU.
- ``cli``: the command line itself (``main(argv)``), for figure 6; not timed here.

A spec's ``cafile`` (the run's loopback certificate) is added to the tool's one TLS
context before anything connects, so https links verify as real ones do.
- ``loads``: the reference, a plain ``json.loads`` per line over a file.
- ``check``: ``ContentCheck`` (what every download verifies) over a file.
- ``summarize``: ``summarize_paths`` over a file, when the project has it.
- ``onepass``: what a download does with the same file since it decodes each record once:
  ``ContentCheck`` with a ``FetchTally``, then the summary of that tally (CPU seconds too).
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

Result = dict[str, object]


def trust(spec: dict[str, object]) -> None:
    """Trust the run's loopback certificate beside certifi's bundle, as a real host's CA is in
    it: the tool loads the one bundle when and where it would (on its start-up thread)."""
    if spec.get("cafile"):
        import certifi

        cafile = Path(str(spec["cafile"]))
        ours = cafile.read_bytes()
        # One per certificate, shared by every child; written whole, then named.
        bundle = cafile.with_name(f"bundle-{hashlib.sha256(ours).hexdigest()[:16]}.pem")
        if not bundle.exists():
            part = bundle.with_name(f"{bundle.name}.{os.getpid()}")
            part.write_bytes(Path(certifi.where()).read_bytes() + b"\n" + ours)
            part.replace(bundle)
        certifi.where = lambda: str(bundle)


def download(spec: dict[str, object]) -> Result:
    from copilot_usage_report._transfer.download import Download, download_all, make_storage_client

    trust(spec)
    urls = spec["links"]
    assert isinstance(urls, list)
    folder = Path(str(spec["folder"]))
    concurrency = int(str(spec.get("concurrency", 4)))
    items = [Download(url=str(url), name=f"file-{i}.ndjson") for i, url in enumerate(urls)]
    start, cpu = time.perf_counter(), time.process_time()
    with make_storage_client(concurrency=concurrency) as client:
        batch = download_all(client, items, folder, concurrency=concurrency, retries=0)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        # Every thread's CPU time (user and system): what the download costs the machine.
        "cpu_seconds": time.process_time() - cpu,
        "bytes": sum(f.size for f in batch.saved.values()),
        "files": len(batch.saved),
        "records": sum(f.records for f in batch.saved.values()),
    }


def loads(spec: dict[str, object]) -> Result:
    path = Path(str(spec["path"]))
    start = time.perf_counter()
    records = 0
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                json.loads(line)
                records += 1
    return {"seconds": time.perf_counter() - start, "records": records}


def check(spec: dict[str, object]) -> Result:
    from copilot_usage_report._transfer.content import ContentCheck

    path = Path(str(spec["path"]))
    start, cpu = time.perf_counter(), time.process_time()
    content = ContentCheck()
    with path.open("rb") as handle:
        while chunk := handle.read(64 * 1024):
            content.feed(chunk)
    content.finish(path.read_bytes)
    return {
        "seconds": time.perf_counter() - start,
        "cpu_seconds": time.process_time() - cpu,
        "records": content.records,
    }


def summarize(spec: dict[str, object]) -> Result:
    from copilot_usage_report._metrics import summarize_paths

    path = Path(str(spec["path"]))
    start, cpu = time.perf_counter(), time.process_time()
    insight = summarize_paths([path])
    seconds = time.perf_counter() - start
    days = getattr(insight, "days", ())
    users = getattr(days[0], "daily_active_users", None) if days else None
    return {"seconds": seconds, "cpu_seconds": time.process_time() - cpu, "users": users}


def onepass(spec: dict[str, object]) -> Result:
    from copilot_usage_report._pipeline.onepass import FetchTally, summarize_fetch
    from copilot_usage_report._transfer.content import ContentCheck
    from copilot_usage_report._transfer.download import SavedFile

    path = Path(str(spec["path"]))
    start, cpu = time.perf_counter(), time.process_time()
    sink = FetchTally(path)
    content = ContentCheck(sink)
    with path.open("rb") as handle:
        while chunk := handle.read(64 * 1024):
            content.feed(chunk)
    content.finish(path.read_bytes)
    saved = SavedFile(path.name, path, content.size, "", content.records, decoded=sink)
    insight = summarize_fetch([saved])
    seconds = time.perf_counter() - start
    days = insight.days
    return {
        "seconds": seconds,
        "cpu_seconds": time.process_time() - cpu,
        "users": days[0].daily_active_users if days else None,
    }


#: Where CPU goes, by the profiled function: (a part of its file's path, or "~" for a built-in;
#: the start of its name). A built-in not named here counts where its callers do.
SPLIT: dict[str, tuple[tuple[str, str], ...]] = {
    # Decrypting: the TLS socket's reads (their system call included) and ssl.py around them.
    "TLS": (("~", "<method 'read' of '_ssl._SSLSocket"), ("/ssl.py", "")),
    # Receiving: the socket's reads and the HTTP client's own work on each chunk (h11 parses
    # the framing of every read, which over TLS is one 16 KiB record).
    "receive": (
        ("~", "<method 'recv"),
        ("/httpcore/", ""),
        ("/h11/", ""),
        ("/httpx/", ""),
        ("/contextlib.py", ""),  # httpcore maps exceptions around every read
    ),
    "check": (("/_content.py", ""), ("~", "<method 'decode' of 'msgspec")),
    "hash": (("~", "<method 'update' of '_hashlib"), ("~", "<method 'hexdigest' of '_hashlib")),
    "write": (("~", "<method 'write' of '_io."), ("~", "<built-in method posix.write")),
}


def _category(filename: str, function: str) -> str:
    for name, patterns in SPLIT.items():
        for where, prefix in patterns:
            place = filename == "~" if where == "~" else where in filename.replace("\\", "/")
            if place and function.startswith(prefix):
                return name
    return "other"


def profile(spec: dict[str, object]) -> Result:
    """``download`` under cProfile in every thread: seconds per category (profiled time)."""
    import cProfile
    import pstats
    import threading

    profiles: list[cProfile.Profile] = []
    original = threading.Thread.run

    def profiled_run(self: threading.Thread) -> None:
        profiler = cProfile.Profile(time.thread_time)  # CPU time, not time spent waiting
        profiles.append(profiler)
        profiler.enable()
        try:
            original(self)
        finally:
            profiler.disable()

    import copilot_usage_report._transfer.download  # noqa: F401 - imports are not the download's cost

    trust(spec)
    threading.Thread.run = profiled_run  # type: ignore[method-assign]
    main_profile = cProfile.Profile(time.thread_time)
    main_profile.enable()
    result = download(spec)
    main_profile.disable()
    threading.Thread.run = original  # type: ignore[method-assign]
    stats = pstats.Stats(main_profile)
    for other in profiles:
        stats.add(other)
    split: dict[str, float] = {}
    table = stats.stats  # type: ignore[attr-defined]
    for (filename, _, function), row in table.items():
        key = _category(filename, function)
        if key == "other" and filename == "~":
            # A built-in (bytes.split, len…) counts where its callers do: by call edge.
            for (caller_file, _, caller), edge in row[4].items():
                by = _category(caller_file, caller)
                split[by] = split.get(by, 0.0) + float(edge[2])
            continue
        split[key] = split.get(key, 0.0) + float(row[2])  # tottime: its own seconds
    result["split_s"] = split
    if os.environ.get("BENCH_PROFILE_TOP"):
        stats.stream = sys.stderr  # type: ignore[attr-defined]
        stats.sort_stats("tottime").print_stats(25)
    return result


def parts(spec: dict[str, object]) -> Result:
    """CPU seconds of each part of a download, alone: receive (https and http), check, hash,
    write. The body is regenerated from the stand-in's seed: the very bytes it serves."""
    import hashlib

    import httpx
    from _data import repeated

    from copilot_usage_report._core.tls import tls_context
    from copilot_usage_report._transfer.content import ContentCheck

    trust(spec)
    size = int(str(spec["size"]))
    chunks, exact = repeated(size, seed=1)
    body = list(chunks())  # about 1 MiB blocks; the figure keeps the file small enough

    def cpu(work: Callable[[], object]) -> float:
        start = time.process_time()
        work()
        return time.process_time() - start

    def receive(url: str) -> Callable[[], object]:
        def run() -> object:
            with (
                httpx.Client(verify=tls_context(), trust_env=False) as client,
                client.stream("GET", url) as response,
            ):
                got = sum(len(chunk) for chunk in response.iter_bytes())
            if got != exact:
                raise RuntimeError(f"received {got} bytes, not {exact}")
            return got

        return run

    def check() -> object:
        content = ContentCheck()
        for chunk in body:
            content.feed(chunk)
        return content

    def digest() -> object:
        sha = hashlib.sha256()
        for chunk in body:
            sha.update(chunk)
        return sha.hexdigest()

    target = Path(str(spec["folder"])) / "parts.ndjson"

    def write() -> object:
        with target.open("wb") as handle:
            for chunk in body:
                handle.write(chunk)
        target.unlink()
        return None

    links = spec["links"]
    assert isinstance(links, dict)
    return {
        "bytes": exact,
        "https_receive_cpu_s": cpu(receive(str(links["https"]))) if links.get("https") else None,
        "http_receive_cpu_s": cpu(receive(str(links["http"]))),
        "check_cpu_s": cpu(check),
        "hash_cpu_s": cpu(digest),
        "write_cpu_s": cpu(write),
    }


def cli(spec: dict[str, object]) -> Result:
    """The command line, trusting the loopback certificate: figure 6 times this process."""
    trust(spec)
    from copilot_usage_report._app.cli import main as cli_main

    argv = spec["argv"]
    assert isinstance(argv, list)
    return {"exit_code": cli_main([str(a) for a in argv])}


TASKS: dict[str, Callable[[dict[str, object]], Result]] = {
    "download": download,
    "loads": loads,
    "check": check,
    "summarize": summarize,
    "onepass": onepass,
    "profile": profile,
    "parts": parts,
    "cli": cli,
}


def main() -> None:
    task, raw = sys.argv[1], sys.argv[2]
    result = TASKS[task](json.loads(raw))
    # Linux reports ru_maxrss in KiB.
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()

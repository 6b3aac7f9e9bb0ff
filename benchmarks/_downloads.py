"""Figures 1, 2 and 1s: our download against ``curl -o``, over https and plain http.

On loopback the wire costs nothing, so an unpaced run measures CPU per byte only: those
lines report CPU seconds per GB for each side (ours: every thread of the child; curl: its
``rusage``), with the target on ours over https, where every real download happens. What
a user feels is the time on a real link: the stand-in then paces all downloads together to
a wire of 1 or 3 Gbit/s (``--wire-mbit``) and the time ratio is judged there. Figure 1s
profiles one https and one http download (cProfile in every thread, CPU time) and splits
where the CPU goes: receive, TLS, check, hash, write, other.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from _common import (
    DAY,
    MB,
    ORG,
    BenchError,
    Context,
    Figure,
    children_cpu,
    clear,
    serve,
    sides,
    size_text,
    timed,
    verdict,
    work,
)

CPU_TARGET = 2.5  # s/GB, ours over https
RATIO_TARGET = 1.10  # on a paced wire
RSS_TARGET = 100.0  # MB, one large file


@dataclass
class Sides:
    """Both sides of a download comparison: wall seconds, CPU seconds, our peak RSS (MB)."""

    ours: list[float] = field(default_factory=list)
    curl: list[float] = field(default_factory=list)
    ours_cpu: list[float] = field(default_factory=list)
    curl_cpu: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)

    def per_gb(self, total: int) -> tuple[float, float]:
        """CPU seconds per GB, ours and curl's (medians)."""
        gb = total / 1e9
        return statistics.median(self.ours_cpu) / gb, statistics.median(self.curl_cpu) / gb

    def data(self) -> dict[str, object]:
        return {
            "ours_s": self.ours,
            "curl_s": self.curl,
            "ours_cpu_s": self.ours_cpu,
            "curl_cpu_s": self.curl_cpu,
            "ours_peak_rss_mb": self.rss,
        }


def ours_vs_curl(
    ctx: Context, links: list[str], total: int, *, concurrency: int, https: bool
) -> Sides:
    """Our ``download_all`` vs curl on the same links, with each side's CPU time."""
    assert ctx.curl is not None
    ours_dir, curl_dir = ctx.tmp / "ours", ctx.tmp / "curl"
    cafile = str(ctx.cert[0]) if https and ctx.cert else ""
    got = Sides()

    def ours() -> float:
        clear(ours_dir)
        spec = {"links": links, "folder": str(ours_dir), "concurrency": concurrency}
        result = work("download", {**spec, "cafile": cafile})
        if result["bytes"] != total:
            raise BenchError(f"our download saved {result['bytes']} bytes, not {total}")
        got.rss.append(float(str(result["peak_rss_mb"])))
        got.ours_cpu.append(float(str(result["cpu_seconds"])))
        return float(str(result["seconds"]))

    def theirs() -> float:
        clear(curl_dir)
        assert ctx.curl is not None
        cmd = [ctx.curl, "-sS", "--fail", *(ctx.curl_trust() if https else [])]
        if len(links) > 1:
            cmd += ["--parallel", "--parallel-max", str(concurrency)]
        for i, url in enumerate(links):
            cmd += ["-o", str(curl_dir / f"file-{i}.ndjson"), url]
        before = children_cpu()
        seconds, code, err = timed(cmd)
        got.curl_cpu.append(children_cpu() - before)
        size = sum(p.stat().st_size for p in curl_dir.iterdir())
        if code != 0 or size != total:
            raise BenchError(f"curl failed ({code}, {size} of {total} bytes): {err.strip()}")
        return seconds

    got.ours, got.curl = sides(ctx.repeat, ours, theirs)
    # The warm-ups' CPU samples are not measurements.
    got.ours_cpu, got.curl_cpu, got.rss = got.ours_cpu[1:], got.curl_cpu[1:], got.rss[1:]
    clear(ours_dir)
    clear(curl_dir)
    return got


def _served(
    ctx: Context, files: list[int], *, https: bool, rate: float = 0.0, concurrency: int
) -> tuple[Sides, int]:
    spec: dict[str, object] = {"org": ORG, "days": [DAY], "files": files, "rate": rate}
    if https:
        spec["tls"] = ctx.tls()
    with serve(spec) as info:
        links, sizes = info["links"], info["sizes"]
        assert isinstance(links, dict) and isinstance(sizes, dict)
        total = sum(int(v) for v in sizes.values())
        return ours_vs_curl(ctx, links[DAY], total, concurrency=concurrency, https=https), total


def cpu_figure(
    ctx: Context, key: str, what: str, files: list[int], *, concurrency: int, https: bool
) -> Figure:
    """Unpaced: CPU per GB of each side (the target on ours over https), time informative."""
    scheme = "https" if https else "http"
    fig = Figure(key if https else f"{key}h", f"{what} over {scheme}, unpaced loopback")
    if ctx.curl is None:
        fig.line = "skipped: curl (with --parallel) is not installed"
        return fig
    if https and ctx.cert is None:
        fig.line = f"skipped: no loopback certificate ({ctx.cert_why})"
        return fig
    got, total = _served(ctx, files, https=https, concurrency=concurrency)
    ours_gb, curl_gb = got.per_gb(total)
    o, c = statistics.median(got.ours), statistics.median(got.curl)
    peak = max(got.rss)
    parts = [f"CPU per GB ours {ours_gb:.2f} s"]
    if https:
        ok = ours_gb <= CPU_TARGET
        fig.verdicts[f"CPU <= {CPU_TARGET} s/GB"] = ok
        parts[0] += f" (target <= {CPU_TARGET} s) {verdict(ok)}"
    parts.append(f"curl {curl_gb:.2f} s ({ours_gb / curl_gb:.1f}x)")
    parts.append(f"time ours {o:.2f} s vs curl {c:.2f} s ({o / c:.2f}x; no wire: informative)")
    if len(files) == 1:
        ok = peak <= RSS_TARGET
        fig.verdicts[f"peak RSS <= {RSS_TARGET:.0f} MB"] = ok
        parts.append(f"peak RSS {peak:.0f} MB (target <= {RSS_TARGET:.0f} MB) {verdict(ok)}")
    else:
        parts.append(f"peak RSS {peak:.0f} MB")
    fig.line = "; ".join(parts)
    fig.data = {
        "scheme": scheme,
        "bytes": total,
        "files": len(files),
        "connections": concurrency,
        **got.data(),
        "ours_cpu_s_per_gb": ours_gb,
        "curl_cpu_s_per_gb": curl_gb,
    }
    return fig


def wire_figure(
    ctx: Context, key: str, what: str, files: list[int], *, concurrency: int, mbit: float
) -> Figure:
    """Paced to a wire all downloads share: the time ratio a user feels (target <= 1.10)."""
    https = ctx.cert is not None
    scheme = "https" if https else "http (no certificate)"
    fig = Figure(f"{key}w{mbit / 1000:g}", f"{what} over {scheme} on a {mbit / 1000:g} Gbit/s wire")
    if ctx.curl is None:
        fig.line = "skipped: curl (with --parallel) is not installed"
        return fig
    rate = mbit * MB / 8
    got, total = _served(ctx, files, https=https, rate=rate, concurrency=concurrency)
    o, c = statistics.median(got.ours), statistics.median(got.curl)
    ratio = o / c
    ours_gb, curl_gb = got.per_gb(total)
    ok = ratio <= RATIO_TARGET
    fig.verdicts = {f"ratio <= {RATIO_TARGET}": ok}
    fig.data = {"scheme": scheme, "bytes": total, "wire_mbit": mbit, **got.data(), "ratio": ratio}
    fig.line = (
        f"ours {o:.2f} s vs curl {c:.2f} s (the wire alone {total / rate:.2f} s) -> ratio "
        f"{ratio:.2f} (target <= {RATIO_TARGET}) {verdict(ok)}; CPU per GB ours {ours_gb:.2f} s, "
        f"curl {curl_gb:.2f} s"
    )
    return fig


def fig_large(ctx: Context) -> list[Figure]:
    what = f"one {size_text(ctx.large_bytes)} file vs curl -o"
    paced = f"one {size_text(ctx.wire_bytes)} file vs curl -o"
    return [
        cpu_figure(ctx, "1", what, [ctx.large_bytes], concurrency=1, https=True),
        cpu_figure(ctx, "1", what, [ctx.large_bytes], concurrency=1, https=False),
        *(
            wire_figure(ctx, "1", paced, [ctx.wire_bytes], concurrency=1, mbit=mbit)
            for mbit in ctx.wires_mbit
        ),
    ]


def fig_many(ctx: Context) -> list[Figure]:
    n, each, k = ctx.many_files, ctx.many_bytes, ctx.concurrency
    what = f"{n} x {size_text(each)} files, {k} at a time, vs curl --parallel"
    files = [each] * n
    return [
        cpu_figure(ctx, "2", what, files, concurrency=k, https=True),
        cpu_figure(ctx, "2", what, files, concurrency=k, https=False),
        *(wire_figure(ctx, "2", what, files, concurrency=k, mbit=m) for m in ctx.wires_mbit),
    ]


PARTS = ("receive", "TLS", "check", "hash", "write", "other")


def fig_split(ctx: Context) -> Figure:
    """Where our CPU goes in one download, https and http (cProfile, CPU time, every thread)."""
    size = min(ctx.large_bytes, 256 * MB)
    fig = Figure("1s", f"CPU split of one {size_text(size)} download (cProfile, every thread)")
    lines: list[str] = []
    for https in (True, False):
        if https and ctx.cert is None:
            lines.append(f"https skipped ({ctx.cert_why})")
            continue
        spec: dict[str, object] = {"org": ORG, "days": [DAY], "files": [size]}
        if https:
            spec["tls"] = ctx.tls()
        folder = ctx.tmp / "profiled"
        with serve(spec) as info:
            links, sizes = info["links"], info["sizes"]
            assert isinstance(links, dict) and isinstance(sizes, dict)
            total = sum(int(v) for v in sizes.values())
            clear(folder)
            cafile = str(ctx.cert[0]) if https and ctx.cert else ""
            task = {"links": links[DAY], "folder": str(folder), "concurrency": 1}
            plain = work("download", {**task, "cafile": cafile})  # unprofiled, for scale
            clear(folder)
            profiled = work("profile", {**task, "cafile": cafile})
            clear(folder)
        split = profiled["split_s"]
        assert isinstance(split, dict)
        gb = total / 1e9
        profiled_total = sum(float(v) for v in split.values())
        real = float(str(plain["cpu_seconds"])) / gb
        # cProfile slows Python calls more than C ones: shares are indicative, scaled to the
        # unprofiled CPU per GB so they add up to it.
        scale = real / (profiled_total / gb) if profiled_total else 0.0
        per_gb = {part: float(split.get(part, 0.0)) / gb * scale for part in PARTS}
        name = "https" if https else "http"
        fig.data[name] = {"bytes": total, "cpu_s_per_gb": real, "split_s_per_gb": per_gb}
        shown = ", ".join(f"{part} {per_gb[part]:.2f}" for part in PARTS)
        lines.append(f"{name} {real:.2f} s/GB = {shown}")
    fig.line = "; ".join(lines) + " (no target: where figure 1's CPU goes)"
    return fig

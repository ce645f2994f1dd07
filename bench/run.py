"""Benchmark the public site: each page's requests/s as a ratio of /healthz in the same run.

    python bench/run.py [--claims N] [--database-url URL] [--duration S] [--concurrency C]

Builds a database of N claims (bench/build.py), serves it under gunicorn with
production settings on a loopback port, loads every public page with `wrk`
(or bench/httpload.py when wrk is not installed), once warm (as served) and
once cold (CLAIMLEDGER_PAGE_CACHE=false), times the unfiltered CSV export with
the worker's peak memory, and writes bench/results/<date>-<database>-<N>.md
and .json. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
PYTHON = sys.executable
WRK_SCRIPT = BENCH / "percentiles.lua"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", type=int, default=100_000, help="claims to build (default 100,000)")
    parser.add_argument(
        "--database-url",
        default=f"sqlite:///{BENCH / 'bench.sqlite3'}",
        help="the database to build and serve; it is emptied first (default: bench/bench.sqlite3)",
    )
    parser.add_argument("--duration", type=float, default=10, help="seconds of load per page and mode")
    parser.add_argument("--concurrency", type=int, default=8, help="connections held open at once")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--reuse", action="store_true", help="keep the database if it already holds exactly N claims"
    )
    parser.add_argument("--build-only", action="store_true", help="build the database and stop")
    parser.add_argument("--pages", help="only pages whose name contains this text")
    return parser.parse_args(argv)


def setup_django(database_url: str):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def recreate_database(database_url: str):
    """An empty database at `database_url`: PostgreSQL's is dropped and created again, SQLite's file removed."""
    parts = urlsplit(database_url)
    if parts.scheme.startswith("postgres"):
        import psycopg

        name = parts.path.lstrip("/")
        admin = parts._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    else:
        path = Path(parts.path)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)


def claim_count(database_url: str) -> int | None:
    env = {**os.environ, "DATABASE_URL": database_url}
    code = (
        "import django;django.setup()\n"
        "from claims.models import Claim\n"
        "try:\n print(Claim.objects.count())\nexcept Exception:\n print(-1)"
    )
    done = subprocess.run(
        [PYTHON, "-c", code], cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True, text=True,
    )
    try:
        return int(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None


def manage(database_url: str, *args: str, extra_env=None):
    env = {**os.environ, "DATABASE_URL": database_url, **(extra_env or {})}
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(args):
    existing = claim_count(args.database_url) if args.reuse else None
    if args.reuse and existing is None:
        raise SystemExit(f"--reuse: cannot read the database at {args.database_url}; not rebuilding it")
    if args.reuse and existing == args.claims:
        print(f"Reusing the database: {args.claims:,} claims already there.")
        manage(args.database_url, "migrate", "-v0")
        return
    print(f"Building {args.claims:,} claims …")
    started = time.monotonic()
    recreate_database(args.database_url)
    manage(args.database_url, "migrate", "-v0")
    env = {**os.environ, "DATABASE_URL": args.database_url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    code = (
        "import sys, django; django.setup(); sys.path.insert(0, 'bench')\n"
        "from build import build\n"
        f"print(build({args.claims}))"
    )
    subprocess.run([PYTHON, "-c", code], cwd=ROOT, env=env, check=True)
    print(f"Built in {time.monotonic() - started:.0f} s.")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with production settings on a loopback port."""

    def __init__(self, database_url: str, workers: int, page_cache: bool):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DATABASE_CONN_MAX_AGE": "600",
            "DJANGO_LOG_LEVEL": "WARNING",
            "CLAIMLEDGER_PAGE_CACHE": "true" if page_cache else "false",
        }
        self.process = subprocess.Popen(
            [
                str(Path(PYTHON).with_name("gunicorn")), "config.wsgi", "--workers", str(workers),
                "--bind", f"127.0.0.1:{self.port}", "--timeout", "300", "--log-level", "warning",
            ],
            cwd=ROOT, env=env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=2).read()
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not start")

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def memory(self) -> dict[str, int]:
        """Current and peak resident memory (KiB) of the largest worker."""
        current = peak = 0
        for pid in self.workers():
            status = Path(f"/proc/{pid}/status").read_text()
            current = max(current, int(re.search(r"VmRSS:\s+(\d+)", status).group(1)))
            peak = max(peak, int(re.search(r"VmHWM:\s+(\d+)", status).group(1)))
        return {"rss_kib": current, "peak_rss_kib": peak}

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def load(url: str, duration: float, concurrency: int) -> dict:
    """requests/s and p50/p95/p99 latency (ms) for GET url under the given concurrency."""
    if shutil.which("wrk"):
        done = subprocess.run(
            [
                "wrk", "-t", "2", "-c", str(concurrency), "-d", f"{max(1, round(duration))}s", "--timeout", "60s",
                "-s", str(WRK_SCRIPT), url,
            ],
            capture_output=True, text=True, check=True,
        )
        line = next(line for line in done.stdout.splitlines() if line.startswith("JSON "))
        result = json.loads(line[5:])
        result["client"] = "wrk"
        return result
    sys.path.insert(0, str(BENCH))
    from httpload import run as python_load

    result = python_load(url, duration, concurrency)
    result["client"] = "bench/httpload.py"
    return result


def paired(base: str, path: str, duration: float, concurrency: int) -> tuple[dict, dict]:
    """(page, /healthz) loaded in alternating one-second slices for `duration` seconds each.

    On a shared machine the load drifts within seconds; alternating cancels
    most of the drift out of the ratio. requests/s is the mean over the
    slices, each latency percentile the median of the slices' percentiles.
    """
    runs = {"page": [], "healthz": []}
    for _ in range(max(2, round(duration))):
        runs["healthz"].append(load(base + "/healthz", 1, concurrency))
        runs["page"].append(load(base + path, 1, concurrency))

    def merge(slices):
        merged = {"rps": statistics.fmean(run["rps"] for run in slices), "client": slices[0]["client"]}
        for key in ("requests", "errors", "non_2xx"):
            merged[key] = sum(run.get(key, 0) for run in slices)
        for key in ("p50_ms", "p95_ms", "p99_ms"):
            merged[key] = statistics.median(run[key] for run in slices)
        return merged

    return merge(runs["page"]), merge(runs["healthz"])


def pages(sample: dict) -> list[tuple[str, str]]:
    last = sample["last_page"]
    pages = [
        ("healthz", "/healthz"),
        ("home", "/"),
        ("home, last page", sample["home_last"]),
        ("document", f"/faq/{sample['slug']}/"),
        ("claims page 1", "/claims/"),
        ("claims last page", last),
        ("claims ?q=common word", "/claims/?q=benefits"),
        ("claims ?q=rare word", "/claims/?q=zeugma"),
        ("claims ?status=supported", "/claims/?status=supported"),
        ("claims ?flag=dubious", "/claims/?flag=dubious"),
    ]
    for sort in sample["sorts"]:
        pages.append((f"claims ?sort={sort}", f"/claims/?sort={sort}"))
    pages += [
        ("claim", f"/claims/{sample['claim']}/"),
        ("claim, 1,000 history entries", f"/claims/{sample['long_history']}/"),
        ("sources", "/sources/"),
        ("source cited by 10,000 claims", f"/sources/{sample['most_cited']}/"),
        ("claimreview.json", "/claimreview.json"),
    ]
    return pages


def sample_urls(database_url: str) -> dict:
    """Addresses of the pages to load, read from the built database (and the table's own last-page link)."""
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    code = (
        "import json, django; django.setup()\n"
        "from bench_sample import sample\n"
        "print('SAMPLE ' + json.dumps(sample()))"
    )
    done = subprocess.run(
        [PYTHON, "-c", code], cwd=ROOT, env={**env, "PYTHONPATH": str(BENCH)},
        capture_output=True, text=True, check=True,
    )
    line = next(line for line in done.stdout.splitlines() if line.startswith("SAMPLE "))
    return json.loads(line[7:])


def export_timing(server: Server) -> dict:
    before = server.memory()
    started = time.monotonic()
    size = 0
    with urllib.request.urlopen(server.base + "/claims/export.csv", timeout=1800) as response:
        while chunk := response.read(1 << 20):
            size += len(chunk)
    seconds = time.monotonic() - started
    after = server.memory()
    return {"seconds": round(seconds, 2), "bytes": size, "rss_before_kib": before["rss_kib"], **after}


def main(argv=None):
    args = parse_args(argv)
    prepare(args)
    if args.build_only:
        return
    manage(args.database_url, "collectstatic", "--noinput", "-v0", extra_env={"DJANGO_DEBUG": "false",
           "DJANGO_SECRET_KEY": "bench-only-secret-key-" + "x" * 40})
    sample = sample_urls(args.database_url)
    database = "postgresql" if urlsplit(args.database_url).scheme.startswith("postgres") else "sqlite"
    results = {
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "database": database,
        "claims": args.claims,
        "cpus": os.cpu_count(),
        "machine": platform.platform(),
        "duration_s": args.duration,
        "concurrency": args.concurrency,
        "workers": args.workers,
        "rows": sample["rows"],
        "pages": [],
    }
    todo = [(name, path) for name, path in pages(sample) if not args.pages or name == "healthz" or args.pages in name]
    modes = {}
    for mode, page_cache in (("warm", True), ("cold", False)):
        server = Server(args.database_url, args.workers, page_cache)
        try:
            start_memory = server.memory()
            rows = []
            for name, path in todo:
                urllib.request.urlopen(server.base + path, timeout=600).read()  # one request to fill any cache
                # The page and /healthz alternate second by second: each ratio is to the ceiling
                # measured beside it (on a shared machine the load drifts over a run).
                result, ceiling = paired(server.base, path, args.duration, args.concurrency)
                rows.append({"page": name, "path": path, **result, "healthz_rps": ceiling["rps"]})
                print(
                    f"{mode:5} {name:34} {result['rps']:9.1f} req/s  p50 {result['p50_ms']:8.1f} ms  "
                    f"(healthz {ceiling['rps']:.0f}, ratio {result['rps'] / ceiling['rps']:.3f})",
                    flush=True,
                )
            modes[mode] = {"rows": rows, "memory_start": start_memory, "memory_end": server.memory()}
            if mode == "warm":
                results["export_csv"] = export_timing(server)
                print("export.csv", results["export_csv"], flush=True)
        finally:
            server.stop()
    queries = sample["queries"]
    for index, (name, path) in enumerate(todo):
        warm, cold = modes["warm"]["rows"][index], modes["cold"]["rows"][index]
        results["pages"].append(
            {
                "page": name,
                "path": path,
                "queries": queries.get(path),
                "bytes": sample["sizes"].get(path),
                "warm": {**warm, "ratio": warm["rps"] / warm["healthz_rps"]},
                "cold": {**cold, "ratio": cold["rps"] / cold["healthz_rps"]},
            }
        )
    results["memory"] = {mode: {"start": data["memory_start"], "end": data["memory_end"]} for mode, data in modes.items()}
    write_results(results)


def write_results(results: dict):
    RESULTS.mkdir(exist_ok=True)
    stem = f"{results['date'][:10]}-{results['database']}-{results['claims']}"
    (RESULTS / f"{stem}.json").write_text(json.dumps(results, indent=1) + "\n")
    lines = [
        f"# {results['claims']:,} claims on {results['database']}, {results['date']}",
        "",
        f"{results['cpus']} CPUs, {results['machine']}; gunicorn {results['workers']} workers; "
        f"{results['concurrency']} connections for {results['duration_s']:g} s per page and mode; "
        f"client {results['pages'][0]['warm']['client']}. Each ratio is the page's requests/s over "
        f"`/healthz`'s, the two loaded in alternating one-second slices on the same server (the machine is "
        f"shared and its load drifts); latency percentiles are the median over the slices.",
        "",
        "Rows: " + ", ".join(f"{table} {count:,}" for table, count in results["rows"].items()) + ".",
        "",
        "| page | queries | KB | warm req/s | warm ratio | warm p50/p95/p99 ms | cold req/s | cold ratio | cold p50/p95/p99 ms |",
        "| --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |",
    ]
    for page in results["pages"]:
        warm, cold = page["warm"], page["cold"]
        size = f"{page['bytes'] / 1024:.0f}" if page["bytes"] else ""
        lines.append(
            f"| {page['page']} `{page['path']}` | {page['queries'] if page['queries'] is not None else ''} | {size} "
            f"| {warm['rps']:.0f} | {warm['ratio']:.3f} | {warm['p50_ms']:.1f} / {warm['p95_ms']:.1f} / {warm['p99_ms']:.1f} "
            f"| {cold['rps']:.0f} | {cold['ratio']:.3f} | {cold['p50_ms']:.1f} / {cold['p95_ms']:.1f} / {cold['p99_ms']:.1f} |"
        )
    export = results["export_csv"]
    memory = results["memory"]
    lines += [
        "",
        f"Unfiltered `/claims/export.csv`: {export['seconds']:.1f} s, {export['bytes'] / 1e6:.1f} MB; "
        f"worker RSS {export['rss_before_kib'] / 1024:.0f} MB before, {export['rss_kib'] / 1024:.0f} MB after, "
        f"peak {export['peak_rss_kib'] / 1024:.0f} MB.",
        "",
        "Largest worker's RSS under load (MB): "
        + "; ".join(
            f"{mode} {data['start']['rss_kib'] / 1024:.0f} at start, {data['end']['rss_kib'] / 1024:.0f} at end "
            f"(peak {data['end']['peak_rss_kib'] / 1024:.0f})"
            for mode, data in memory.items()
        )
        + ".",
        "",
    ]
    (RESULTS / f"{stem}.md").write_text("\n".join(lines))
    print(f"Wrote {RESULTS / stem}.md and .json")


if __name__ == "__main__":
    main()

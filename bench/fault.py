"""Fault drill: the site under gunicorn on PostgreSQL, through a database outage and under concurrent edits.

Not part of the test suite (it stops the PostgreSQL server of this machine).
Everything targets 127.0.0.1 only.

1. Outage: loader threads fetch public pages (and /healthz, /readyz) from
   gunicorn; mid-run PostgreSQL is stopped (`pg_ctlcluster 15 main stop`),
   held down for --outage seconds, and started again. Every request is
   classed by when it ran: before (ended before the stop was issued), during
   (overlapping the outage, from the stop until the start returned), after
   (started once the start returned). Expected: errors only during the outage, each
   one the site's own 500 page (or /readyz 503), /healthz always 200, and no
   restart of the web processes (same gunicorn worker PIDs at the end).
   PostgreSQL is started again in a finally block, whatever happens.
2. Concurrent edits: the same load while this process publishes and reopens
   verdicts on a few claims through claims.workflow for the same duration.
   Expected: zero 5xx, and after the last edit every claim page, the JSON
   export and the ClaimReview feed show the final state.

    .venv/bin/python bench/fault.py [--database cl_fault] [--outage 3] [--skip-outage]

Results are printed and written to bench/results/fault.json.
"""

import argparse
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="cl_fault", help="PostgreSQL database to use (created if missing)")
    parser.add_argument("--outage", type=float, default=3.0, help="seconds PostgreSQL stays down")
    parser.add_argument("--before", type=float, default=5.0, help="seconds of load before the outage")
    parser.add_argument("--after", type=float, default=10.0, help="seconds of load after PostgreSQL is back")
    parser.add_argument("--edit-seconds", type=float, default=20.0, help="duration of the concurrent-edit run")
    parser.add_argument("--threads", type=int, default=6, help="loader threads")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--skip-outage", action="store_true", help="only the concurrent-edit run")
    return parser.parse_args()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "DATABASE_CONN_MAX_AGE": "60",  # persistent connections: recovery must not depend on fresh ones
        "DATABASE_CONNECT_TIMEOUT": "2",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "fault-drill-" + "k" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_LOG_LEVEL": "ERROR",
    }


def manage(env, *args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master)], capture_output=True, text=True).stdout
    return sorted(int(pid) for pid in out.split())


class Load:
    """Threads fetching URLs in a loop; every result is recorded as (start, url, status, site_500)."""

    def __init__(self, base, urls, threads):
        self.base, self.urls, self.threads = base, urls, threads
        self.results, self.stop = [], threading.Event()
        self.lock = threading.Lock()

    def _fetch(self, url):
        started = time.monotonic()
        try:
            with urllib.request.urlopen(self.base + url, timeout=15) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        except (urllib.error.URLError, OSError):
            status, body = 0, b""  # connection refused or reset: the web process did not answer
        site_page = b"<h1>Temporarily unavailable</h1>" in body
        with self.lock:
            self.results.append((started, url, status, site_page, time.monotonic() - started))

    def _run(self, seed):
        rng = random.Random(seed)
        while not self.stop.is_set():
            self._fetch(rng.choice(self.urls))

    def __enter__(self):
        self.pool = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(self.threads)]
        for thread in self.pool:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.pool:
            thread.join()


def summarise(results, start=float("-inf"), end=float("inf"), *, phase=None) -> dict:
    if phase == "before":
        chosen = [r for r in results if r[0] + r[4] < end]
    elif phase == "during":
        chosen = [r for r in results if r[0] < end and r[0] + r[4] >= start]
    else:
        chosen = [r for r in results if start <= r[0] < end]
    statuses = Counter(r[2] for r in chosen)
    latencies = sorted(r[4] for r in chosen) or [0.0]
    errors = [r for r in chosen if r[2] != 200]
    return {
        "requests": len(chosen),
        "errors": len(errors),
        "5xx": sum(n for status, n in statuses.items() if status >= 500),
        "site_500_pages": sum(1 for r in errors if r[2] == 500 and r[3]),
        "bare_500s": sum(1 for r in errors if r[2] == 500 and not r[3]),
        "readyz_503": sum(1 for r in errors if r[1] == "/readyz" and r[2] == 503),
        "no_answer": statuses.get(0, 0),
        "healthz_failures": sum(1 for r in errors if r[1] == "/healthz"),
        "statuses": dict(sorted(statuses.items())),
        "median_seconds": round(latencies[len(latencies) // 2], 3),
        "slowest_seconds": round(latencies[-1], 3),
    }


def pg_cluster(action: str) -> None:
    command = ["pg_ctlcluster", "15", "main", action]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0 and "systemctl" in (done.stderr + done.stdout):
        done = subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", action], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"pg_ctlcluster {action} failed: {done.stderr.strip()}")


def pg_is_up() -> bool:
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"]).returncode == 0


def outage_run(args, base, urls, master) -> dict:
    pids_before = worker_pids(master)
    load_urls = urls + ["/healthz", "/readyz"] * max(1, len(urls) // 10)
    stopped_at = started_at = None
    timings = {}
    try:
        with Load(base, load_urls, args.threads) as load:
            time.sleep(args.before)
            stopped_at = time.monotonic()
            pg_cluster("stop")
            timings["stop_command_seconds"] = round(time.monotonic() - stopped_at, 2)
            time.sleep(args.outage)
            restart = time.monotonic()
            pg_cluster("start")
            started_at = time.monotonic()
            timings["start_command_seconds"] = round(started_at - restart, 2)
            time.sleep(args.after)
    finally:
        if not pg_is_up():  # whatever failed above, the shared server comes back
            pg_cluster("start")
    pids_after = worker_pids(master)
    return {
        "outage_seconds": round(started_at - stopped_at, 2),
        **timings,
        "before": summarise(load.results, end=stopped_at, phase="before"),
        "during": summarise(load.results, stopped_at, started_at, phase="during"),
        "after": summarise(load.results, started_at),
        "web_processes_restarted": pids_before != pids_after,
        "worker_pids": pids_before,
    }


def concurrent_run(args, base, urls) -> dict:
    from claims import roles, workflow
    from claims.models import Claim
    from django.contrib.auth.models import User
    from sources.models import Source

    reviewer, _ = User.objects.get_or_create(username="fault_reviewer", defaults={"is_staff": True})
    roles.add_to_group(reviewer, roles.REVIEWERS)
    reviewer = User.objects.get(pk=reviewer.pk)
    source, _ = Source.objects.get_or_create(title="Fault drill source", defaults={"kind": "other"})
    claims = list(Claim.objects.filter(status__in=["unreviewed", "in_review"]).order_by("pk")[:5])
    for claim in claims:
        if not claim.citations.filter(source=source).exists():
            workflow.add_citation(claim, user=reviewer, source=source, stance="supports", pinpoint="drill")
    claim_urls = [f"/claims/{claim.pk}/" for claim in claims]
    edits, rng = 0, random.Random(7)
    with Load(base, urls + claim_urls * 4, args.threads) as load:
        deadline = time.monotonic() + args.edit_seconds
        while time.monotonic() < deadline:
            claim = Claim.objects.get(pk=rng.choice(claims).pk)
            if claim.has_verdict:
                workflow.reopen(claim, user=reviewer, reason="fault drill")
            else:
                workflow.set_verdict(claim, user=reviewer, status="supported", finding="Fault drill.", rationale="Fault drill.")
            edits += 1
    final = {claim.pk: claim.status for claim in Claim.objects.filter(pk__in=[c.pk for c in claims])}
    # After the last edit, every page must show the final state.
    stale = []
    for pk, status in final.items():
        html = urllib.request.urlopen(f"{base}/claims/{pk}/", timeout=15).read().decode()
        if f'Status: <span class="badge st-{status}">' not in html:
            stale.append(f"/claims/{pk}/")
    rows = {row["id"]: row["status"] for row in json.load(urllib.request.urlopen(f"{base}/claims/export.json", timeout=30))["claims"]}
    stale += [f"export.json #{pk}" for pk, status in final.items() if rows.get(pk) != status]
    feed = urllib.request.urlopen(f"{base}/claimreview.json", timeout=15).read().decode()
    for pk, status in final.items():
        listed = re.search(rf"/claims/{pk}/\"", feed) is not None
        if listed != (status == "supported"):
            stale.append(f"claimreview.json #{pk}")
    summary = summarise(load.results)
    return {"edits": edits, "claims": len(claims), "final": final, "stale_after_last_edit": stale, **summary}


def main():
    args = parse_args()
    env = server_env(args.database)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", args.database], capture_output=True)
    manage(env, "migrate", "--noinput")
    manage(env, "quickstart", "--no-serve")
    manage(env, "collectstatic", "--noinput")
    os.environ.update({k: v for k, v in env.items() if k.startswith(("DATABASE_", "DJANGO_"))})
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from config.snapshot import public_urls

    urls = public_urls()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(Path(PYTHON).parent / "gunicorn"), "config.wsgi", "--workers", str(args.workers),
         "--bind", f"127.0.0.1:{port}", "--timeout", "30", "--log-level", "error"],
        cwd=ROOT, env=env, stderr=subprocess.DEVNULL,
    )
    report = {"public_urls": len(urls), "gunicorn_workers": args.workers, "loader_threads": args.threads}
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        # Warm every worker up (imports, first connections) so the run measures steady state.
        with Load(base, urls[:40], args.workers * 2) as warm:
            while len(warm.results) < args.workers * 10:
                time.sleep(0.2)
        if not args.skip_outage:
            report["outage"] = outage_run(args, base, urls, server.pid)
            from django.db import connections

            connections.close_all()  # this process's own connection died with the server
        report["concurrent_edits"] = concurrent_run(args, base, urls)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "fault.json").write_text(json.dumps(report, indent=1, default=str))
    print(json.dumps(report, indent=1, default=str))


if __name__ == "__main__":
    main()

"""A small HTTP load client for bench/run.py when `wrk` is not installed.

Threads holding keep-alive connections to one URL, for a fixed time; reports
requests/s and p50/p95/p99 latency. Slower than wrk, so ratios measured with
it are lower bounds: the client, not the server, may be the limit.
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from urllib.parse import urlsplit


def run(url: str, duration: float, concurrency: int) -> dict:
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + duration

    def worker():
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        mine = []
        while time.monotonic() < stop_at:
            started = time.monotonic()
            try:
                connection.request("GET", target)
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    errors[0] += 1
            except (OSError, http.client.HTTPException):
                errors[0] += 1
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
                continue
            mine.append(time.monotonic() - started)
        connection.close()
        with lock:
            latencies.extend(mine)

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def percentile(p):
        if not latencies:
            return 0.0
        return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] * 1000

    return {
        "rps": len(latencies) / elapsed,
        "requests": len(latencies),
        "errors": errors[0],
        "non_2xx": errors[0],
        "p50_ms": percentile(50),
        "p95_ms": percentile(95),
        "p99_ms": percentile(99),
        "mean_ms": statistics.fmean(latencies) * 1000 if latencies else 0.0,
    }

"""Benchmark the foundation: reference + demo load time and API latency on the demo data set.

Prints JSON. The baseline measured in the same run is ``GET /api/health`` (the framework and middleware
with no database work), so the list endpoints' figures show what the database and services add.

    .venv/bin/python benchmarks/bench_api.py [--runs 5] [--requests 200] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("EXPORTPILOT_ENVIRONMENT", "test")
os.environ.setdefault("EXPORTPILOT_SECRET_KEY", "benchmark-secret")


def _timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="ep-bench-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    os.environ["EXPORTPILOT_DATABASE_URL"] = url

    from fastapi.testclient import TestClient
    from sqlalchemy.orm import sessionmaker

    from exportpilot.api.app import create_app
    from exportpilot.db.migrate import upgrade
    from exportpilot.db.session import get_engine, unit_of_work
    from exportpilot.demo.loader import load_demo
    from exportpilot.models import Role
    from exportpilot.reference.loader import load_reference
    from exportpilot.users.schemas import UserCreate
    from exportpilot.users.service import create_user, issue_token

    engine = get_engine()
    upgrade(engine)
    factory = sessionmaker(bind=engine)
    ref_times, demo_times = [], []
    for _ in range(args.runs):
        with unit_of_work(factory) as s:
            ref_times.append(_timed(lambda s=s: load_reference(s)))
        with unit_of_work(factory) as s:
            demo_times.append(_timed(lambda s=s: load_demo(s)))
    with unit_of_work(factory) as s:
        admin = create_user(
            s,
            data=UserCreate(
                email="bench@agency.example", full_name="B", password="benchmark!", role=Role.admin
            ),
            actor=None,
        )
        token, _ = issue_token(s, user=admin, ttl_days=1)
    headers = {"Authorization": f"Bearer {token}"}

    client = TestClient(create_app())
    endpoints = {
        "health (baseline)": "/api/health",
        "companies page of 50": "/api/companies?size=50",
        "companies by region": "/api/companies?region=southeast&size=50",
        "companies search": "/api/companies?q=%ED%95%9C%EB%B9%9B&size=50",
        "products by HS prefix": "/api/products?hs_prefix=33&size=50",
        "buyers by country": "/api/buyers?country=VNM&size=50",
    }
    results = {}
    for name, path in endpoints.items():
        for _ in range(10):  # warm-up
            assert client.get(path, headers=headers).status_code == 200
        lat = sorted(_timed(lambda p=path: client.get(p, headers=headers)) for _ in range(args.requests))
        results[name] = {
            "p50_ms": round(statistics.median(lat) * 1000, 2),
            "p95_ms": round(lat[int(0.95 * len(lat)) - 1] * 1000, 2),
        }
    print(
        json.dumps(
            {
                "benchmark": "api",
                "date": time.strftime("%Y-%m-%d"),
                "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
                "database": engine.dialect.name,
                "reference_first_load_s": round(ref_times[0], 3),
                "reference_rerun_s_median": round(statistics.median(ref_times[1:] or ref_times), 3),
                "demo_load_s_median": round(statistics.median(demo_times), 3),
                "runs": args.runs,
                "requests_per_endpoint": args.requests,
                "latency": results,
            },
            indent=2,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()

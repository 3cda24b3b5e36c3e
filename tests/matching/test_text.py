"""The cross-lingual text matcher on small subsets of real data (HS nomenclature, customs cases).

The bridge's dense part needs thousands of reference embeddings, so these tests give it a small
reference set and cache embeddings in a temporary folder; the full-size figures are in
``benchmarks/bench_matching.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from exportpilot.config import get_settings
from exportpilot.matching import text_bridge
from exportpilot.matching.text import TextMatcher
from exportpilot.matching.text_bridge import HSBridge, load_or_fit_bridge
from exportpilot.matching.text_embed import E5Embedder, _key, clean_text
from exportpilot.matching.text_eval import _hs92_headings, hangul_words, hold_out, score_rankings
from exportpilot.matching.text_lexical import LexicalEncoder, korean_morphemes
from exportpilot.matching.text_reference import (
    HANGUL,
    kcs_references,
    load_kcs_cases,
    nomenclature_references,
)


def _shared_data() -> Path:
    shared = get_settings().shared_data
    path = None if shared is None else Path(shared) / "hs" / "kcs_cases_train.csv"
    if path is None or not path.is_file():
        if os.environ.get("CI"):
            pytest.fail("the shared data folder with hs/kcs_cases_train.csv is required in CI")
        pytest.skip("no shared data folder with hs/kcs_cases_train.csv (set EXPORTPILOT_SHARED_DATA)")
    return Path(shared)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _var_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Keep the embedding and bridge caches of these tests out of the project's var folder."""
    monkeypatch.setenv("EXPORTPILOT_VAR_DIR", str(tmp_path_factory.getbasetemp() / "matching-var"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


class SpanishToKorean:
    """Twelve HS headings: Spanish heading names as queries, held-out Korean customs texts as corpus."""

    def __init__(self, shared: Path) -> None:
        cases = load_kcs_cases(shared / "hs" / "kcs_cases_train.csv")
        held = hold_out(cases)
        heads = _hs92_headings()
        korean = cases["text"].map(lambda t: bool(HANGUL.search(t)))
        ko_held = cases[held.heldout & korean].copy()
        ko_held["ko"] = ko_held["text"].map(hangul_words)
        ko_held = ko_held[ko_held["ko"].str.len() >= 2]
        train_ko = cases[~held.heldout & korean]
        per_head = train_ko.groupby("hs4").size()
        # headings with held-out Korean text and enough Korean training cases, spread over chapters
        eligible = sorted(h for h in set(ko_held["hs4"]) if per_head.get(h, 0) >= 5 and h in heads.index)
        chosen, chapters = [], set()
        for h in eligible:
            if h[:2] not in chapters:
                chosen.append(h)
                chapters.add(h[:2])
            if len(chosen) == 12:
                break
        first = ko_held.sort_values("row").drop_duplicates("hs4").set_index("hs4")
        self.headings = chosen
        self.queries = [str(heads.loc[h, "name_es"]) for h in chosen]
        self.corpus = [str(first.loc[h, "ko"]) for h in chosen]
        # distractors: Korean texts of other headings
        others = first[~first.index.isin(chosen)].head(12)
        self.corpus += others["ko"].tolist()
        self.relevant = [{i} for i in range(len(chosen))]
        nomen = nomenclature_references()
        keep = [c[:2] in chapters for c in nomen.codes]
        train = cases[~held.heldout]
        self.reference = nomen.select(keep).extend(
            kcs_references(
                # the chosen headings' training cases and a few hundred others as noise
                train[train["hs4"].isin(chosen)].groupby("hs4").head(40)
            ).extend(kcs_references(train[train["hs4"].str[:2].isin(chapters)].head(400)))
        )
        self.bridge = HSBridge(dense_sources=()).fit(self.reference)


@pytest.fixture(scope="module")
def es_ko() -> SpanishToKorean:
    return SpanishToKorean(_shared_data())


def _lexical_bridge_matcher(data: SpanishToKorean) -> TextMatcher:
    # no dense reference votes: embedding thousands of descriptions is a benchmark's job, not a test's
    return TextMatcher(bridge=data.bridge, cache_texts=True)


class TestTextMatcher:
    def test_spanish_heading_finds_the_korean_product_among_distractors(self, es_ko: SpanishToKorean) -> None:
        matcher = _lexical_bridge_matcher(es_ko).fit(es_ko.corpus)
        hits = matcher.search(es_ko.queries, top=5)
        assert len(hits) == len(es_ko.queries)
        engine = score_rankings([[c for c, _ in h] for h in hits], es_ko.relevant, k=5)
        plain = TextMatcher(use_bridge=False, weights={"dense": 1.0}).fit(es_ko.corpus)
        e5 = score_rankings(
            [[c for c, _ in h] for h in plain.search(es_ko.queries, top=5)], es_ko.relevant, k=5
        )
        assert engine["recall@5"] >= 0.6, engine
        assert engine["mrr"] > e5["mrr"], (engine, e5)

    def test_search_is_deterministic_and_sorted(self, es_ko: SpanishToKorean) -> None:
        a = _lexical_bridge_matcher(es_ko).fit(es_ko.corpus).search(es_ko.queries, top=24)
        b = _lexical_bridge_matcher(es_ko).fit(es_ko.corpus).search(es_ko.queries, top=24)
        assert a == b
        for hits in a:
            assert len(hits) == len(es_ko.corpus)
            assert sorted(c for c, _ in hits) == list(range(len(es_ko.corpus)))
            scores = [s for _, s in hits]
            assert scores == sorted(scores, reverse=True)

    def test_empty_and_garbage_texts_do_not_crash(self, es_ko: SpanishToKorean) -> None:
        corpus = [*es_ko.corpus[:5], "", "   ", "\x00\x01\x02", "!!!???", None, float("nan")]
        matcher = _lexical_bridge_matcher(es_ko).fit(corpus)
        hits = matcher.search(["", "%%%%", "\u200b", es_ko.queries[0], "x" * 5000], top=3)
        assert [len(h) for h in hits] == [3, 3, 3, 3, 3]
        assert all(np.isfinite(s) for h in hits for _, s in h)
        # a real query prefers a real text over the empty ones
        assert hits[3][0][0] < 5

    def test_known_hs_code_of_a_corpus_item_counts(self, es_ko: SpanishToKorean) -> None:
        meta = [{"hs_code": None} for _ in es_ko.corpus]
        # tell the matcher the true heading of a corpus item that is otherwise hard to classify
        meta[0] = {"hs_code": es_ko.headings[0] + "00"}
        plain = _lexical_bridge_matcher(es_ko).fit(es_ko.corpus)
        told = _lexical_bridge_matcher(es_ko).fit(es_ko.corpus, corpus_meta=meta)
        before = plain.signals([es_ko.queries[0]])["hs"][0, 0]
        after = told.signals([es_ko.queries[0]])["hs"][0, 0]
        assert after > before

    def test_metadata_filters(self, es_ko: SpanishToKorean) -> None:
        meta = [{"hs_code": h + "00", "country": "KR"} for h in es_ko.headings]
        meta += [{"hs_code": None, "country": "CN"} for _ in es_ko.corpus[len(es_ko.headings) :]]
        matcher = _lexical_bridge_matcher(es_ko).fit(es_ko.corpus, corpus_meta=meta)
        chapter = es_ko.headings[3][:2]
        hits = matcher.search(es_ko.queries[:4], top=5, filters={"hs_prefix": chapter})
        assert all(len(h) == 1 and h[0][0] == 3 for h in hits)  # one heading per chapter was chosen
        hits = matcher.search(es_ko.queries[:2], top=30, filters={"country": ["CN"]})
        assert all({c for c, _ in h} == set(range(len(es_ko.headings), len(es_ko.corpus))) for h in hits)
        assert matcher.search(es_ko.queries[:2], filters={"country": "FR"}) == [[], []]
        with pytest.raises(ValueError, match="unknown filter"):
            matcher.search(es_ko.queries[:1], filters={"colour": "red"})

    def test_explain_names_the_shared_heading(self, es_ko: SpanishToKorean) -> None:
        matcher = _lexical_bridge_matcher(es_ko).fit(es_ko.corpus)
        query = es_ko.queries[0]
        best = matcher.search([query], top=1)[0][0][0]
        why = matcher.explain(query, best)
        assert why.query_hs4 and why.query_hs4[0][0] == es_ko.headings[0]
        assert why.score == pytest.approx(matcher.search([query], top=1)[0][0][1], abs=1e-5)

    def test_precomputed_corpus_vectors_and_prefetched_queries(self, es_ko: SpanishToKorean) -> None:
        plain = _lexical_bridge_matcher(es_ko).fit(es_ko.corpus).search(es_ko.queries, top=5)
        dense = E5Embedder().embed(es_ko.corpus, "passage")
        given = _lexical_bridge_matcher(es_ko).fit(es_ko.corpus, corpus_dense=dense, queries=es_ko.queries)
        assert given.search(es_ko.queries, top=5) == plain
        # the queries were embedded during fit, so search finds them in the embedder's memory
        fresh = _lexical_bridge_matcher(es_ko).fit(es_ko.corpus, queries=es_ko.queries)
        assert all(_key("query", clean_text(q)) in fresh.text_embedder_._mem for q in es_ko.queries)
        with pytest.raises(ValueError, match="corpus_dense"):
            _lexical_bridge_matcher(es_ko).fit(es_ko.corpus, corpus_dense=dense[:3])

    def test_several_known_codes_share_the_weight(self, es_ko: SpanishToKorean) -> None:
        one = [{"hs_code": es_ko.headings[0] + "00"}] + [{}] * (len(es_ko.corpus) - 1)
        two = [{"hs_code": [es_ko.headings[0] + "00", es_ko.headings[1] + "00"]}] + [{}] * (
            len(es_ko.corpus) - 1
        )
        a = _lexical_bridge_matcher(es_ko).fit(es_ko.corpus, corpus_meta=one)
        b = _lexical_bridge_matcher(es_ko).fit(es_ko.corpus, corpus_meta=two)
        bridge = a.bridge_
        assert bridge is not None
        h0, h1 = (list(bridge.hs4_).index(h) for h in es_ko.headings[:2])
        assert a.corpus_p4_[0, h0] > b.corpus_p4_[0, h0] > 0.25
        assert b.corpus_p4_[0, h1] >= 0.25  # half of the known-code weight
        np.testing.assert_allclose(b.corpus_p4_[0].sum(), a.corpus_p4_[0].sum(), rtol=1e-5)

    def test_unfitted_and_bad_arguments(self) -> None:
        with pytest.raises(RuntimeError, match="not fitted"):
            TextMatcher().search(["x"])
        matcher = TextMatcher(use_bridge=False).fit(["a", "b"])
        with pytest.raises(ValueError, match="top"):
            matcher.search(["a"], top=0)
        with pytest.raises(ValueError, match="corpus_meta"):
            TextMatcher(use_bridge=False).fit(["a", "b"], corpus_meta=[{}])
        assert TextMatcher(use_bridge=False).fit([]).search(["a"]) == [[]]


class TestBridge:
    def test_dense_votes_place_a_language_without_references(self, tmp_path: Path) -> None:
        # English heading names only; the queries are in Chinese, Japanese and Arabic (no shared n-gram)
        nomen = nomenclature_references(spanish=False, short_names=False)
        wanted = {"0901", "1902", "3304", "8703", "6403", "9503"}
        ref = nomen.select(
            [c in wanted and s == "hs22-en" for c, s in zip(nomen.codes, nomen.sources, strict=True)]
        )
        emb = E5Embedder(cache_dir=tmp_path)
        bridge = HSBridge(embedder=emb, dense_sources=("hs22-en",)).fit(ref)
        queries = [
            "烘焙咖啡豆",
            "インスタントラーメン",
            "лапша быстрого приготовления",
            "化妆品和护肤品",
            "سيارات الركاب",
        ]
        p4, _ = bridge.transform(queries)
        best = [str(bridge.hs4_[i]) for i in p4.argmax(axis=1)]
        right = sum(b == t for b, t in zip(best, ["0901", "1902", "1902", "3304", "8703"], strict=True))
        assert right >= 4, best  # e5-small is weakest on Japanese katakana
        np.testing.assert_allclose(p4.sum(axis=1), 1.0, rtol=1e-5)

    def test_bridge_cache_round_trip(self, tmp_path: Path) -> None:
        nomen = nomenclature_references(short_names=False)
        ref = nomen.select([c.startswith("09") for c in nomen.codes])
        texts = ["café tostado", "té verde", "pimienta negra"]
        a = load_or_fit_bridge(HSBridge(dense_sources=()), ref, tmp_path / "e5")
        assert len(list(tmp_path.glob("bridge-*.pkl"))) == 1
        assert load_or_fit_bridge(HSBridge(dense_sources=()), ref, tmp_path / "e5") is a  # in memory
        text_bridge._LOADED.clear()
        b = load_or_fit_bridge(HSBridge(dense_sources=()), ref, tmp_path / "e5")  # from the pickle
        assert a is not b
        np.testing.assert_array_equal(a.transform(texts)[0], b.transform(texts)[0])
        assert [str(a.hs4_[i]) for i in a.transform(texts)[0].argmax(axis=1)] == ["0901", "0902", "0904"]


class TestLexical:
    def test_korean_morphemes_split_compounds(self) -> None:
        assert korean_morphemes(["뼈없는 어린 양고기", "olive oil"]) == ["뼈 없 어리 양 고기", ""]

    def test_encoder_rows_are_unit_or_zero(self) -> None:
        enc = LexicalEncoder().fit(["냉동 고등어", "frozen mackerel", "aceite de oliva"])
        x = enc.transform(["냉동 고등어 필렛", "", "zzzz"])
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        assert norms[0] == pytest.approx(1.0, abs=1e-5) and norms[1] == 0.0

    def test_fit_transform_is_fit_then_transform(self) -> None:
        texts = [
            "냉동 고등어 필렛",
            "frozen mackerel fillets",
            "aceite de oliva virgen",
            "",
            "양고기 냉장",
        ] * 6
        a = LexicalEncoder(max_df=0.5).fit_transform(texts)
        b = LexicalEncoder(max_df=0.5).fit(texts).transform(texts)
        assert a.shape == b.shape and abs(a - b).max() < 1e-6

    def test_clean_text(self) -> None:
        assert clean_text(None) == "" and clean_text(float("nan")) == ""
        assert clean_text("a\x00b\n  c") == "a b c"
        assert len(clean_text("x" * 5000)) == 1000


class TestEmbedder:
    def test_prefixes_differ_and_cache_round_trips(self, tmp_path: Path) -> None:
        emb = E5Embedder(cache_dir=tmp_path)
        q = emb.embed(["올리브 오일", ""], "query")
        p = emb.embed(["올리브 오일"], "passage")
        assert q.shape == (2, 384) and not q[1].any()
        assert np.linalg.norm(q[0]) == pytest.approx(1.0, abs=1e-4)
        assert not np.allclose(q[0], p[0])
        again = E5Embedder(cache_dir=tmp_path).embed(["올리브 오일"], "query")
        np.testing.assert_array_equal(again[0], q[0])
        with pytest.raises(ValueError, match="prefix"):
            emb.embed(["x"], "document")  # type: ignore[arg-type]

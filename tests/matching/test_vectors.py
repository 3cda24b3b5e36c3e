"""Persisted corpus vectors (usearch under the var folder, pgvector on PostgreSQL) and the engine path of
the matching service: the products' vectors persist, are updated incrementally, and the real e5 model
embeds the (few) texts.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from exportpilot.config import get_settings
from exportpilot.matching import retrieval
from exportpilot.matching import service as matching
from exportpilot.matching import text as text_module
from exportpilot.matching.text_embed import E5Embedder
from exportpilot.matching.text_reference import ReferenceSet, nomenclature_references
from exportpilot.matching.vectors import CorpusVectors
from exportpilot.models import Role
from tests.buyers.helpers import make_inquiry, trusted_buyer
from tests.factories import make_company, make_product, make_user

TEXTS = ["냉동 고등어 필렛", "원두 커피 1kg", "어린이 장난감 블록", "자동차용 타이어"]


def _small_reference() -> ReferenceSet:
    """The nomenclature of four chapters: the bridge fits in a second instead of on 52,000 texts."""
    nomen = nomenclature_references(short_names=False)
    keep = [c[:2] in {"03", "09", "40", "95"} for c in nomen.codes]
    return nomen.select(keep)


@pytest.fixture(autouse=True)
def private_var(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    var = tmp_path / "var"
    monkeypatch.setenv("EXPORTPILOT_VAR_DIR", str(var))
    monkeypatch.setenv("EXPORTPILOT_MATCHING_RETRIEVAL", "auto")
    monkeypatch.setattr(text_module, "default_references", lambda shared: _small_reference())
    get_settings.cache_clear()
    retrieval._fitted.clear()
    yield var
    retrieval._fitted.clear()
    get_settings.cache_clear()


def _check_sync(store: CorpusVectors) -> None:
    """The incremental behaviour every backend must have."""
    truth = E5Embedder().embed(TEXTS, "passage")
    vecs = store.sync([10, 11, 12, 13], TEXTS, {"hs_code": ["030489", "090121", None, "401110"]})
    np.testing.assert_allclose(vecs, truth, atol=1e-5)
    assert store.last_report is not None and store.last_report.embedded == 4

    # a new instance (a new process) finds them: nothing embedded
    again = CorpusVectors(store.name, store.database_url)
    np.testing.assert_allclose(again.sync([10, 11, 12, 13], TEXTS), truth, atol=1e-5)
    assert again.last_report is not None and not again.last_report.changed

    # one text changed, one row deleted, one text moved to a new id (a demo reload): one embedding
    changed = ["냉동 고등어 필렛", "원두 커피 500g", "어린이 장난감 블록"]
    vecs = again.sync([10, 11, 20], changed)
    report = again.last_report
    assert (report.embedded, report.reused, report.removed, report.rows) == (1, 1, 2, 3)
    np.testing.assert_allclose(vecs[2], truth[2], atol=1e-5)
    np.testing.assert_allclose(vecs[1], E5Embedder().embed(["원두 커피 500g"], "passage")[0], atol=1e-5)

    # an empty text gets a zero vector and no row
    vecs = again.sync([10, 30], ["냉동 고등어 필렛", "  "])
    assert not vecs[1].any() and again.last_report.rows == 1

    with pytest.raises(ValueError, match="unique"):
        again.sync([1, 1], ["a", "b"])
    with pytest.raises(ValueError, match="one key per text"):
        again.sync([1], ["a", "b"])


class TestCorpusVectors:
    def test_usearch_folder_is_updated_incrementally(self, private_var: Path) -> None:
        store = CorpusVectors("products", "sqlite:////tmp/some/exportpilot.db")
        assert store.backend == "usearch"
        _check_sync(store)
        folder = store.folder()
        assert folder.is_relative_to(private_var / "matching" / "index")
        assert (folder / "hnsw.usearch").is_file() and (folder / "vectors.npy").is_file()
        assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]  # no leftovers

    def test_pgvector_table_is_updated_incrementally(self, pgvector_url: str) -> None:
        store = CorpusVectors("products", pgvector_url)
        assert store.backend == "pgvector"
        try:
            _check_sync(store)
            # the rows are in the table and searchable there
            from exportpilot.matching.index import PgVectorIndex

            pg = PgVectorIndex(pgvector_url, table="matching_products_vectors").open({})
            keys, _vecs, meta = pg.rows()
            assert keys.tolist() == [10]
            assert set(meta.columns) == {"text_hash", "hs_code"}
            query = E5Embedder().embed(["frozen mackerel"], "query")
            assert pg.search(query, 1).keys[0, 0] == 10
        finally:
            from exportpilot.matching.index import PgVectorIndex

            PgVectorIndex(pgvector_url, table="matching_products_vectors").drop()

    def test_postgres_without_pgvector_falls_back_to_usearch(self, database_url: str) -> None:
        from tests.matching.conftest import _server_with_vector

        if not database_url.startswith("postgresql") or _server_with_vector(database_url):
            pytest.skip("needs the PostgreSQL test cluster without the vector extension (make test-postgres)")
        store = CorpusVectors("products", database_url)
        assert store.backend == "usearch"
        vecs = store.sync([1], ["원두 커피"])
        assert vecs.shape == (1, 384) and (store.folder() / "hnsw.usearch").is_file()

    def test_bad_names_are_refused(self) -> None:
        with pytest.raises(ValueError, match="corpus name"):
            CorpusVectors("products; drop table x", "sqlite:///x.db")


class TestServiceWithTheEngine:
    def test_spanish_inquiry_finds_the_korean_product_and_vectors_persist(
        self, session, private_var: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        company = make_company(session)
        korean = {"name_en": "", "description_en": ""}
        coffee = make_product(
            session, company, hs_code="090121", name_ko="원두 커피", description_ko="로스팅 원두", **korean
        )
        for name in ("냉동 고등어 필렛", "어린이 장난감 블록", "자동차용 타이어"):
            make_product(session, company, hs_code=None, name_ko=name, description_ko=name, **korean)
        buyer = trusted_buyer(session)
        inquiry = make_inquiry(
            session, buyer, title="Café", text="Buscamos café tostado en grano para cafeterías", hs_code=None
        )
        advisor = make_user(session, Role.advisor)
        with caplog.at_level(logging.INFO, logger="exportpilot.matching.vectors"):
            _, _, results, used = matching.match_inquiry(session, inquiry_id=inquiry.id, actor=advisor)
        assert used == retrieval.ENGINE
        assert results[0].product.id == coffee.id
        assert "was stale: 4 texts embedded" in caplog.text

        # a new process: the vectors come from the index, only a changed product is embedded again
        retrieval._fitted.clear()
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="exportpilot.matching.vectors"):
            assert matching.prepare_products(session) == 4
        assert "stale" not in caplog.text
        coffee.description_ko = "로스팅 원두 커피, 1kg 봉지"
        session.flush()
        with caplog.at_level(logging.INFO, logger="exportpilot.matching.vectors"):
            _, _, results, _ = matching.match_inquiry(session, inquiry_id=inquiry.id, actor=advisor)
        assert "1 texts embedded" in caplog.text
        assert results[0].product.id == coffee.id

        # the pair score of an introduction uses the product's place among all products, as the ranking
        scored = matching.score_pair(session, buyer=buyer, product=coffee, inquiry=inquiry)
        assert scored.signals["text"] == pytest.approx(results[0].scored.signals["text"], abs=1e-6) == 1.0

    def test_product_to_buyers_across_languages(self, session) -> None:
        company = make_company(session)
        tyre = make_product(
            session,
            company,
            hs_code=None,
            name_ko="승용차용 타이어",
            name_en="",
            description_ko="타이어",
            description_en="",
        )
        wants_tyres = trusted_buyer(session, products_of_interest="Neumáticos nuevos para automóviles")
        trusted_buyer(session, products_of_interest="Juguetes de madera para niños")
        trusted_buyer(session, products_of_interest="Café verde en grano")
        _, results, used = matching.match_product(
            session, product_id=tyre.id, actor=make_user(session, Role.advisor)
        )
        assert used == retrieval.ENGINE
        assert results[0].buyer.id == wants_tyres.id


class TestIndexCommand:
    def test_builds_then_finds_nothing_to_do(self, cli_engine, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
        from sqlalchemy.orm import sessionmaker
        from typer.testing import CliRunner

        from exportpilot.cli.main import app
        from exportpilot.db.session import unit_of_work
        from exportpilot.reference.loader import load_reference

        monkeypatch.setattr(text_module, "default_references", lambda shared: _small_reference())
        with unit_of_work(sessionmaker(bind=cli_engine)) as session:
            load_reference(session)
            company = make_company(session)
            for name in TEXTS[:3]:
                make_product(session, company, hs_code=None, name_ko=name, name_en="", description_en="")
        runner = CliRunner()
        first = runner.invoke(app, ["match", "index", "--products-only"])
        assert first.exit_code == 0, first.output
        assert "products: 3 texts indexed" in " ".join(first.output.split())
        folder = CorpusVectors("products", str(cli_engine.url)).folder()
        assert (folder / "hnsw.usearch").is_file()
        stamp = (folder / "keys.npy").stat().st_mtime_ns
        retrieval._fitted.clear()
        again = runner.invoke(app, ["match", "index"])
        assert again.exit_code == 0, again.output
        assert (folder / "keys.npy").stat().st_mtime_ns == stamp  # nothing changed, nothing rewritten
        assert "buyers' profiles and inquiries: 0 texts indexed" in " ".join(again.output.split())

        monkeypatch.setenv("EXPORTPILOT_MATCHING_RETRIEVAL", "lexical")
        get_settings.cache_clear()
        lexical = runner.invoke(app, ["match", "index"])
        assert lexical.exit_code == 0 and "no vectors to build" in " ".join(lexical.output.split())

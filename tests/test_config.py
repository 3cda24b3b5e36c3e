from __future__ import annotations

import pytest
from pydantic import ValidationError

from exportpilot.config import DEFAULT_SECRET, Environment, Settings


class TestSettings:
    def test_default_secret_refused_outside_development(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv("EXPORTPILOT_SECRET_KEY", raising=False)
        with pytest.raises(ValidationError, match="SECRET_KEY"):
            Settings(environment=Environment.production, secret_key=DEFAULT_SECRET)

    def test_default_secret_allowed_in_development(self) -> None:
        s = Settings(environment=Environment.development, secret_key=DEFAULT_SECRET)
        assert s.secret_key == DEFAULT_SECRET

    def test_sqlite_under_var_by_default(self, tmp_path) -> None:  # type: ignore[no-untyped-def]
        s = Settings(var_dir=tmp_path, database_url="")
        assert s.sqlalchemy_url == f"sqlite:///{tmp_path / 'exportpilot.db'}"

    def test_env_prefix(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("EXPORTPILOT_DATABASE_URL", "postgresql+psycopg://u@h/db")
        monkeypatch.setenv("EXPORTPILOT_DEFAULT_LANGUAGE", "en")
        s = Settings()
        assert s.sqlalchemy_url == "postgresql+psycopg://u@h/db" and s.default_language == "en"

    def test_unsupported_language_refused(self) -> None:
        with pytest.raises(ValidationError, match="DEFAULT_LANGUAGE"):
            Settings(default_language="fr")

    def test_shared_data_defaults_to_sibling_folder(self) -> None:
        s = Settings()
        if s.shared_data is not None:
            assert (s.shared_data / "hs").is_dir()

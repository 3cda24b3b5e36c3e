from __future__ import annotations

from sqlalchemy import Select, func, select

from exportpilot.kit.repository import RepositoryBase
from exportpilot.models import ApiToken, User


class UserRepository(RepositoryBase[User]):
    model = User

    def by_email(self, email: str) -> User | None:
        return self.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))

    def list_query(self) -> Select[User]:
        return select(User).order_by(User.id)


class TokenRepository(RepositoryBase[ApiToken]):
    model = ApiToken

    def by_digest(self, digest: str) -> ApiToken | None:
        return self.session.scalar(select(ApiToken).where(ApiToken.digest == digest))

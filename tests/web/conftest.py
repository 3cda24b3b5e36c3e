"""Helpers for the page tests: log in through the real form, read tokens, values and errors off a page."""

from __future__ import annotations

import html
import re

import pytest

from tests.factories import PASSWORD

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(page: str) -> str:
    match = _CSRF.search(page)
    assert match, "the page has no CSRF field"
    return match.group(1)


def field_error(page: str, name: str) -> str | None:
    """The error message shown next to form field ``name``, if any."""
    match = re.search(rf'<p class="field-error" id="err-{re.escape(name)}">(.*?)</p>', page, re.S)
    return html.unescape(match.group(1)) if match else None


def input_value(page: str, name: str) -> str | None:
    """The value of the ``<input>`` named ``name``, as the page shows it."""
    match = re.search(
        rf'<input id="f-{re.escape(name)}" name="{re.escape(name)}"[^>]*? value="([^"]*)"', page
    )
    return html.unescape(match.group(1)) if match else None


def is_marked_invalid(page: str, name: str) -> bool:
    tag = re.search(rf'<(?:input|select|textarea) id="f-{re.escape(name)}"[^>]*>', page)
    return bool(tag and 'aria-invalid="true"' in tag.group(0))


def html_lang(page: str) -> str:
    match = re.search(r'<html lang="(\w+)">', page)
    assert match, "no <html lang>"
    return match.group(1)


@pytest.fixture
def web_login(client):  # type: ignore[no-untyped-def]
    """``web_login(user, lang=None)`` logs ``user`` in through /login and returns the session's CSRF token."""

    def _login(user, lang: str | None = None) -> str:  # type: ignore[no-untyped-def]
        page = client.get("/login", params={"lang": lang} if lang else None)
        assert page.status_code == 200, page.text
        r = client.post(
            "/login",
            data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_of(page.text), "next": "/"},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
        return csrf_of(client.get("/").text)

    return _login

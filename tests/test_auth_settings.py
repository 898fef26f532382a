"""Access-control settings: each misconfiguration is one clear line; passwords are hashes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from dash import Dash
from werkzeug.security import generate_password_hash

from marmot_dash.auth import Passwords, basic_users, discovery_url, setup_auth
from marmot_dash.data.errors import UserError

SECRET = "k" * 40
OIDC = {"MARMOT_AUTH": "oidc", "MARMOT_OIDC_ISSUER": "https://login.example.org/tenant/v2.0",
        "MARMOT_OIDC_CLIENT_ID": "app", "MARMOT_OIDC_CLIENT_SECRET": "s",
        "MARMOT_SECRET_KEY": SECRET}


def app() -> Dash:
    return Dash(__name__)


def test_public_is_the_default_and_adds_no_sign_in() -> None:
    dash_app = app()
    hooks = len(dash_app.server.before_request_funcs[None])
    assert setup_auth(dash_app, {}) == "public"
    assert setup_auth(dash_app, {"MARMOT_AUTH": " Public "}) == "public"
    assert len(dash_app.server.before_request_funcs[None]) == hooks


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MARMOT_AUTH": "ldap"}, "MARMOT_AUTH is 'ldap': expected one of public, basic, oidc"),
        ({"MARMOT_AUTH": "basic"}, "MARMOT_AUTH=basic needs users"),
        ({**OIDC, "MARMOT_OIDC_ISSUER": ""}, "MARMOT_AUTH=oidc needs MARMOT_OIDC_ISSUER"),
        ({**OIDC, "MARMOT_OIDC_CLIENT_ID": " "}, "needs MARMOT_OIDC_CLIENT_ID"),
        ({**OIDC, "MARMOT_OIDC_CLIENT_SECRET": ""}, "needs MARMOT_OIDC_CLIENT_SECRET"),
        ({**OIDC, "MARMOT_SECRET_KEY": ""}, "needs MARMOT_SECRET_KEY"),
        ({**OIDC, "MARMOT_SECRET_KEY": "short"}, "MARMOT_SECRET_KEY is 5 characters"),
        ({**OIDC, "MARMOT_OIDC_ISSUER": "http://login.example.org/"}, "is not an https:// URL"),
        ({**OIDC, "MARMOT_OIDC_ISSUER": "login.example.org"}, "is not an https:// URL"),
    ],
)
def test_a_misconfiguration_is_one_line(env: dict, message: str) -> None:
    with pytest.raises(UserError, match=re.escape(message)) as error:
        setup_auth(app(), env)
    assert "\n" not in str(error.value)


def test_oidc_reads_the_discovery_document_of_the_issuer() -> None:
    assert setup_auth(app(), OIDC) == "oidc"
    expected = "https://login.example.org/tenant/v2.0/.well-known/openid-configuration"
    assert discovery_url("https://login.example.org/tenant/v2.0/") == expected
    assert discovery_url(expected) == expected
    assert discovery_url("http://127.0.0.1:9000").startswith("http://127.0.0.1:9000/.well-known")


def test_basic_users_come_from_a_file_of_hashes(tmp_path: Path) -> None:
    alice, bob = generate_password_hash("a-long-passphrase"), generate_password_hash("b", "pbkdf2")
    users = tmp_path / "users"
    users.write_text(f"# the team\nalice:{alice}\n\nbob:{bob}\n", encoding="utf-8")
    assert basic_users({"MARMOT_BASIC_AUTH_USERS_FILE": str(users)}) == {"alice": alice, "bob": bob}
    assert basic_users({"MARMOT_BASIC_AUTH_USERS": f"alice:{alice},bob:{bob}"}) == {
        "alice": alice, "bob": bob}


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MARMOT_BASIC_AUTH_USERS": "alice:hunter2"},
         "entry 1 ('alice'): the password must be a scrypt: or pbkdf2: hash"),
        ({"MARMOT_BASIC_AUTH_USERS": "alice:scrypt:notahash"}, "must be a scrypt: or pbkdf2:"),
        ({"MARMOT_BASIC_AUTH_USERS": "no colon here"}, "entry 1: expected name:password-hash"),
        ({"MARMOT_BASIC_AUTH_USERS": "a:pbkdf2:x$y$z,a:pbkdf2:x$y$z"}, "'a' is listed twice"),
        ({"MARMOT_BASIC_AUTH_USERS": "a:pbkdf2:x$y$z", "MARMOT_BASIC_AUTH_USERS_FILE": "f"},
         "not both"),
        ({"MARMOT_BASIC_AUTH_USERS_FILE": "/nonexistent/users"}, "cannot read /nonexistent"),
    ],
)
def test_bad_basic_users_are_refused_in_one_line(env: dict, message: str) -> None:
    with pytest.raises(UserError, match=re.escape(message)):
        basic_users(env)


def test_a_huge_or_binary_users_file_is_refused(tmp_path: Path) -> None:
    users = tmp_path / "users"
    users.write_bytes(b"\xff\xfe" * 10)
    with pytest.raises(UserError, match="is not UTF-8 text"):
        basic_users({"MARMOT_BASIC_AUTH_USERS_FILE": str(users)})
    users.write_bytes(b"#" * 70_000)
    with pytest.raises(UserError, match="is over 65536 bytes"):
        basic_users({"MARMOT_BASIC_AUTH_USERS_FILE": str(users)})


def test_passwords_are_checked_against_their_hashes() -> None:
    passwords = Passwords({"alice": generate_password_hash("correct horse")})
    assert passwords.check("alice", "correct horse")
    assert passwords.check("alice", "correct horse")  # remembered: no second hash
    assert not passwords.check("alice", "Correct horse")
    assert not passwords.check("mallory", "correct horse")

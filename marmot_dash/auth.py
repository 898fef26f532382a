"""Who may read the dashboard: everyone, a small team with passwords, or council staff signed in.

Set by environment variables (see the README) and applied by ``setup_auth`` with the ecosystem's
``dash-auth``:

- ``MARMOT_AUTH``: ``public`` (the default), ``basic`` or ``oidc``.
- basic: ``MARMOT_BASIC_AUTH_USERS_FILE`` (a file of ``name:hash`` lines) or
  ``MARMOT_BASIC_AUTH_USERS`` (the same entries, separated by commas or new lines). A password
  is stored as a werkzeug hash (``scrypt:...`` or ``pbkdf2:...``); plaintext is refused.
- oidc: ``MARMOT_OIDC_ISSUER`` (the issuer URL, or its ``/.well-known/openid-configuration``
  URL), ``MARMOT_OIDC_CLIENT_ID``, ``MARMOT_OIDC_CLIENT_SECRET``, ``MARMOT_SECRET_KEY`` (signs
  the session cookie: the same value in every worker), optional ``MARMOT_OIDC_SCOPE`` and
  ``MARMOT_OIDC_HTTPS_CALLBACK=1`` (behind a proxy that ends TLS).

Behind basic or oidc every route needs the reader signed in except the health checks. Pages ask
``signed_in()`` whether to show restricted material; a misconfiguration raises ``UserError``
with one line at start-up.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlparse

import dash_auth
import flask
from authlib.integrations.base_client import OAuthError
from dash import Dash
from werkzeug.security import check_password_hash

from marmot_dash.data.errors import UserError

MODES = ("public", "basic", "oidc")
PUBLIC_ROUTES = ["/healthz", "/readyz"]  # the orchestrator's checks never sign in
PROVIDER = "sso"  # the provider's name in the redirect URI: <site>/oidc/sso/callback
CALLBACK_PATH = f"/oidc/{PROVIDER}/callback"
DEFAULT_SCOPE = "openid email profile"
DISCOVERY = "/.well-known/openid-configuration"
HASH_METHODS = ("scrypt:", "pbkdf2:")
MIN_SECRET_KEY = 32
SESSION_HOURS = 12  # a working day: a stolen session cookie is not good for a month
MAX_USERS_FILE = 64 * 1024
REALM = "Marmot indicators"
_USER = "marmot_user"  # flask.g: who the current request is signed in as
_NEXT = "marmot_next"  # session: the page to return to after signing in
_USER_CLAIMS = ("sub", "name", "preferred_username", "email")  # kept small: a cookie holds them

SIGN_IN_FAILED_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign-in failed</title></head>
<body style="font-family: Arial, sans-serif; max-width: 40em; margin: 3em auto; color: #1a1a1a">
<h1>Sign-in did not complete</h1>
<p>The sign-in was refused or has expired. <a href="/">Try again</a>.</p>
</body></html>
"""
SIGNED_OUT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Signed out</title></head>
<body style="font-family: Arial, sans-serif; max-width: 40em; margin: 3em auto; color: #1a1a1a">
<h1>You have signed out of the dashboard</h1>
<p><a href="/">Sign in again</a></p>
</body></html>
"""

log = logging.getLogger(__name__)


def setup_auth(app: Dash, environ: Mapping[str, str] | None = None) -> str:
    """Protect ``app`` as ``MARMOT_AUTH`` says (default: public) and return the mode."""
    env = os.environ if environ is None else environ
    mode = env.get("MARMOT_AUTH", "").strip().lower() or "public"
    if mode == "basic":
        _BasicAuth(app, auth_func=Passwords(basic_users(env)).check, public_routes=PUBLIC_ROUTES)
    elif mode == "oidc":
        _setup_oidc(app, env)
    elif mode != "public":
        raise UserError(f"MARMOT_AUTH is '{mode}': expected one of {', '.join(MODES)}")
    return mode


def signed_in_user() -> str | None:
    """Who the current request is signed in as; None for a public site or outside a request."""
    return flask.g.get(_USER) if flask.has_request_context() else None


def signed_in() -> bool:
    """Whether the current request comes from a signed-in reader (may see restricted material)."""
    return signed_in_user() is not None


def basic_users(env: Mapping[str, str]) -> dict[str, str]:
    """The user names and password hashes for basic auth, from the file or the variable."""
    inline = env.get("MARMOT_BASIC_AUTH_USERS", "")
    path = env.get("MARMOT_BASIC_AUTH_USERS_FILE", "")
    if inline.strip() and path.strip():
        raise UserError("set MARMOT_BASIC_AUTH_USERS_FILE or MARMOT_BASIC_AUTH_USERS, not both")
    if path.strip():
        source, lines = "MARMOT_BASIC_AUTH_USERS_FILE", _read_users_file(Path(path))
    else:
        source, lines = "MARMOT_BASIC_AUTH_USERS", inline.replace(",", "\n").splitlines()
    users: dict[str, str] = {}
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, hashed = line.partition(":")
        name = name.strip()
        where = f"{source} entry {number}"
        if not name or any(c.isspace() for c in name):
            raise UserError(f"{where}: expected name:password-hash")
        if not hashed.startswith(HASH_METHODS) or hashed.count("$") != 2:
            raise UserError(f"{where} ('{name}'): the password must be a scrypt: or pbkdf2: hash "
                            "(plaintext passwords are refused; see the README to make one)")
        if name in users:
            raise UserError(f"{where}: user '{name}' is listed twice")
        users[name] = hashed
    if not users:
        raise UserError("MARMOT_AUTH=basic needs users: set MARMOT_BASIC_AUTH_USERS_FILE to a "
                        "file of name:password-hash lines")
    return users


def _read_users_file(path: Path) -> list[str]:
    try:
        with path.open("rb") as file:
            data = file.read(MAX_USERS_FILE + 1)
    except OSError as error:
        raise UserError(f"MARMOT_BASIC_AUTH_USERS_FILE: cannot read {path} "
                        f"({error.strerror or error})") from error
    if len(data) > MAX_USERS_FILE:
        raise UserError(f"MARMOT_BASIC_AUTH_USERS_FILE: {path} is over {MAX_USERS_FILE} bytes")
    try:
        return data.decode("utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise UserError(f"MARMOT_BASIC_AUTH_USERS_FILE: {path} is not UTF-8 text") from error


class Passwords:
    """Checks passwords against their hashes.

    A hash check costs tens of milliseconds by design and a browser sends the password with
    every request, so a successful check is remembered as a keyed digest (never the password)
    and later requests of that reader skip the hash.
    """

    MAX_REMEMBERED = 1024

    def __init__(self, hashes: Mapping[str, str]) -> None:
        self._hashes = dict(hashes)
        self._key = secrets.token_bytes(32)
        self._good: set[bytes] = set()

    def check(self, name: str, password: str) -> bool:
        """Whether ``password`` is ``name``'s."""
        stored = self._hashes.get(name)
        if stored is None:
            return False
        digest = hmac.new(self._key, f"{name}\0{password}".encode(), hashlib.sha256).digest()
        if digest in self._good:
            return True
        if not check_password_hash(stored, password):
            return False
        if len(self._good) >= self.MAX_REMEMBERED:
            self._good.clear()
        self._good.add(digest)
        return True


class _BasicAuth(dash_auth.BasicAuth):
    """dash-auth's basic auth, reading the header with werkzeug (a malformed header is a 401,
    not a server error) and recording who signed in."""

    def is_authorized(self) -> bool:
        credentials = flask.request.authorization
        if credentials is None or credentials.type != "basic" or not credentials.username:
            return False
        if not self._auth_func(credentials.username, credentials.password or ""):
            return False
        flask.g.setdefault(_USER, credentials.username)
        return True

    def login_request(self) -> flask.Response:
        return flask.Response("Sign-in required", status=401, mimetype="text/plain",
                              headers={"WWW-Authenticate": f'Basic realm="{REALM}"'})


def _setup_oidc(app: Dash, env: Mapping[str, str]) -> None:
    def required(name: str, what: str) -> str:
        value = env.get(name, "").strip()
        if not value:
            raise UserError(f"MARMOT_AUTH=oidc needs {name} ({what})")
        return value

    issuer = required("MARMOT_OIDC_ISSUER", "the sign-in provider's issuer URL, for Entra ID "
                      "https://login.microsoftonline.com/<tenant id>/v2.0")
    client_id = required("MARMOT_OIDC_CLIENT_ID", "the application (client) id")
    client_secret = required("MARMOT_OIDC_CLIENT_SECRET", "the client secret")
    secret_key = required("MARMOT_SECRET_KEY", "a random key for the session cookie")
    if len(secret_key) < MIN_SECRET_KEY:
        raise UserError(f"MARMOT_SECRET_KEY is {len(secret_key)} characters: use at least "
                        f"{MIN_SECRET_KEY} random ones")
    https = env.get("MARMOT_OIDC_HTTPS_CALLBACK", "").strip().lower() in ("1", "true", "yes")
    app.server.config.update(
        SESSION_COOKIE_NAME="marmot_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",  # the provider's redirect back is a top-level GET
        SESSION_COOKIE_SECURE=https,
        PERMANENT_SESSION_LIFETIME=SESSION_HOURS * 3600,  # then the provider is asked again
    )
    auth = _OIDCAuth(app, secret_key=secret_key, force_https_callback=https,
                     public_routes=PUBLIC_ROUTES, logout_page=SIGNED_OUT_PAGE)
    auth.register_provider(
        PROVIDER,
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=discovery_url(issuer),
        client_kwargs={"scope": env.get("MARMOT_OIDC_SCOPE", "").strip() or DEFAULT_SCOPE,
                       "code_challenge_method": "S256"},
    )


def discovery_url(issuer: str) -> str:
    """The provider's discovery document for an issuer URL (or that URL itself).

    Plain http is allowed only on this machine (a test provider); anything else needs https.
    """
    url = urlparse(issuer)
    local = url.hostname in ("127.0.0.1", "localhost", "::1")
    if not url.hostname or not (url.scheme == "https" or (url.scheme == "http" and local)):
        raise UserError(f"MARMOT_OIDC_ISSUER '{issuer}' is not an https:// URL")
    return issuer if issuer.endswith(DISCOVERY) else issuer.rstrip("/") + DISCOVERY


class _OIDCAuth(dash_auth.OIDCAuth):
    """dash-auth's OpenID Connect sign-in, returning the reader to the page they asked for,
    keeping only a few claims in the session, never echoing the provider's error text, and
    recording who signed in."""

    def is_authorized(self) -> bool:
        user = flask.session.get("user")
        if user:
            flask.g.setdefault(_USER, _display_name(user))
        return super().is_authorized()

    def login_request(self, idp: str | None = None):
        request = flask.request
        if idp is None and request.method != "GET":  # a callback after the session expired
            return flask.Response("Sign-in required: reload the page", status=401,
                                  mimetype="text/plain")
        if idp is None:
            flask.session[_NEXT] = request.full_path.rstrip("?")
        return super().login_request(idp)

    def callback(self, idp: str):
        if idp != PROVIDER:
            return flask.Response("Unknown sign-in provider", status=404, mimetype="text/plain")
        next_path = _local_path(flask.session.pop(_NEXT, "/"))
        try:
            token = self.get_oauth_client(idp).authorize_access_token()
        except OAuthError as error:  # its description comes from the query string: not echoed
            log.warning("Sign-in failed: %s", error.error)
            return SIGN_IN_FAILED_PAGE, 401
        claims = token.get("userinfo") or {}
        if not claims.get("sub"):
            return SIGN_IN_FAILED_PAGE, 401
        flask.session.clear()  # a fresh session for the signed-in reader
        flask.session["user"] = {name: claims[name] for name in _USER_CLAIMS if name in claims}
        log.info("Signed in: %s", _display_name(flask.session["user"]))
        return flask.redirect(next_path)


def _display_name(user: Mapping) -> str:
    return str(user.get("name") or user.get("preferred_username") or user.get("email")
               or user.get("sub") or "signed in")


def _local_path(path: object) -> str:
    """``path`` if it is a path on this site, else the overview (no open redirect)."""
    text = str(path)
    if not text.startswith("/") or text.startswith(("//", "/\\")) or len(text) > 2000:
        return "/"
    return text

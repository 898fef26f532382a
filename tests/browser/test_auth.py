"""Sign-in for real: basic auth over HTTP, and OpenID Connect against a real provider started on
loopback (panva's oidc-provider under the machine's Node.js); restricted quotes are shown to
signed-in readers only, never on a public site."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from werkzeug.security import generate_password_hash

from marmot_dash.auth import CALLBACK_PATH
from marmot_dash.qualitative.themes import read_themes_document, write_themes

pytestmark = pytest.mark.browser

PROVIDER_DIR = Path(__file__).resolve().parent / "oidc_provider"
RESTRICTED = "Nobody outside the team reads the ward profiles."
PUBLIC = "We want the numbers on the wall of the community centre."
USER, PASSWORD = "analyst", "a long test passphrase"
CLIENT_ID, CLIENT_SECRET = "marmot-dashboard", "test-client-secret"
SECRET_KEY = "test-session-key-" + "x" * 32


@pytest.fixture(scope="module")
def quotes_dataset(demo_dataset_dir: Path, tmp_path_factory) -> Path:
    """The demo dataset with a restricted interview quote and a public one on 'barriers'."""
    data = tmp_path_factory.mktemp("quotes") / "dataset"
    shutil.copytree(demo_dataset_dir, data)
    themes, stages = read_themes_document(data)
    barriers = next(theme for theme in themes if theme["id"] == "barriers")
    barriers["quotes"] = [
        {"text": RESTRICTED, "group": "Council officers", "stage": "interviews",
         "restricted": True},
        {"text": PUBLIC, "group": "VCS partners", "stage": "engagement_event"},
    ]
    write_themes(data / "themes.yaml", themes, stages)
    return data


@contextlib.contextmanager
def _served(serve, data: Path, env: dict[str, str]) -> Iterator[str]:
    """Serve ``create_app(data)`` made under the environment ``env``."""
    from marmot_dash import create_app

    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        app = create_app(data)
    with serve(app) as url:
        yield url


@pytest.fixture(scope="module")
def public_server(quotes_dataset: Path, serve) -> Iterator[str]:
    with _served(serve, quotes_dataset, {"MARMOT_AUTH": "public"}) as url:
        yield url


@pytest.fixture(scope="module")
def basic_server(quotes_dataset: Path, serve, tmp_path_factory) -> Iterator[str]:
    users = tmp_path_factory.mktemp("auth") / "users"
    users.write_text(f"{USER}:{generate_password_hash(PASSWORD)}\n", encoding="utf-8")
    env = {"MARMOT_AUTH": "basic", "MARMOT_BASIC_AUTH_USERS_FILE": str(users)}
    with _served(serve, quotes_dataset, env) as url:
        yield url


def _themes_text(page, url: str, wait_for_dash) -> str:
    page.goto(url + "/themes")
    wait_for_dash(page)
    return page.locator("#_pages_content").inner_text()


def test_a_public_site_shows_theme_summaries_but_never_restricted_quotes(
    page, public_server, wait_for_dash
) -> None:
    text = _themes_text(page, public_server, wait_for_dash)
    assert PUBLIC in text
    assert RESTRICTED not in text
    assert RESTRICTED not in page.content()
    assert "shown only to signed-in council staff" in page.locator("#restricted-note").inner_text()
    page.goto(public_server + "/principle/3")
    wait_for_dash(page)
    assert RESTRICTED not in page.content()


def test_basic_auth_asks_for_a_password_and_keeps_health_checks_public(basic_server) -> None:
    assert requests.get(basic_server + "/themes", timeout=10).status_code == 401
    refused = requests.get(basic_server + "/", auth=(USER, "wrong"), timeout=10)
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"] == 'Basic realm="Marmot indicators"'
    for header in ("Basic !!!not-base64", "Basic " + "QQ==", "Bearer x", "Basic"):
        assert requests.get(basic_server + "/", headers={"Authorization": header},
                            timeout=10).status_code == 401, header
    assert requests.get(basic_server + "/themes", auth=(USER, PASSWORD), timeout=10).ok
    for health in ("/healthz", "/readyz"):  # public routes (404 until they exist)
        assert requests.get(basic_server + health, timeout=10).status_code != 401
    shell = requests.get(basic_server + "/_dash-layout", timeout=10)  # public in dash-auth
    assert RESTRICTED not in shell.text


def test_a_reader_signed_in_with_basic_auth_sees_restricted_quotes(
    browser, page_problems, basic_server, wait_for_dash
) -> None:
    context = browser.new_context(http_credentials={"username": USER, "password": PASSWORD})
    try:
        page = context.new_page()
        page_problems.watch(page)
        text = _themes_text(page, basic_server, wait_for_dash)
        assert RESTRICTED in text and PUBLIC in text
        assert f"Signed in as {USER}" in page.locator("#restricted-note").inner_text()
    finally:
        context.close()
    assert page_problems.all() == []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _install_provider() -> None:
    """Install the pinned provider into tests/browser/oidc_provider/node_modules once."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.fail("Node.js and npm are needed for the sign-in test (.ci/run installs them)")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=PROVIDER_DIR,
                       check=True, timeout=240)


@pytest.fixture(scope="module")
def oidc_site(quotes_dataset: Path, serve) -> Iterator[tuple[str, str]]:
    """(dashboard URL, provider URL): the app with MARMOT_AUTH=oidc and a real provider."""
    _install_provider()
    issuer = f"http://127.0.0.1:{_free_port()}"
    env = {"MARMOT_AUTH": "oidc", "MARMOT_OIDC_ISSUER": issuer, "MARMOT_OIDC_CLIENT_ID": CLIENT_ID,
           "MARMOT_OIDC_CLIENT_SECRET": CLIENT_SECRET, "MARMOT_SECRET_KEY": SECRET_KEY}
    with _served(serve, quotes_dataset, env) as url:
        provider = subprocess.Popen(
            ["node", "provider.mjs"], cwd=PROVIDER_DIR, stdout=subprocess.PIPE, text=True,
            env={**os.environ, "OIDC_PORT": issuer.rsplit(":", 1)[1],
                 "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET,
                 "OIDC_REDIRECT_URI": url + CALLBACK_PATH},
        )
        try:
            assert provider.stdout is not None and provider.stdout.readline().strip() == "ready"
            yield url, issuer
        finally:
            provider.terminate()
            provider.wait(timeout=10)


def test_oidc_sign_in_returns_to_the_page_and_shows_restricted_quotes(
    page, oidc_site, wait_for_dash
) -> None:
    site, issuer = oidc_site
    # The provider's development login page imports a web font: answered here, never fetched.
    page.route("https://fonts.googleapis.com/**",
               lambda route: route.fulfill(status=200, content_type="text/css", body=""))
    assert requests.get(site + "/themes", allow_redirects=False, timeout=10).status_code == 302
    page.goto(site + "/principle/3?view=trend")
    assert page.url.startswith(issuer)  # sent to the provider to sign in
    page.fill("input[name=login]", "officer@luton.example")
    page.fill("input[name=password]", "any password")
    page.click("button[type=submit]")
    page.click("button:has-text('Continue')")  # consent to share e-mail and profile
    page.wait_for_url(f"{site}/principle/3?view=trend")
    wait_for_dash(page)
    assert page.locator("#principle-title").inner_text().startswith("Principle 3")
    cookie = next(c for c in page.context.cookies(site) if c["name"] == "marmot_session")
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["expires"]) == (True, "Lax", -1)

    text = _themes_text(page, site, wait_for_dash)
    assert RESTRICTED in text and PUBLIC in text
    assert "Signed in as Officer officer" in page.locator("#restricted-note").inner_text()

    page.goto(site + "/oidc/logout")
    assert "signed out" in page.locator("h1").inner_text()
    # Signed out of the dashboard: it asks the provider again (which still knows the reader).
    with page.expect_request(lambda request: request.url.startswith(issuer + "/auth")):
        page.goto(site + "/themes")


def test_a_forged_sign_in_answer_is_refused_without_echoing_it(oidc_site) -> None:
    site, _ = oidc_site
    answer = requests.get(site + CALLBACK_PATH, timeout=10, params={
        "error": "access_denied", "error_description": "<script>alert(1)</script>"})
    assert answer.status_code == 401
    assert "<script>alert" not in answer.text
    assert requests.get(site + CALLBACK_PATH + "?code=forged&state=forged",
                        timeout=10).status_code == 401
    expired = requests.post(site + "/_dash-update-component", timeout=10,
                            json={"output": "_pages_content.children", "inputs": []})
    assert expired.status_code == 401  # a callback without a session: no redirect to follow

"""The production settings, and the app served by gunicorn against PostgreSQL."""

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from config import ProductionConfig, TestConfig
from tests.helpers import MIGRATIONS, ROOT, find_servers, free_port, scratch_database


@pytest.mark.parametrize("secret_key", [None, "", "dev-only-secret-change-me", "short"])
def test_production_refuses_to_start_without_a_real_secret_key(secret_key):
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set to a long random value in production"):
        create_app(ProductionConfig, {"SECRET_KEY": secret_key})


def test_the_real_secret_key_rule_is_its_own_setting_not_read_from_secure_cookies():
    # A developer may try secure cookies behind a local HTTPS proxy with the development key.
    create_app(TestConfig, {"SESSION_COOKIE_SECURE": True, "SECRET_KEY": "short"})
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set to a long random value in production"):
        create_app(TestConfig, {"REQUIRE_REAL_SECRET_KEY": True, "SECRET_KEY": "short"})


def test_production_cookies_are_secure_httponly_and_lax():
    app = create_app(ProductionConfig, {"SECRET_KEY": "x" * 64})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["REMEMBER_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


@pytest.mark.slow
def test_gunicorn_serves_the_app_from_postgresql(tmp_path):
    servers, missing = find_servers({"postgres"})
    if missing:
        pytest.skip(missing[0])
    with scratch_database(servers["postgres"]) as url:
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "s" * 64}
        app = create_app(ProductionConfig, {"SECRET_KEY": "s" * 64, "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade(directory=MIGRATIONS)
            app.test_cli_runner().invoke(args=["seed", "--users", "3", "--posts", "4"])
            db.engine.dispose()

        port = free_port()
        log = tmp_path / "gunicorn.log"
        command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
        with log.open("w") as log_file:
            server = subprocess.Popen(
                [*command, "app:create_app('config.ProductionConfig')"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log_file,
                start_new_session=True,
            )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    status, headers, page = fetch(f"http://127.0.0.1:{port}/")
                    break
                except OSError:
                    assert server.poll() is None, log.read_text()
                    assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
                    time.sleep(0.5)
            assert status == 200 and page.count('class="post"') == 4
            status, headers, page = fetch(f"http://127.0.0.1:{port}/auth/register")
            assert status == 200 and 'name="csrf_token"' in page
            cookie = headers["Set-Cookie"]
            assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
            assert fetch(f"http://127.0.0.1:{port}/user/sample0001")[0] == 200
            assert fetch(f"http://127.0.0.1:{port}/no/such/page")[0] == 404
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

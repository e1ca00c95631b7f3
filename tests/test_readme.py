"""The README's Quick start: its first command sets everything up and serves the app."""

import os
import signal
import subprocess
import time
import urllib.request

import pytest

from tests.helpers import ROOT, copy_project, free_port


def quick_start_commands():
    """Return the lines of the first code block under the README's "## Quick start"."""
    section = (ROOT / "README.md").read_text().split("\n## Quick start\n", 1)[1]
    return section.split("```sh\n", 1)[1].split("```", 1)[0].splitlines()


def test_readme_names_the_project_then_gives_a_quick_start_of_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert readme.startswith("# Flask migrations, the reference tutorial\n")
    assert readme.split("\n## ")[1].startswith("Quick start\n")
    assert len(quick_start_commands()) == 2


def test_the_serve_command_installs_the_app_without_the_test_tooling():
    serve, test = quick_start_commands()
    assert "-r requirements.txt" in serve and "-r requirements-dev.txt" in test
    app_only = (ROOT / "requirements.txt").read_text().lower()
    assert not any(tool in app_only for tool in ("pytest", "hypothesis", "playwright", "ruff"))


@pytest.mark.slow
def test_first_quick_start_command_serves_the_seeded_app(tmp_path):
    copy_project(ROOT, tmp_path)
    env = {name: value for name, value in os.environ.items() if name not in ("DATABASE_URL", "VIRTUAL_ENV")}
    # `flask run` reads its port from here; the README's command serves on 5000, which may be taken.
    port = free_port()
    env["FLASK_RUN_PORT"] = str(port)
    server = subprocess.Popen(
        ["bash", "-c", quick_start_commands()[0]],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        while True:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read().decode()
                break
            except OSError:
                assert server.poll() is None, "the Quick start command exited before serving"
                assert time.monotonic() < deadline, "the app was not served within 240 s"
                time.sleep(1)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    assert page.count('class="post"') == 10
    assert (tmp_path / "instance" / "blog.sqlite").exists()

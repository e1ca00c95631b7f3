"""The README's Quick start: its first command sets everything up and serves the app."""

import os
import signal
import subprocess
import time
import urllib.request

import pytest

from tests.conftest import free_port
from tests.tutorial import copy_project, project_root

ROOT = project_root()


def quick_start_commands():
    """Return the lines of the README's first code block."""
    readme = (ROOT / "README.md").read_text()
    return readme.split("```sh\n", 1)[1].split("```", 1)[0].splitlines()


def test_readme_opens_with_a_quick_start_of_two_commands():
    assert (ROOT / "README.md").read_text().startswith("# Quick start\n\n```sh\n")
    assert len(quick_start_commands()) == 2


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

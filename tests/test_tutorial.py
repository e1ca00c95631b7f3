"""The learner's path, as one run: the README's Quick start, the site, then every TUTORIAL.md command in order."""

import http.cookiejar
import os
import shutil
import signal
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from tests.helpers import CSRF_TOKEN, ROOT, copy_project, find_servers, free_port
from tests.tutorial import Terminal, learner_env, mismatches, parse, run_session, runnable_commands

QUICK_START_TIMEOUT = 300


def browse(opener, url, form=None):
    """Open a page as a browser would, posting `form` with the CSRF token of the page it is on."""
    if form is None:
        with opener.open(url, timeout=10) as response:
            return response.read().decode()
    token = CSRF_TOKEN.search(browse(opener, url)).group(1)
    data = urllib.parse.urlencode({"csrf_token": token, **form}).encode()
    with opener.open(url, data=data, timeout=10) as response:
        return response.read().decode()


def quick_start():
    """The console blocks under the README's "## Quick start": the venv, the install, the serve command."""
    section = (ROOT / "README.md").read_text().split("\n## Quick start\n", 1)[1].split("\n## ", 1)[0]
    return parse(section)


def play_with_the_site(terminal):
    """Run the README's serve command, register, log in and post as a visitor would, then stop it."""
    port = free_port()
    (serve,) = [command for command in quick_start() if command.serves]
    program, *arguments = serve.text.split()
    server = subprocess.Popen(
        [shutil.which(program, path=terminal.env["PATH"]), *arguments],
        cwd=terminal.folder,
        env={**terminal.env, "FLASK_RUN_PORT": str(port)},  # `flask run` serves on 5000, which may be taken here.
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    site = f"http://127.0.0.1:{port}"
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    try:
        deadline = time.monotonic() + QUICK_START_TIMEOUT
        while True:
            try:
                timeline = browse(opener, f"{site}/")
                break
            except OSError:
                assert server.poll() is None, "the Quick start's serve command exited before serving"
                assert time.monotonic() < deadline, f"the app was not served within {QUICK_START_TIMEOUT} s"
                time.sleep(1)
        assert timeline.count('class="post"') == 10, "the seeded timeline shows a page of 10 posts"
        password = "a learner's passphrase"
        account = {"username": "learner", "email": "learner@example.com", "password": password, "password2": password}
        browse(opener, f"{site}/auth/register", account)
        browse(opener, f"{site}/auth/login", {"username": "learner", "password": password})
        page = browse(opener, f"{site}/post", {"post": "My first post, before the tutorial."})
        assert "My first post, before the tutorial." in page
    finally:
        # The README says Ctrl+C. SIGTERM ends the server the same way, and unlike SIGINT it still
        # works when the tests run as a background job, whose children ignore SIGINT.
        if os.name == "nt":
            server.terminate()
        else:
            os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@pytest.mark.slow
@pytest.mark.tutorial
def test_a_learner_takes_the_quick_start_then_the_site_then_every_tutorial_command(tmp_path, record_property):
    markdown = (ROOT / "TUTORIAL.md").read_text()
    servers, missing = find_servers({name for command in parse(markdown) for name in command.requires})
    commands, ours, runnable = runnable_commands(markdown, servers)

    project = tmp_path / "project"
    project.mkdir()
    copy_project(ROOT, project)
    # Not yet activated: the Quick start makes the project's own venv.
    env = learner_env(activated=False)
    env.update({f"TEST_{name.upper()}_URL": url for name, url in servers.items()})

    # A learner's terminal: the Quick start makes and activates the project's own .venv, installs the app
    # and fills the site's database; then the site; then the tutorial, in the same terminal.
    terminal = Terminal(project, env, venv="create")
    setup = quick_start()
    setup_outputs = run_session(setup, terminal, timeout=QUICK_START_TIMEOUT)
    problems = mismatches("README.md", setup, setup_outputs, project)
    assert not problems, "\n\n".join(problems)
    play_with_the_site(terminal)
    outputs = run_session(runnable, terminal, timeout=900)

    left_out = len(ours) - len(runnable)
    summary = f"TUTORIAL.md: ran {len(runnable)} commands; left out {left_out}"
    summary += f" ({'; '.join(missing)})" if missing else ""
    summary += f"; {len(commands) - len(ours)} more are for other SQLite versions"
    record_property("tutorial", summary)
    assert len(outputs) == len(runnable), "the session ended early"
    problems = mismatches("TUTORIAL.md", runnable, outputs, project)
    assert not problems, "\n\n".join(problems)
    # The site's own database kept what the learner did there.
    assert (project / "instance" / "blog.sqlite").exists()

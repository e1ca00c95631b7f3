"""`flask files`: the commands the pages use where a shell would need cp, rm, cat, grep or diff."""

import os
import stat

import pytest
from click.testing import CliRunner

from app.dbtools.files import files, make_writable_and_retry


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Run `flask files ...` in an empty folder and return (exit code, output)."""
    monkeypatch.chdir(tmp_path)

    def invoke(*arguments):
        result = CliRunner().invoke(files, list(arguments))
        return result.exit_code, result.output

    return invoke


def test_copy_copies_a_folder_then_refuses_to_copy_over_it(run, tmp_path):
    (tmp_path / "migrations" / "versions").mkdir(parents=True)
    (tmp_path / "migrations" / "env.py").write_text("stock\n")
    assert run("copy", "migrations", "scratch") == (0, "Copied migrations to scratch.\n")
    assert (tmp_path / "scratch" / "env.py").read_text() == "stock\n"
    code, output = run("copy", "migrations", "scratch")
    assert code == 1
    assert "scratch already exists. Remove it first: flask files remove scratch" in output


def test_copy_puts_a_file_inside_a_folder(run, tmp_path):
    (tmp_path / "a.py").write_text("x = 1\n")
    (tmp_path / "folder").mkdir()
    assert run("copy", "a.py", "folder") == (0, "Copied a.py to folder.\n")
    assert (tmp_path / "folder" / "a.py").read_text() == "x = 1\n"


def test_remove_says_what_it_removed_and_what_was_not_there(run, tmp_path):
    (tmp_path / "instance").mkdir()
    (tmp_path / "instance" / "x.sqlite").write_bytes(b"")
    code, output = run("remove", "instance/x.sqlite", "instance/y.sqlite")
    assert (code, output) == (0, "Removed instance/x.sqlite.\ninstance/y.sqlite was not there.\n")


def test_remove_deletes_a_git_repository_with_read_only_objects(run, tmp_path):
    objects = tmp_path / "repo" / ".git" / "objects"
    objects.mkdir(parents=True)
    (objects / "ab").write_text("object")
    os.chmod(objects / "ab", stat.S_IREAD)
    assert run("remove", "repo") == (0, "Removed repo.\n")
    assert not (tmp_path / "repo").exists()


@pytest.mark.parametrize("outside", ["..", ".", "../elsewhere"])
def test_remove_refuses_the_folder_itself_and_anything_outside_it(run, outside):
    code, output = run("remove", outside)
    assert code == 2
    assert "is not inside this folder" in output


def test_find_prints_each_matching_line_with_its_file_and_number(run, tmp_path):
    (tmp_path / "versions").mkdir()
    (tmp_path / "versions" / "a.py").write_text('    op.drop_column("user", "dummy")\n')
    (tmp_path / "versions" / "b.py").write_text('        batch_op.drop_column("dummy")\n')
    code, output = run("find", " op.drop_column(", "versions")
    assert (code, output) == (0, 'versions/a.py:1:    op.drop_column("user", "dummy")\n')
    assert run("find", "alter_column", "versions") == (0, "No line contains alter_column.\n")
    assert run("find", "x", "missing")[0] == 2


def test_compare_shows_a_unified_diff_or_says_the_files_are_the_same(run, tmp_path):
    (tmp_path / "a").write_text("one\ntwo\n")
    (tmp_path / "b").write_text("one\nthree\n")
    code, output = run("compare", "a", "b")
    assert code == 0
    assert output.splitlines() == ["--- a", "+++ b", "@@ -1,2 +1,2 @@", " one", "-two", "+three"]
    assert run("compare", "a", "a") == (0, "The files are the same.\n")


def test_show_prints_a_file_as_it_is(run, tmp_path):
    (tmp_path / "env").write_text("DATABASE_URL=sqlite:///x.sqlite\n")
    assert run("show", "env") == (0, "DATABASE_URL=sqlite:///x.sqlite\n")


def test_a_read_only_file_is_made_writable_before_removing_it_again(tmp_path):
    # Windows refuses to delete a read-only file, as git leaves its objects; rmtree hands it to this hook.
    path = tmp_path / "object"
    path.write_text("object")
    os.chmod(path, stat.S_IREAD)
    writable = []
    make_writable_and_retry(lambda name: writable.append(bool(os.stat(name).st_mode & stat.S_IWRITE)), str(path), None)
    assert writable == [True]

"""The `flask files` commands: copy, remove, show, find and compare files the same way in every shell.

The tutorial's pages use them where a page would otherwise need `cp`, `rm`, `cat`, `grep` or `diff`,
which Command Prompt and PowerShell spell differently or not at all.
"""

import difflib
import os
import shutil
import stat
import sys
from pathlib import Path

import click


def inside_this_folder(path):
    """Refuse a path outside the folder the command runs in, or the folder itself."""
    resolved = Path(path).resolve()
    if resolved == Path.cwd() or not resolved.is_relative_to(Path.cwd()):
        raise click.BadParameter(f"{path} is not inside this folder ({Path.cwd()}).")
    return Path(path)


def text_files(paths):
    """Yield each file named, and every file below each folder named, in name order."""
    for path in map(Path, paths):
        if path.is_dir():
            yield from sorted(item for item in path.rglob("*") if item.is_file() and "__pycache__" not in item.parts)
        elif path.is_file():
            yield path
        else:
            raise click.BadParameter(f"{path.as_posix()} does not exist.")


def make_writable_and_retry(function, path, error):
    """Remove a read-only file after all: git leaves its objects read-only, which Windows will not delete."""
    os.chmod(path, stat.S_IWRITE)
    function(path)


@click.group("files")
def files():
    """Copy, remove, show, find and compare files, the same way in every shell."""


@files.command("copy")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.argument("target", type=click.Path(path_type=Path))
def copy(source, target):
    """Copy a file or a whole folder; a file copied onto a folder goes inside it."""
    inside_this_folder(target)
    if source.is_dir():
        if target.exists():
            raise click.ClickException(
                f"{target.as_posix()} already exists. Remove it first: flask files remove {target.as_posix()}"
            )
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    else:
        shutil.copy(source, target)
    click.echo(f"Copied {source.as_posix()} to {target.as_posix()}.")


@files.command("remove")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def remove(paths):
    """Remove files and folders below this folder; one that is not there is fine."""
    for path in paths:
        inside_this_folder(path)
        if path.is_dir() and sys.version_info >= (3, 12):
            shutil.rmtree(path, onexc=make_writable_and_retry)
        elif path.is_dir():
            shutil.rmtree(path, onerror=make_writable_and_retry)  # Python 3.11 names the hook onerror.
        elif path.exists():
            path.unlink()
        else:
            click.echo(f"{path.as_posix()} was not there.")
            continue
        click.echo(f"Removed {path.as_posix()}.")


@files.command("show")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def show(path):
    """Print a file."""
    click.echo(path.read_text(encoding="utf-8"), nl=False)


@files.command("find")
@click.argument("text")
@click.argument("paths", nargs=-1, required=True)
def find(text, paths):
    """Print each line that contains TEXT, with its file and line number; folders are searched throughout."""
    found = 0
    for path in text_files(paths):
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
            if text in line:
                click.echo(f"{path.as_posix()}:{number}:{line}")
                found += 1
    if not found:
        click.echo(f"No line contains {text}.")


@files.command("compare")
@click.argument("first", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("second", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def compare(first, second):
    """Show how the second file differs from the first, as a unified diff."""
    lines = [path.read_text(encoding="utf-8").splitlines() for path in (first, second)]
    diff = list(difflib.unified_diff(*lines, first.as_posix(), second.as_posix(), lineterm=""))
    click.echo("\n".join(diff) if diff else "The files are the same.")

"""Settings read from the environment."""

import pytest

from config import database_url_from


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u:p@db.example:5432/blog", "postgresql+psycopg://u:p@db.example:5432/blog"),
        ("postgresql://u@localhost/blog", "postgresql+psycopg://u@localhost/blog"),
        ("postgresql+psycopg://u@localhost/blog", "postgresql+psycopg://u@localhost/blog"),
        ("mysql://root@127.0.0.1/blog", "mysql+pymysql://root@127.0.0.1/blog"),
        ("mariadb://root@127.0.0.1/blog", "mysql+pymysql://root@127.0.0.1/blog"),
        ("sqlite:///blog.sqlite", "sqlite:///blog.sqlite"),
    ],
)
def test_database_urls_name_the_installed_driver(given, used):
    assert database_url_from(given) == used

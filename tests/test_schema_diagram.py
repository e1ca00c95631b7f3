"""The Mermaid diagrams of the schema: drawn from a real database, and kept up to date."""

from flask_migrate import upgrade

from app.dbtools.schema_diagram import history_document, mermaid_er
from app.extensions import db
from tests.helpers import MIGRATIONS, ROOT, app_for

REGENERATE = "DATABASE_URL=sqlite:///scratch.sqlite flask schema-diagram --write-history migrations/SCHEMA.md"


def test_committed_schema_history_matches_the_migrations(tmp_path):
    app = app_for(f"sqlite:///{tmp_path / 'diagram.sqlite'}")
    with app.app_context():
        document = history_document(MIGRATIONS)
        db.engine.dispose()
    committed = (ROOT / "migrations" / "SCHEMA.md").read_text()
    assert document == committed, f"migrations/SCHEMA.md is out of date; regenerate it with: {REGENERATE}"


def test_diagram_marks_keys_and_the_relationship(tmp_path):
    app = app_for(f"sqlite:///{tmp_path / 'diagram.sqlite'}")
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="60e4d26fe43c")
        with db.engine.connect() as connection:
            diagram = mermaid_er(connection)
        db.engine.dispose()
    assert "        VARCHAR(64) username UK\n" in diagram
    assert "        VARCHAR(20) dummy\n" in diagram
    assert "        INTEGER user_id FK\n" in diagram
    assert diagram.endswith('    user ||--o{ post : "user_id"')


def test_write_history_refuses_a_database_that_has_tables(runner, tmp_path):
    # The runner's app already has its tables, made from the models.
    result = runner.invoke(args=["schema-diagram", "--write-history", str(tmp_path / "out.md")])
    assert result.exit_code == 2
    assert "--write-history needs an empty database" in result.output
    assert not (tmp_path / "out.md").exists()

"""Run revisions as `flask db upgrade` would, recording each operation, the SQL it sends and the rows it meets."""

import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from io import StringIO

import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import BatchOperations, Operations
from alembic.operations import ops as alembic_ops
from alembic.operations.batch import BatchOperationsImpl
from alembic.operations.schemaobj import SchemaObjects
from alembic.util.langhelpers import ModuleClsProxy

from app.dbtools.review.sqlite_schema import (
    native_drop_error,
    sqlite_drop_blockers,
    sqlite_objects,
    sqlite_views_reading,
)

# Statements that only read, or that the dry run itself sends to keep its own transaction.
NOT_CHANGES = ("SELECT", "PRAGMA", "SHOW", "DESCRIBE", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "SET")


@dataclass
class Batch:
    """One `with op.batch_alter_table(...)` block."""

    table: str
    recreate: str
    naming_convention: dict | None
    rebuilt: bool = False
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    lost_triggers: list[str] = field(default_factory=list)
    views: list[str] = field(default_factory=list)


@dataclass
class Step:
    """One operation a revision asked for, with what the database held when it came."""

    op: alembic_ops.MigrateOperation
    batch: Batch | None
    error: str | None = None
    rows: int | None = None  # rows in the operation's table just before it
    values: int | None = None  # non-NULL values in the column it drops
    column_type: str | None = None  # the dropped column's type, as the dialect writes it
    blockers: list[tuple[str, str]] = field(default_factory=list)  # what a native DROP COLUMN trips on
    native_drop: str | None = None  # what this machine's SQLite (3.35+) says to the native drop: "" if it runs


@dataclass
class Statement:
    """One statement that changes the database, and the step that sent it."""

    sql: str
    step: Step | None


@dataclass
class RevisionRun:
    """What one revision did (or would do) in one direction."""

    script: object
    direction: str
    dry_run: bool
    steps: list[Step] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    error: str | None = None
    offline_note: str | None = None
    squawk: dict[int, list[str]] | None = None  # squawk's rules by statement index, where squawk ran


def end(savepoint, how):
    """Commit or roll back a savepoint, unless a revision's own Session already ended it."""
    if savepoint.is_active:
        with warnings.catch_warnings():
            # A revision's own unclosed Session may hold a savepoint inside ours; ours ends both.
            warnings.filterwarnings("ignore", "nested transaction already deassociated", sa.exc.SAWarning)
            getattr(savepoint, how)()


def describe(error):
    """Say what went wrong in one line, the way the traceback's last line would."""
    original = getattr(error, "orig", None) or error
    kind = type(original)
    name = (
        kind.__name__ if kind.__module__ in ("builtins", "alembic.util.exc") else f"{kind.__module__}.{kind.__name__}"
    )
    return f"{name}: {' '.join(str(original).split())}"


def one_line(sql):
    """Put a statement on one line, as the report prints it."""
    return " ".join(str(sql).split())


def table_of(op):
    """Name the table an operation works on, or None."""
    for attribute in ("table_name", "source_table"):
        if getattr(op, attribute, None):
            return getattr(op, attribute)
    return None


class Recorder:
    """Runs revisions on a connection (a dry run) or writes their SQL (offline), recording as it goes."""

    def __init__(self, dialect, connection=None, reader=None, metadata=None):
        self.dialect = dialect
        # The app's MetaData, whose naming convention names the constraints revisions create.
        self.metadata = metadata
        # With a connection the revisions really run, inside a transaction the caller rolls back.
        self.connection = connection
        # Where rows are counted: the dry run's own connection, or the real database when offline.
        self.reader = connection if connection is not None else reader
        self.run = None
        self.step = None
        self.counting = False
        if connection is not None:
            sa.event.listen(connection, "before_cursor_execute", self.record_statement)

    @property
    def online(self):
        return self.connection is not None

    def record_statement(self, connection, cursor, statement, parameters, context, executemany):
        if self.counting or self.run is None:
            return
        if not statement.lstrip().upper().startswith(NOT_CHANGES):
            self.run.statements.append(Statement(one_line(statement), self.step))

    def review(self, script, direction):
        """Run one revision's upgrade() or downgrade() and return what it did."""
        online = self.online
        run = RevisionRun(script, direction, dry_run=online)
        self.run = run
        self.buffer = StringIO()
        if online:
            context = MigrationContext.configure(connection=self.connection, opts={"target_metadata": self.metadata})
        else:
            context = MigrationContext.configure(
                dialect_name=self.dialect.name,
                opts={
                    "as_sql": True,
                    "output_buffer": self.buffer,
                    "literal_binds": True,
                    "target_metadata": self.metadata,
                },
            )
        operations = RecordingOperations(context, self)
        if online:
            # autocommit_block() would commit the dry run's transaction; inside it, write the SQL instead.
            context.autocommit_block = operations.offline_block
        savepoint = self.connection.begin_nested() if online else None
        operations._install_proxy()
        try:
            getattr(script.module, direction)()
        except Exception as error:  # the revision's own code failed: that is a finding, not a crash
            run.error = describe(error)
            if savepoint is not None:
                end(savepoint, "rollback")
                # What follows would run on a database this revision left behind: write it offline.
                self.connection = None
        else:
            if savepoint is not None:
                self.find_recreated_triggers(run)
                end(savepoint, "commit")
        finally:
            operations._remove_proxy()
            self.run = self.step = None
        return run

    def find_recreated_triggers(self, run):
        """Keep as lost only the triggers a revision did not create again after its batch blocks."""
        for batch in {id(step.batch): step.batch for step in run.steps if step.batch is not None}.values():
            if batch.lost_triggers:
                left = sqlite_objects(self.connection, "trigger", batch.table)
                batch.lost_triggers = [name for name in batch.lost_triggers if name not in left]

    def take_offline_output(self, step):
        text = self.buffer.getvalue()
        self.buffer.seek(0)
        self.buffer.truncate()
        for sql in text.split(";\n"):
            if sql.strip() and not sql.strip().upper().startswith(NOT_CHANGES):
                self.run.statements.append(Statement(one_line(sql), step))

    @contextmanager
    def attempt(self, step, holder):
        """Run one operation; if it fails, record why and go on, as far as the database allows."""
        self.step = step
        savepoint = self.connection.begin_nested() if self.online else None
        try:
            yield
        except Exception as error:
            holder.error = describe(error)
            if savepoint is not None:
                end(savepoint, "rollback")
        else:
            if savepoint is not None:
                end(savepoint, "commit")
        finally:
            if not self.online:
                self.take_offline_output(step)
            self.step = None

    def begin_step(self, op, batch):
        """Record an operation and count what it will touch, before it runs."""
        step = Step(op, batch)
        self.run.steps.append(step)
        table = table_of(op)
        if table and self.reader is not None:
            self.look_at(step, table)
        return step

    def look_at(self, step, table):
        self.counting = True
        try:
            inspector = sa.inspect(self.reader)
            if not inspector.has_table(table):
                return
            rows = sa.table(table)
            step.rows = self.reader.scalar(sa.select(sa.func.count()).select_from(rows))
            if isinstance(step.op, alembic_ops.DropColumnOp):
                name = step.op.column_name
                columns = {column["name"]: column for column in inspector.get_columns(table)}
                if name in columns:
                    column = sa.column(name)
                    step.values = self.reader.scalar(sa.select(sa.func.count(column)).select_from(sa.table(table)))
                    step.column_type = columns[name]["type"].compile(dialect=self.dialect)
                if self.dialect.name == "sqlite":
                    step.blockers = sqlite_drop_blockers(self.reader, table, name)
                    step.native_drop = native_drop_error(self.reader, table, name)
        except sa.exc.DBAPIError:
            # A table this run has not made yet, on a database read offline: nothing to count.
            pass
        finally:
            self.counting = False


class RecordingOperations(Operations):
    """Alembic's `op`, recording each operation before it runs it."""

    def __init__(self, migration_context, recorder):
        super().__init__(migration_context)
        self.recorder = recorder

    @contextmanager
    def offline_block(self):
        """Stand in for autocommit_block(): what must run outside a transaction is written, not run."""
        recorder = self.recorder
        saved = (recorder.connection, self.migration_context, self.impl, self.schema_obj)
        offline = MigrationContext.configure(
            dialect_name=recorder.dialect.name,
            opts={"as_sql": True, "output_buffer": recorder.buffer, "literal_binds": True},
        )
        recorder.connection = None
        self.migration_context, self.impl = offline, offline.impl
        self.schema_obj = SchemaObjects(offline)
        try:
            yield
        finally:
            recorder.connection, self.migration_context, self.impl, self.schema_obj = saved
            recorder.run.offline_note = "statements in autocommit_block() are written, not run: they commit"

    def invoke(self, operation):
        step = self.recorder.begin_step(operation, None)
        result = None
        with self.recorder.attempt(step, step):
            result = super().invoke(operation)
        return result

    @contextmanager
    def batch_alter_table(
        self,
        table_name,
        schema=None,
        recreate="auto",
        partial_reordering=None,
        copy_from=None,
        table_args=(),
        table_kwargs=None,
        reflect_args=(),
        reflect_kwargs=None,
        naming_convention=None,
    ):
        impl = BatchOperationsImpl(
            self,
            table_name,
            schema,
            recreate,
            copy_from,
            table_args,
            table_kwargs or {},
            reflect_args,
            reflect_kwargs or {},
            naming_convention,
            partial_reordering,
        )
        batch = Batch(table_name, recreate, naming_convention)
        batch_op = RecordingBatchOperations(self.migration_context, impl, self.recorder, batch)
        yield batch_op
        recorder = self.recorder
        batch.rebuilt = recreate == "always" or (recreate == "auto" and self.impl.requires_recreate_in_batch(impl))
        triggers = {}
        if batch.rebuilt and recorder.online and recorder.dialect.name == "sqlite":
            triggers = sqlite_objects(recorder.connection, "trigger", table_name)
            batch.views = sorted(sqlite_views_reading(recorder.connection, table_name))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            # The block's statements belong to its first operation's step, which counted the table's rows.
            with recorder.attempt(batch_op.steps[0] if batch_op.steps else None, batch):
                impl.flush()
        batch.warnings = [one_line(warning.message) for warning in caught]
        if triggers and batch.error is None:
            left = sqlite_objects(recorder.connection, "trigger", table_name)
            batch.lost_triggers = sorted(set(triggers) - set(left))


# Alembic installs `op`'s functions from a table kept per class; this class uses Operations' own.
ModuleClsProxy._setups[RecordingOperations] = ModuleClsProxy._setups[Operations]


class RecordingBatchOperations(BatchOperations):
    """The `batch_op` of a batch block, recording each operation as the block collects it."""

    def __init__(self, migration_context, impl, recorder, batch):
        super().__init__(migration_context, impl=impl)
        self.recorder = recorder
        self.batch = batch
        self.steps = []

    def invoke(self, operation):
        self.steps.append(self.recorder.begin_step(operation, self.batch))
        # Batch mode only collects here; the block's end runs everything at once.
        return super().invoke(operation)


def offline_statements(op, dialect_name):
    """Write the SQL one operation gives, outside batch mode, on a dialect: (statements, error)."""
    buffer = StringIO()
    context = MigrationContext.configure(
        dialect_name=dialect_name, opts={"as_sql": True, "output_buffer": buffer, "literal_binds": True}
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            Operations(context).invoke(op)
    except Exception as error:
        return [], describe(error)
    return [one_line(sql) for sql in buffer.getvalue().split(";\n") if sql.strip()], None

"""The tutorial's instruments for looking inside a database: `flask rows`, `sqlite-report` and `schema-diagram`.

They are not part of the microblog; they are what TUTORIAL.md reads the database with.
"""

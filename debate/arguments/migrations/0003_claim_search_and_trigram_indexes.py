"""Search and similar-claim hints on claims: pg_trgm, a GIN index on the full-text vector that
debate/mapview/search.py matches (the same expression) and a GIN trigram index on the text.

PostgreSQL only: on any other database (the SQLite default) the state changes and nothing is
created; search falls back to icontains and the hints to difflib there."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class PostgresOnlyAddIndex(migrations.AddIndex):
    """AddIndex whose index exists only on PostgreSQL (GIN)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):

    dependencies = [
        ("arguments", "0002_claim_merged_into"),
    ]

    operations = [
        TrigramExtension(),  # does nothing on other databases
        PostgresOnlyAddIndex(
            model_name="claim",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.SearchVector("text", config="simple"),
                name="claim_text_search",
            ),
        ),
        PostgresOnlyAddIndex(
            model_name="claim",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["text"], name="claim_text_trgm", opclasses=["gin_trgm_ops"]
            ),
        ),
    ]

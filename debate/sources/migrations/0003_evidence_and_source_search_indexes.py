"""Search in evidence: GIN indexes on the full-text vectors of a quote and of a source's title,
the same expressions debate/mapview/search.py matches. PostgreSQL only: elsewhere the state
changes and nothing is created (search falls back to icontains)."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
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
        ("sources", "0002_evidence_hidden_reason"),
    ]

    operations = [
        PostgresOnlyAddIndex(
            model_name="evidence",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.SearchVector("quote", config="simple"),
                name="evidence_quote_search",
            ),
        ),
        PostgresOnlyAddIndex(
            model_name="source",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.SearchVector("title", config="simple"),
                name="source_title_search",
            ),
        ),
    ]

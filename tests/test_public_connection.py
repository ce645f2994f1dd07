"""A database connection kept open between requests that has died is replaced, never a reader's 500.

With DATABASE_CONN_MAX_AGE a worker keeps its connection; a database restart
or a dropped link kills it. Every public page first reads the data version
(config/public.py), which stands in for Django's connection health check: a
dead connection is closed and opened again there, once.
"""

import psycopg
import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only: a backend terminated, prepared statements dropped"),
]


def test_a_page_after_the_kept_connection_died_is_served(client, small_document, settings):
    settings.PUBLIC_PAGE_CACHE = False
    # Keep the connection across requests, as production does with DATABASE_CONN_MAX_AGE.
    connection.settings_dict["CONN_MAX_AGE"] = 600
    connection.close_at = None
    try:
        assert client.get("/claims/").status_code == 200
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        with psycopg.connect(**params, autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])

        response = client.get("/claims/")

        assert response.status_code == 200
        assert b"<h1>Claims</h1>" in response.content
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            assert cursor.fetchone()[0] != pid
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = 0
        connection.close()


def test_a_page_after_the_server_forgot_the_prepared_data_version_is_served(client, small_document, settings):
    """A pooler's DISCARD ALL (or DEALLOCATE ALL) drops the prepared statement of the data version: prepared again."""
    settings.PUBLIC_PAGE_CACHE = False
    connection.settings_dict["CONN_MAX_AGE"] = 600
    connection.close_at = None
    try:
        first = client.get("/claims/")
        assert first.status_code == 200
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")

        again = client.get("/claims/")

        assert again.status_code == 200
        assert b"<h1>Claims</h1>" in again.content
        assert again["ETag"] == first["ETag"]  # the same data: the same version
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = 0
        connection.close()

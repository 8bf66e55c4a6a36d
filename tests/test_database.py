"""How the app's database connections are set up."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_postgresql_is_tuned_for_a_pages_queries_on_the_apps_connections() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone() == ("1.1",)

"""The benchmark's floor: the cheapest signed-in page, through the whole stack."""

from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from accounts.models import User

# The session and the person: what every signed-in page reads before its own work.
FLOOR_QUERIES = 3


def test_the_floor_is_a_signed_in_page_of_a_few_queries(
    user: User, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = Client()
    client.force_login(user)
    with django_assert_max_num_queries(FLOOR_QUERIES):
        response = client.get(reverse("home:floor"))
    assert response.status_code == 200
    assert b"You are signed in" in response.content
    assert client.post(reverse("home:floor")).status_code == 405

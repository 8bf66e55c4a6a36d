"""The account deletion page: re-authentication first, a clear refusal for a wrong address,
the 404s of a deleted account, and a query budget."""

from typing import TYPE_CHECKING

from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from accounts.models import User
from conversations.models import JournalEntry
from relationships.models import Membership
from tests.conftest import client_for
from tests.factories import PASSWORD, MembershipFactory, StewardFactory

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

URL = reverse("home:account_delete")


def _fresh(user: User) -> Client:
    """Signed in, then the password given again: a fresh authentication."""
    client = client_for(user)
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
    return client


def _asks_to_reauthenticate(response: "TestResponse") -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))


def test_signed_out_goes_to_sign_in(db: None) -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_stale_sign_in_must_give_the_password_again(ana: Membership) -> None:
    stale = client_for(ana)
    assert _asks_to_reauthenticate(stale.get(URL))
    assert _asks_to_reauthenticate(stale.post(URL, {"email": ana.user.email}))
    ana.user.refresh_from_db()
    assert ana.user.is_active


def test_after_the_password_the_page_explains_and_deletes(ana: Membership, ben: Membership) -> None:
    stale = client_for(ana)
    response = stale.post(f"{reverse('account_reauthenticate')}?next={URL}", {"password": PASSWORD, "next": URL})
    assert response["Location"] == URL
    page = stale.get(URL)
    assert page.status_code == 200
    assert b"cannot be undone" in page.content
    assert b"Ben" in page.content  # who becomes steward
    assert stale.post(URL, {"email": ana.user.email.upper()}).status_code == 302
    ana.user.refresh_from_db()
    assert not ana.user.is_active


def test_the_page_within_its_query_budget_whatever_the_number_of_polycules(
    ana: Membership, ben: Membership, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    """Ten, of which allauth's re-authentication asks four (addresses, then each kind of
    second factor)."""
    for _ in range(3):
        StewardFactory.create(user=ana.user)  # alone there: the polycule would go with her
        MembershipFactory.create(user=ana.user, polycule=StewardFactory.create().polycule)
    client = _fresh(ana.user)
    with django_assert_max_num_queries(10):
        response = client.get(URL)
    assert response.status_code == 200
    assert response.content.count(b"Nobody else is in it any more") == 3
    assert response.content.count(b"You will leave it, as if you had chosen to leave.") == 3
    assert response.content.count(b"will become its steward") == 1  # Ben, where Ana is the only steward


def test_a_wrong_address_deletes_nothing(ana: Membership) -> None:
    JournalEntry.objects.create(author=ana.user, text="kept")
    client = _fresh(ana.user)
    for bad in ("", "someone@example.com", "x" * 300, "\x00", "<script>alert(1)</script>", "\u202e😀@example.com"):
        response = client.post(URL, {"email": bad})
        assert response.status_code == 422, bad
        assert b'class="errors"' in response.content
        assert b"<script>alert" not in response.content
    assert b"Nothing was deleted" in client.post(URL, {"email": "someone@example.com"}).content
    ana.user.refresh_from_db()
    assert ana.user.is_active
    assert JournalEntry.objects.filter(author=ana.user).exists()


def test_deleting_signs_out_and_says_goodbye(ana: Membership) -> None:
    client = _fresh(ana.user)
    response = client.post(URL, {"email": ana.user.email}, follow=True)
    assert response.redirect_chain[0] == (reverse("relationships:landing"), 302)
    assert b"Your account is deleted" in response.content
    assert "_auth_user_id" not in client.session
    after = client.get(URL)
    assert after["Location"].startswith(reverse("account_login"))


def test_the_deleted_person_finds_nothing_any_more(ana: Membership) -> None:
    """Their old polycule and pages answer as for any signed-out visitor: they cannot sign in."""
    email = ana.user.email
    client = _fresh(ana.user)
    client.post(URL, {"email": email})
    again = Client()
    again.post(reverse("account_login"), {"login": email, "password": PASSWORD})
    assert "_auth_user_id" not in again.session
    again.force_login(User.objects.get(pk=ana.user.pk))
    # Even a session made by hand finds the account inactive: sign-in page, never the polycule.
    response = again.get(ana.polycule.get_absolute_url())
    assert response.status_code in {302, 404}


def test_wrong_methods_are_refused(ana: Membership) -> None:
    client = _fresh(ana.user)
    assert client.put(URL).status_code == 405
    assert client.delete(URL).status_code == 405


def test_the_account_page_links_to_it(user: User) -> None:
    client = Client()
    client.force_login(user)
    assert URL.encode() in client.get(reverse("accounts:settings")).content

"""manage.py demo: three partners, a history months long, and one agreement Cy must never see."""

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from pytest_django import Settings

from accounts.models import User
from relationships.models import Membership
from values import selectors
from values.demo import WEEKNIGHT_SLEEPOVERS
from values.models import Item, Proposal


@pytest.fixture
def demo(db: None, settings: Settings) -> None:
    settings.DEBUG = True
    call_command("demo")


def _member(email: str) -> Membership:
    return Membership.objects.active().get(user__email=email)


def test_demo_can_run_twice_without_harm(demo: None, settings: Settings) -> None:
    counts = (User.objects.count(), Membership.objects.count(), Item.objects.count())
    call_command("demo")
    assert (User.objects.count(), Membership.objects.count(), Item.objects.count()) == counts == (3, 3, 6)


def test_demo_refuses_without_debug_unless_forced(db: None, settings: Settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo")
    assert not User.objects.exists()
    call_command("demo", "--force")
    assert User.objects.count() == 3


def test_dry_run_changes_nothing(db: None, settings: Settings) -> None:
    settings.DEBUG = True
    call_command("demo", "--dry-run")
    assert not User.objects.exists()


def test_the_demo_accounts_sign_in_with_the_documented_password(demo: None) -> None:
    for email in ("ana@example.com", "ben@example.com", "cy@example.com"):
        client = Client()
        response = client.post("/accounts/login/", {"login": email, "password": "trellis-demo"})
        assert response.status_code == 302, email


def test_ana_has_things_waiting_and_an_open_proposal(demo: None) -> None:
    ana = _member("ana@example.com")
    needs = selectors.needs(ana)
    assert needs.to_acknowledge
    assert [p.revision.title if p.revision else None for p in needs.proposals] == [
        "A monthly check-in on the first Sunday"
    ]
    kids = Item.objects.get(versions__title__startswith="Our children's needs come before")
    assert kids.kind == "value"
    assert Proposal.objects.filter(status=Proposal.Status.OPEN).count() == 1


def test_versions_were_set_months_apart_with_their_whys(demo: None) -> None:
    barriers = Item.objects.get(versions__title="Barriers with new partners")
    first, second = barriers.versions.order_by("number")
    assert (second.created_at - first.created_at).days > 60
    assert first.why
    assert second.why


def test_cy_never_sees_weeknight_sleepovers(demo: None) -> None:
    cy = Client()
    cy.force_login(User.objects.get(email="cy@example.com"))
    polycule = _member("cy@example.com").polycule.public_id
    for url in (
        "/home/",
        f"/p/{polycule}/",
        f"/p/{polycule}/items/",
        f"/p/{polycule}/items/?kind=agreement",
        f"/p/{polycule}/timeline/",
        f"/p/{polycule}/welcome/",
    ):
        response = cy.get(url)
        assert response.status_code == 200, url
        assert WEEKNIGHT_SLEEPOVERS.encode() not in response.content, url
    ben = Client()
    ben.force_login(User.objects.get(email="ben@example.com"))
    assert WEEKNIGHT_SLEEPOVERS.encode() in ben.get(f"/p/{polycule}/items/").content

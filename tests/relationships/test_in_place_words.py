"""What an in-place action on the polycule's page says it did: a role changed, the polycule
renamed. The fragment carries the words the page without JavaScript shows as a message
(static/js/announce.js reads them into the live region); a plain look at the page carries none."""

from django.urls import reverse

from relationships.models import Membership
from tests.conftest import client_for

HTMX = {"HX-Request": "true"}


def test_a_role_changed_in_place_says_so_in_its_row(ana: Membership, ben: Membership) -> None:
    target = reverse("relationships:member_role", args=[ana.polycule.public_id, ben.public_id])
    response = client_for(ana).post(target, {"role": "steward"}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<li class="row" id="member-{ben.public_id}"')
    assert '<p class="done" role="status">Ben is now a steward.</p>' in html
    # Without JavaScript, the same words, as a message.
    back = client_for(ana).post(target, {"role": "member"}, follow=True).content.decode()
    assert "Ben is now a member." in back
    assert 'role="status">Ben is now a member.</p>' not in back  # the message, not the row's line


def test_a_refused_role_change_says_why_and_nothing_done(ana: Membership) -> None:
    target = reverse("relationships:member_role", args=[ana.polycule.public_id, ana.public_id])
    response = client_for(ana).post(target, {"role": "member"}, headers=HTMX)
    assert response.status_code == 409
    assert 'role="alert"' in response.content.decode()
    assert 'class="done"' not in response.content.decode()


def test_a_rename_in_place_says_the_polycule_has_its_new_name(ana: Membership) -> None:
    target = reverse("relationships:polycule_rename", args=[ana.polycule.public_id])
    html = client_for(ana).post(target, {"name": "Sunday Garden"}, headers=HTMX).content.decode()
    assert 'id="polycule-name" data-announce="The polycule has its new name."' in html
    assert "<h1>Sunday Garden</h1>" in html
    # The menu's link takes the new name: its words only, so the title's are the news.
    assert '<a id="subnav-home" data-hx-swap-oob="innerHTML"' in html
    shown = client_for(ana).get(reverse("relationships:polycule_detail", args=[ana.polycule.public_id]))
    assert "data-announce" not in shown.content.decode()
    assert "Sunday Garden" in shown.content.decode()

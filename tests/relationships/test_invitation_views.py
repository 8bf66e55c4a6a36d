"""The invitation link, the landing page and accepting, through the test client;
bad input and HTMX fragments on every relationships form."""

import re
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from pytest_django import DjangoCaptureOnCommitCallbacks

from accounts.models import User
from relationships import services
from relationships.invitations import pending_invitation_id
from relationships.models import Invitation, Membership, Polycule
from relationships.services import STATUS_MESSAGES
from tests.conftest import client_for
from tests.factories import PASSWORD, InvitationFactory, UserFactory, token

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

LANDING = "/invitation/"
ACCEPT = "/invitation/accept/"
NEW_PASSWORD = "a long and happy password"


@pytest.fixture
def invitation(ana: Membership) -> Invitation:
    return InvitationFactory.create(invited_by=ana, polycule=ana.polycule, email="eli@example.com")


@pytest.fixture
def eli(db: None) -> User:
    """Someone with an account, invited to Ana's polycule: a newcomer, not one of the cast."""
    return UserFactory.create(email="eli@example.com", name="Eli")


def _open(client: Client, invitation: Invitation) -> None:
    response = client.get(f"/invitations/{token(invitation)}/")
    assert response.status_code == 302


def _text(response: "TestResponse") -> str:
    return response.content.decode()


# The link


def test_the_link_keeps_the_invitation_in_the_session_and_drops_the_token(invitation: Invitation) -> None:
    client = Client()
    response = client.get(f"/invitations/{token(invitation)}/")
    assert response.status_code == 302
    assert response["Location"] == LANDING
    assert token(invitation) not in response["Location"]
    assert response["Referrer-Policy"] == "no-referrer"
    assert client.session["trellis_pending_invitation"] == invitation.pk


def test_an_unknown_token_gets_the_link_doesnt_work_page(db: None) -> None:
    response = Client().get(f"/invitations/{'ab' * 32}/")
    assert response.status_code == 404
    assert "This invitation link doesn" in _text(response)
    assert response["Referrer-Policy"] == "no-referrer"


def test_an_unknown_token_forgets_an_invitation_opened_before(invitation: Invitation) -> None:
    client = Client()
    _open(client, invitation)
    assert client.get(f"/invitations/{token(invitation)[:-1]}/").status_code == 404
    assert "trellis_pending_invitation" not in client.session
    assert client.get(LANDING).status_code == 404


def test_the_link_refuses_other_methods(invitation: Invitation) -> None:
    assert Client().post(f"/invitations/{token(invitation)}/").status_code == 405


# The landing page


def test_the_landing_page_shows_the_polycule_and_the_inviter_after_a_valid_link(invitation: Invitation) -> None:
    client = Client()
    _open(client, invitation)
    response = client.get(LANDING)
    assert response.status_code == 200
    assert f"Ana invites you to {invitation.polycule.name}" in _text(response)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_landing_page_without_a_link_is_404_and_names_nothing(
    signed_in: bool, invitation: Invitation, eli: User
) -> None:
    client = client_for(eli) if signed_in else Client()
    response = client.get(LANDING)
    assert response.status_code == 404
    assert invitation.polycule.name not in _text(response)
    assert "Ana" not in _text(response)


def test_signed_out_landing_offers_sign_up_and_sign_in_that_come_back(invitation: Invitation) -> None:
    client = Client()
    _open(client, invitation)
    page = _text(client.get(LANDING))
    assert f'href="{reverse("account_signup")}?next={LANDING}"' in page
    assert f'href="{reverse("account_login")}?next={LANDING}"' in page
    assert ACCEPT not in page


def test_signing_up_from_the_invitation_comes_back_to_it_after_confirming(
    invitation: Invitation, mailoutbox: list[EmailMessage]
) -> None:
    client = Client()
    _open(client, invitation)
    response = client.post(
        f"{reverse('account_signup')}?next={LANDING}",
        {
            "name": "Eli",
            "email": "eli@example.com",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "next": LANDING,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    message = next(m for m in mailoutbox if m.to == ["eli@example.com"])
    confirm = re.search(r"https?://[^/\s]+(?P<path>/accounts/confirm-email/[^/\s]+/)", str(message.body))
    assert confirm, message.body
    assert client.get(confirm.group("path")).status_code == 200
    response = client.post(confirm.group("path"))
    assert response.status_code == 302
    assert response["Location"] == LANDING
    page = _text(client.get(LANDING))
    assert f"Join {invitation.polycule.name}" in page
    assert ACCEPT in page


def test_signing_in_from_the_invitation_comes_back_to_it(invitation: Invitation, eli: User) -> None:
    client = Client()
    _open(client, invitation)
    response = client.post(
        f"{reverse('account_login')}?next={LANDING}", {"login": eli.email, "password": PASSWORD, "next": LANDING}
    )
    assert response.status_code == 302
    assert response["Location"] == LANDING
    assert pending_invitation_id(client.get(LANDING).wsgi_request) == invitation.pk


def _expire(invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))


def _use(invitation: Invitation) -> None:
    user = UserFactory.create(email="eli@example.com")
    services.accept_invitation(invitation=invitation, user=user, display_name="Eli")


def _revoke(invitation: Invitation) -> None:
    services.revoke_invitation(by=invitation.invited_by, invitation=invitation)


@pytest.mark.parametrize(
    ("spoil", "status"),
    [(_expire, Invitation.Status.EXPIRED), (_use, Invitation.Status.ACCEPTED), (_revoke, Invitation.Status.REVOKED)],
)
def test_a_dead_link_says_so_plainly(
    spoil: Callable[[Invitation], None], status: Invitation.Status, invitation: Invitation
) -> None:
    spoil(invitation)
    client = client_for(UserFactory.create(email="someone@example.com"))
    _open(client, invitation)
    response = client.get(LANDING)
    page = _text(response)
    assert escape(STATUS_MESSAGES[status]) in page
    for other in set(STATUS_MESSAGES) - {status}:
        assert escape(STATUS_MESSAGES[other]) not in page
    assert ACCEPT not in page
    assert reverse("account_signup") + "?next" not in page


def test_a_dead_link_refuses_to_accept(invitation: Invitation, eli: User) -> None:
    client = client_for(eli)
    _open(client, invitation)
    _revoke(invitation)
    response = client.post(ACCEPT, {"display_name": "Eli"})
    assert response.status_code == 409
    assert escape(STATUS_MESSAGES[Invitation.Status.REVOKED]) in _text(response)
    assert not Membership.objects.filter(user=eli).exists()


def test_someone_signed_in_with_another_address_cannot_accept(invitation: Invitation) -> None:
    mallory = UserFactory.create(email="mallory@example.com")
    client = client_for(mallory)
    _open(client, invitation)
    page = _text(client.get(LANDING))
    assert "this invitation was sent to another address" in page
    assert ACCEPT not in page
    response = client.post(ACCEPT, {"display_name": "Mallory"})
    assert response.status_code == 409
    assert "different e-mail address" in _text(response)
    assert not Membership.objects.filter(user=mallory).exists()


def test_an_unverified_matching_address_cannot_accept(invitation: Invitation) -> None:
    eli = UserFactory.create(email="eli@example.com", verified=False)
    EmailAddress.objects.create(user=eli, email=eli.email, verified=False, primary=True)
    client = Client()
    client.force_login(eli)
    _open(client, invitation)
    response = client.post(ACCEPT, {"display_name": "Eli"})
    assert response.status_code == 409
    assert not Membership.objects.filter(user=eli).exists()


def test_accepting_makes_the_membership_and_goes_to_the_polycule(invitation: Invitation, eli: User) -> None:
    client = client_for(eli)
    _open(client, invitation)
    assert "Your name here" in _text(client.get(LANDING))
    response = client.post(ACCEPT, {"display_name": "Elijah", "pronouns": "he/him"})
    assert response.status_code == 302
    # The polycule's home, or its welcome page for newcomers.
    assert f"/p/{invitation.polycule.public_id}/" in response["Location"]
    membership = Membership.objects.get(user=eli)
    assert membership.polycule == invitation.polycule
    assert (membership.display_name, membership.pronouns) == ("Elijah", "he/him")
    assert "trellis_pending_invitation" not in client.session
    assert client.get(response["Location"]).status_code == 200
    page = _text(client.get(reverse("relationships:polycule_detail", args=[invitation.polycule.public_id])))
    assert "Elijah" in page
    assert "Ana" in page


def test_accept_without_an_opened_link_is_404(invitation: Invitation, eli: User) -> None:
    response = client_for(eli).post(ACCEPT, {"display_name": "Eli"})
    assert response.status_code == 404
    assert not Membership.objects.filter(user=eli).exists()


def test_the_others_see_that_eli_joined(invitation: Invitation, eli: User, ana: Membership) -> None:
    detail = reverse("relationships:polycule_detail", args=[ana.polycule.public_id])
    assert "Eli</strong> joined" not in _text(client_for(ana).get(detail))
    client = client_for(eli)
    _open(client, invitation)
    client.post(ACCEPT, {"display_name": "Eli"})
    assert "Eli</strong> joined" in _text(client_for(ana).get(detail))


# Sending invitations


def _create_url(ana: Membership) -> str:
    return reverse("relationships:invitation_create", args=[ana.polycule.public_id])


def test_inviting_sends_the_mail_and_lists_the_invitation(
    ana: Membership, mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    client = client_for(ana)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_create_url(ana), {"email": "eli@example.com", "note": "Hi"})
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["eli@example.com"]]
    page = _text(client.get(response["Location"]))
    assert "eli@example.com" in page
    assert "Invitation sent to eli@example.com" in page


def test_inviting_a_member_shows_the_reason_next_to_the_address(ana: Membership, ben: Membership) -> None:
    response = client_for(ana).post(_create_url(ana), {"email": ben.user.email})
    assert response.status_code == 422
    assert 'id="id_email_error"' in _text(response)
    assert "already in this polycule" in _text(response)
    assert not Invitation.objects.exists()


def test_sending_invitations_is_rate_limited(
    ana: Membership, mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    limits = {**settings.ACCOUNT_RATE_LIMITS, "invite_member": "2/h/user"}
    client = client_for(ana)
    with override_settings(ACCOUNT_RATE_LIMITS=limits), django_capture_on_commit_callbacks(execute=True):
        for n in range(2):
            assert client.post(_create_url(ana), {"email": f"p{n}@example.com"}).status_code == 302
        response = client.post(_create_url(ana), {"email": "p3@example.com"})
        sent = Invitation.objects.get(email="p0@example.com")
        resend_url = reverse("relationships:invitation_resend", args=[ana.polycule.public_id, sent.public_id])
        resend = client.post(resend_url, follow=True)
    assert response.status_code == 422
    assert "You have sent many invitations in a short time" in _text(response)
    assert Invitation.objects.count() == 2
    assert len(mailoutbox) == 2
    assert "Too many invitations just now" in _text(resend)


# Bad input on every form: 422, a message next to the field, nothing saved.

JUNK = "x" * 5000

BAD_INPUT: dict[str, list[tuple[dict[str, Any], str]]] = {
    "relationships:polycule_create": [
        ({}, "name"),
        ({"name": "", "display_name": "Ana"}, "name"),
        ({"name": JUNK, "display_name": "Ana"}, "name"),
        ({"name": "Garden", "display_name": JUNK}, "display_name"),
        ({"name": "Garden", "display_name": "Ana", "pronouns": JUNK}, "pronouns"),
        ({"name": "Gar\x00den", "display_name": "Ana"}, "name"),
        ({"name": ["Garden", ""], "display_name": "Ana"}, "name"),
        ({"name": SimpleUploadedFile("name.txt", b"Garden"), "display_name": "Ana"}, "name"),
        ({"name": "   ", "display_name": "Ana"}, "name"),
    ],
    "relationships:polycule_rename": [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": JUNK}, "name"),
        ({"name": "\x00"}, "name"),
        ({"name": ["Garden", ""]}, "name"),
    ],
    "relationships:membership_edit": [
        ({}, "display_name"),
        ({"display_name": ""}, "display_name"),
        ({"display_name": JUNK}, "display_name"),
        ({"display_name": "Ana", "pronouns": JUNK}, "pronouns"),
        ({"display_name": "A\x00na"}, "display_name"),
    ],
    "relationships:invitation_create": [
        ({}, "email"),
        ({"email": ""}, "email"),
        ({"email": "not an address"}, "email"),
        ({"email": "eli@"}, "email"),
        ({"email": JUNK + "@example.com"}, "email"),
        ({"email": "eli@example.com", "note": JUNK}, "note"),
        ({"email": "eli\x00@example.com"}, "email"),
        ({"email": ["eli@example.com", "nope"]}, "email"),
    ],
}


def _snapshot() -> tuple[object, ...]:
    return (
        Polycule.objects.count(),
        Membership.objects.count(),
        Invitation.objects.count(),
        *Polycule.objects.order_by("pk").values_list("name", flat=True),
        *Membership.objects.order_by("pk").values_list("display_name", "pronouns"),
    )


@pytest.mark.parametrize(
    ("name", "data", "field"),
    [(name, data, field) for name, cases in BAD_INPUT.items() for data, field in cases],
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 else None,
)
def test_bad_input_gets_a_422_with_a_message_next_to_the_field(
    name: str, data: dict[str, Any], field: str, ana: Membership
) -> None:
    kwargs = {} if name == "relationships:polycule_create" else {"polycule_id": ana.polycule.public_id}
    before = _snapshot()
    response = client_for(ana).post(reverse(name, kwargs=kwargs), data)
    assert response.status_code == 422
    assert f'id="id_{field}_error"' in _text(response)
    assert _snapshot() == before


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"display_name": ""},
        {"display_name": JUNK},
        {"display_name": "Eli", "pronouns": JUNK},
        {"display_name": "\x00"},
    ],
)
def test_bad_input_when_accepting_gets_a_422_and_no_membership(
    data: dict[str, Any], invitation: Invitation, eli: User
) -> None:
    client = client_for(eli)
    _open(client, invitation)
    response = client.post(ACCEPT, data)
    assert response.status_code == 422
    assert 'class="errors"' in _text(response)
    assert not Membership.objects.filter(user=eli).exists()
    invitation.refresh_from_db()
    assert invitation.is_pending


@pytest.mark.parametrize("role", [None, "", "owner", JUNK, "\x00", ["steward", "boss"]])
def test_a_bad_role_gets_a_422_and_changes_nothing(
    role: str | list[str] | None, ana: Membership, ben: Membership
) -> None:
    url = reverse("relationships:member_role", args=[ana.polycule.public_id, ben.public_id])
    data = {} if role is None else {"role": role}
    for headers in ({}, {"HX-Request": "true"}):
        response = client_for(ana).post(url, data, headers=headers)
        assert response.status_code == 422
        assert "Choose steward or member." in _text(response)
    ben.refresh_from_db()
    assert ben.role == Membership.Role.MEMBER


def test_a_body_that_is_not_a_form_gets_a_422(ana: Membership) -> None:
    response = client_for(ana).post(
        reverse("relationships:polycule_create"), b'{"name": "Garden"}', content_type="application/json"
    )
    assert response.status_code == 422
    assert Polycule.objects.count() == 1


# HTMX gets a fragment, a plain form post a redirect


def _fragment_requests(ana: Membership, ben: Membership) -> list[tuple[str, dict[str, str]]]:
    polycule_id = ana.polycule.public_id
    invitation = InvitationFactory.create(invited_by=ana, polycule=ana.polycule)
    other = InvitationFactory.create(invited_by=ana, polycule=ana.polycule)
    return [
        (reverse("relationships:member_role", args=[polycule_id, ben.public_id]), {"role": "steward"}),
        (reverse("relationships:invitation_resend", args=[polycule_id, invitation.public_id]), {}),
        (reverse("relationships:invitation_revoke", args=[polycule_id, other.public_id]), {}),
        (reverse("relationships:polycule_rename", args=[polycule_id]), {"name": "Sunday Garden"}),
    ]


def test_htmx_requests_get_only_the_fragment(ana: Membership, ben: Membership) -> None:
    client = client_for(ana)
    for url, data in _fragment_requests(ana, ben):
        response = client.post(url, data, headers={"HX-Request": "true"})
        assert response.status_code == 200, url
        assert "<html" not in _text(response), url
        assert "<body" not in _text(response), url


def test_plain_posts_redirect_to_the_polycule(ana: Membership, ben: Membership) -> None:
    client = client_for(ana)
    detail = reverse("relationships:polycule_detail", args=[ana.polycule.public_id])
    for url, data in _fragment_requests(ana, ben):
        response = client.post(url, data)
        assert response.status_code == 302, url
        assert response["Location"] == detail


def test_the_fragments_carry_what_changed(ana: Membership, ben: Membership) -> None:
    client = client_for(ana)
    role, resend, revoke, rename = _fragment_requests(ana, ben)
    htmx = {"HX-Request": "true"}
    assert "Make member" in _text(client.post(*role, headers=htmx))
    assert "Sent again to" in _text(client.post(*resend, headers=htmx))
    assert "no longer works" in _text(client.post(*revoke, headers=htmx))
    assert "<h1>Sunday Garden</h1>" in _text(client.post(*rename, headers=htmx))


def test_htmx_rename_with_bad_input_gets_the_form_fragment_with_422(ana: Membership) -> None:
    url = reverse("relationships:polycule_rename", args=[ana.polycule.public_id])
    response = client_for(ana).post(url, {"name": ""}, headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "<html" not in _text(response)
    assert 'id="id_name_error"' in _text(response)


def test_htmx_refusing_to_demote_the_last_steward_gets_the_row_with_409(ana: Membership, ben: Membership) -> None:
    url = reverse("relationships:member_role", args=[ana.polycule.public_id, ana.public_id])
    response = client_for(ana).post(url, {"role": "member"}, headers={"HX-Request": "true"})
    assert response.status_code == 409
    assert "<html" not in _text(response)
    assert "at least one steward" in _text(response)
    ana.refresh_from_db()
    assert ana.is_steward


@pytest.mark.parametrize("spoil", [_use, _revoke])
@pytest.mark.parametrize("signed_in", [False, True])
def test_a_used_or_revoked_link_names_no_one(
    spoil: Callable[[Invitation], None], signed_in: bool, invitation: Invitation
) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(note="Come and see our garden")
    spoil(invitation)
    client = client_for(UserFactory.create(email="finder@example.com")) if signed_in else Client()
    _open(client, invitation)
    response = client.get(LANDING)
    assert response.status_code == 410
    page = _text(response)
    assert "no longer works" in page
    assert escape(invitation.polycule.name) not in page
    assert escape(invitation.invited_by.display_name) not in page
    assert "our garden" not in page


def test_my_own_used_link_takes_me_to_the_polycule(invitation: Invitation, eli: User) -> None:
    services.accept_invitation(invitation=invitation, user=eli, display_name="Eli")
    client = client_for(eli)
    _open(client, invitation)
    response = client.get(LANDING)
    assert response.status_code == 302
    assert response["Location"] == invitation.polycule.get_absolute_url()


def test_my_own_used_link_after_leaving_names_no_one(invitation: Invitation, eli: User) -> None:
    membership = services.accept_invitation(invitation=invitation, user=eli, display_name="Eli")
    services.leave_polycule(membership=membership)
    client = client_for(eli)
    _open(client, invitation)
    response = client.get(LANDING)
    assert response.status_code == 410
    assert escape(invitation.polycule.name) not in _text(response)


def test_an_expired_invitation_stays_listed_with_a_way_to_send_it_again(invitation: Invitation) -> None:
    _expire(invitation)
    client = client_for(invitation.invited_by.user)
    page = _text(client.get(invitation.polycule.get_absolute_url()))
    assert invitation.email in page
    assert "expired on" in page
    assert "Send again" in page
    response = client.post(
        reverse("relationships:invitation_resend", args=[invitation.polycule.public_id, invitation.public_id])
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.is_pending
    assert "link works until" in _text(client.get(invitation.polycule.get_absolute_url()))


def test_a_removed_or_used_invitation_leaves_the_list(invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(email="gone@example.com")
    invitation.refresh_from_db()
    other = InvitationFactory.create(
        invited_by=invitation.invited_by, polycule=invitation.polycule, email="eli@example.com"
    )
    _expire(invitation)
    _revoke(invitation)
    _use(other)
    page = _text(client_for(invitation.invited_by.user).get(invitation.polycule.get_absolute_url()))
    assert invitation.email not in page
    assert other.email not in page

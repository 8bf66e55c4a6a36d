"""Promise 12 and 14: one gate, every URL listed, the same 404 for every outsider."""

import uuid
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from pytest_django import DjangoAssertNumQueries

from accounts.models import User
from tests.accounts.worker import DATABASE_TASKS
from tests.conversations.routes import ROUTES as CONVERSATION_ROUTES
from tests.home.routes import ROUTES as HOME_ROUTES
from tests.matrix import MEMBER, PERSONAS, SIGNED_OUT, STEWARD, Route, World, build_world
from tests.notifications.routes import ROUTES as NOTIFICATION_ROUTES
from tests.relationships.routes import ROUTES as RELATIONSHIP_ROUTES
from tests.values.routes import ROUTES as VALUES_ROUTES

ROUTES: list[Route] = [
    *RELATIONSHIP_ROUTES,
    *VALUES_ROUTES,
    *CONVERSATION_ROUTES,
    *HOME_ROUTES,
    *NOTIFICATION_ROUTES,
]

# Pages anyone may open; each has its own tests.
PUBLIC = {
    "relationships:landing",
    "relationships:invitation_open",
    "relationships:invitation_landing",
    "account_login",
    "account_logout",
    "accounts:logout",
    "account_inactive",
    "account_signup",
    "account_email_verification_sent",
    "account_reset_password",
    "account_confirm_login_code",
    "account_confirm_email",
    "account_reset_password_from_key_done",
    "account_reset_password_from_key",
    "account_reset_password_done",
    "mfa_authenticate",
    "mfa_login_webauthn",
    "notifications:unsubscribe",
    "notifications:feed",
    "notifications:health",
}
# A person's own account pages: signed in, no polycule involved.
ACCOUNT = {
    "accounts:settings": {},
    "accounts:security": {},
    "account_reauthenticate": {},
    "account_request_reauthentication_code": {},
    "account_confirm_reauthentication_code": {},
    "account_email": {},
    "account_change_password": {},
    "account_set_password": {},
    "mfa_index": {},
    "mfa_reauthenticate": {},
    "mfa_activate_totp": {},
    "mfa_deactivate_totp": {},
    "mfa_view_recovery_codes": {},
    "mfa_generate_recovery_codes": {},
    "mfa_download_recovery_codes": {},
    "mfa_list_webauthn": {},
    "mfa_add_webauthn": {},
    "mfa_reauthenticate_webauthn": {},
    "mfa_remove_webauthn": {"pk": 1},
    "mfa_edit_webauthn": {"pk": 1},
    "usersessions_list": {},
    "relationships:polycule_list": {},
    "relationships:polycule_create": {},
    "relationships:invitation_accept": {},
    "home:dashboard": {},
    "conversations:journal": {},
    "conversations:entry_create": {},
    "notifications:preferences": {},
    "home:needs_count": {},
    # The benchmark's floor; its query budget: tests/bench/test_floor.py.
    "home:floor": {},
    "home:export": {},
    "home:export_download": {},
    # Query budget: tests/home/test_deletion_views.py.
    "home:account_delete": {},
}


# Query budgets of the account pages, for a member of a polycule (Ana, in the matrix's world):
# at most 10, but for allauth's own pages that check every authenticator twice on their way to
# asking for re-authentication.
ACCOUNT_QUERIES = {
    "account_request_reauthentication_code": 11,
    "mfa_activate_totp": 11,
    "mfa_add_webauthn": 11,
}


def _url_names(patterns: list[URLPattern | URLResolver], namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else pattern.namespace
            yield from _url_names(pattern.url_patterns, inner or namespace)
        elif pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_is_in_the_matrix() -> None:
    listed = {route.name for route in ROUTES} | PUBLIC | set(ACCOUNT)
    missing = set(_url_names(get_resolver().url_patterns)) - listed
    assert not missing, f"Add these URLs to the authorization matrix: {sorted(missing)}"


def test_every_unnamed_url_is_refused() -> None:
    unnamed = [p for p in get_resolver().url_patterns if isinstance(p, URLPattern) and not p.name]
    assert not unnamed


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def _client(world: World, persona: str) -> Client:
    client = Client()
    membership = world.persona(persona)
    if membership is not None:
        client.force_login(membership.user)
    return client


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.id)
def test_each_persona_gets_what_the_route_promises_within_budget(
    route: Route, persona: str, world: World, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    url = reverse(route.name, kwargs=route.kwargs(world))
    client = _client(world, persona)
    send = getattr(client, route.method)
    if persona == SIGNED_OUT:
        response = send(url, route.data(world))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        return
    if persona in {MEMBER, STEWARD}:
        with DATABASE_TASKS, django_assert_max_num_queries(route.queries):
            response = send(url, route.data(world))
    else:
        response = send(url, route.data(world))
    assert response.status_code == route.expected(persona), response.content[:500]


@pytest.mark.parametrize("persona", [MEMBER, STEWARD])
@pytest.mark.parametrize("route", [r for r in ROUTES if r.fragment], ids=lambda r: r.id)
def test_in_place_actions_answer_htmx_with_a_fragment_within_budget(
    route: Route, persona: str, world: World, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    url = reverse(route.name, kwargs=route.kwargs(world))
    send = getattr(_client(world, persona), route.method)
    assert route.fragment is not None
    with DATABASE_TASKS, django_assert_max_num_queries(route.fragment):
        response = send(url, route.data(world), HTTP_HX_REQUEST="true")
    if response.status_code < 400 or response.status_code in {409, 422}:
        assert b"<html" not in response.content, "an htmx request got a whole page"
        assert response.status_code != 302, "an htmx request got a redirect"


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.id)
def test_unknown_polycule_is_404_like_a_foreign_one(route: Route, world: World) -> None:
    kwargs = route.kwargs(world)
    if "polycule_id" not in kwargs:
        pytest.skip("a person's own page (the journal): no polycule in its address")
    kwargs = {**kwargs, "polycule_id": uuid.uuid4()}
    response = getattr(_client(world, STEWARD), route.method)(reverse(route.name, kwargs=kwargs), route.data(world))
    assert response.status_code == 404


POST_ONLY = sorted({r.name for r in ROUTES if r.method == "post"} - {r.name for r in ROUTES if r.method == "get"})


@pytest.mark.parametrize("name", POST_ONLY)
def test_mutating_url_refuses_get(name: str, world: World) -> None:
    route = next(r for r in ROUTES if r.name == name)
    response = _client(world, STEWARD).get(reverse(name, kwargs=route.kwargs(world)))
    assert response.status_code == 405


@pytest.mark.parametrize("route", [r for r in ROUTES if r.method == "post"], ids=lambda r: r.id)
def test_post_without_csrf_token_is_refused(route: Route, world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.ana.user)
    response = client.post(reverse(route.name, kwargs=route.kwargs(world)), route.data(world))
    assert response.status_code == 403


@pytest.mark.parametrize("name", sorted(ACCOUNT))
def test_account_pages_need_sign_in(name: str, db: None) -> None:
    response = Client().get(reverse(name, kwargs=ACCOUNT[name]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", sorted(ACCOUNT))
def test_account_pages_open_for_a_signed_in_person(name: str, user: User) -> None:
    client = Client()
    client.force_login(user)
    response = client.get(reverse(name, kwargs=ACCOUNT[name]))
    # 405 for POST-only pages, 404 for another person's passkey, redirects to re-authentication.
    assert response.status_code in {200, 302, 404, 405}


# /health/ answers 503 until the scheduler has run: tests/notifications/test_health.py.
@pytest.mark.parametrize(
    "name", sorted(PUBLIC - {"account_confirm_email", "account_reset_password_from_key", "notifications:health"})
)
def test_public_pages_open_signed_out(name: str, db: None) -> None:
    with_token = {"relationships:invitation_open", "notifications:unsubscribe", "notifications:feed"}
    kwargs = {"token": "x" * 64} if name in with_token else {}
    response = Client().get(reverse(name, kwargs=kwargs))
    assert response.status_code in {200, 302, 404, 405}
    if response.status_code == 302:
        assert not response["Location"].startswith(reverse("account_login") + "?next=")


def test_public_pages_with_keys_answer_bad_keys_calmly(db: None) -> None:
    client = Client()
    assert client.get(reverse("account_confirm_email", kwargs={"key": "nonsense"})).status_code < 500
    url = reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "nonsense"})
    assert client.get(url).status_code < 500


def test_allauth_views_are_marked_public_where_they_should_be() -> None:
    resolver = get_resolver()
    for name in ("account_login", "account_signup", "account_reset_password"):
        view = resolver.resolve(reverse(name)).func
        assert getattr(view, "login_required", True) is False, name


@pytest.mark.parametrize("name", sorted(ACCOUNT))
def test_account_pages_stay_within_their_query_budget(
    name: str, world: World, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    client = _client(world, STEWARD)
    url = reverse(name, kwargs=ACCOUNT[name])
    with django_assert_max_num_queries(ACCOUNT_QUERIES.get(name, 10)):
        response = client.get(url, headers={"HX-Request": "true"} if name == "home:needs_count" else {})
    assert response.status_code in {200, 302, 404, 405}

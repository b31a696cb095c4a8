"""One trusted-proxy setting (spec/quality.md): the login limiter (django-axes) and the
survey-link limiter see the same client address, and only trusted proxies decide it."""

import pytest
from axes.helpers import get_client_ip_address
from django.core.cache import cache
from django.test import RequestFactory
from django.urls import reverse

from datagedreven.proxies import client_ip
from datagedreven.settings import trusted_proxy_count

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"
UNKNOWN_LINK = "/v/" + "B" * 43 + "/"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def request_from(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def login(client, password, **extra):
    return client.post(reverse("login"), {"username": "alice", "password": password}, **extra)


def test_it_reads_the_setting_and_the_old_name():
    assert trusted_proxy_count({}) == 0
    assert trusted_proxy_count({"PROXY_COUNT": "2"}) == 2
    assert trusted_proxy_count({"TRUSTED_PROXY_COUNT": "1", "PROXY_COUNT": "2"}) == 1
    assert trusted_proxy_count({"TRUSTED_PROXY_COUNT": "-3"}) == 0


# --- No trusted proxy: X-Forwarded-For is anyone's to write ----------------------------


def test_without_trusted_proxies_a_forged_header_changes_no_address(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = request_from("192.0.2.7", "203.0.113.9")
    assert client_ip(request) == "192.0.2.7"
    assert get_client_ip_address(request) == "192.0.2.7"  # what django-axes uses


def test_without_trusted_proxies_a_forged_header_escapes_no_lockout(client, people, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for number in range(4):
        assert login(client, "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{number}").status_code == 200
    assert login(client, "wrong", HTTP_X_FORWARDED_FOR="203.0.113.50").status_code == 429
    assert login(client, "secret-pass-123", HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429


def test_without_trusted_proxies_a_forged_header_escapes_no_link_limit(client, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.SURVEY_BAD_LINK_LIMIT = 2
    for number in range(2):
        forged = f"203.0.113.{number}"
        assert client.get(UNKNOWN_LINK, HTTP_X_FORWARDED_FOR=forged).status_code == 404
    assert client.get(UNKNOWN_LINK, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429


# --- One trusted proxy: the last address it appended is the client ---------------------


def test_behind_one_proxy_the_last_forwarded_address_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged the first entry; the proxy appended the address it saw.
    request = request_from(PROXY, "203.0.113.9, 192.0.2.7")
    assert client_ip(request) == "192.0.2.7"
    assert get_client_ip_address(request) == "192.0.2.7"
    # Without a (usable) header, the proxy's own address is all there is.
    assert client_ip(request_from(PROXY)) == PROXY
    assert client_ip(request_from(PROXY, "not-an-address")) == PROXY


def test_behind_two_proxies_the_second_address_from_the_right_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request_from(PROXY, "203.0.113.9, 192.0.2.7, 10.0.0.2")) == "192.0.2.7"
    assert client_ip(request_from(PROXY, "10.0.0.2")) == PROXY


def test_behind_a_proxy_one_locked_out_address_does_not_lock_out_another(client, people, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    first = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "192.0.2.7"}
    second = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.3"}
    for _ in range(4):
        assert login(client, "wrong", **first).status_code == 200
    assert login(client, "wrong", **first).status_code == 429
    # Alice at another desk, through the same proxy, can still log in.
    assert login(client, "secret-pass-123", **second).status_code == 302
    client.logout()
    assert login(client, "secret-pass-123", **first).status_code == 429


def test_behind_a_proxy_each_address_has_its_own_link_limit(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.SURVEY_BAD_LINK_LIMIT = 2
    first = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "192.0.2.7"}
    second = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": "198.51.100.3"}
    for _ in range(2):
        assert client.get(UNKNOWN_LINK, **first).status_code == 404
    assert client.get(UNKNOWN_LINK, **first).status_code == 429
    assert client.get(UNKNOWN_LINK, **second).status_code == 404

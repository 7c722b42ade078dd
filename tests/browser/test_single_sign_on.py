"""Signing in through the council's identity provider in the browser: oidc-provider-mock on loopback
and the demo pointed at it. The sign-in page offers it; the provider's own page is filled in as a
person would; the person lands signed in, not asked for SafeComms' second factor (the provider keeps
its own); someone the provider knows and SafeComms does not is told so, and is not signed in."""
import pytest
from oidc_provider_mock import run_server_in_thread
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import DemoServer
from test_authenticator import heading
from test_registers import both_widths_clean
from test_tokens import clean_as_it_is


@pytest.fixture(scope="module")
def provider_server():
    with run_server_in_thread(port=0, require_nonce=True) as provider:
        s = DemoServer({
            # 127.0.0.1 throughout: the provider names itself after the address it is asked at.
            "SAFECOMMS_OIDC_ISSUER": f"http://127.0.0.1:{provider.server_port}",
            "SAFECOMMS_OIDC_CLIENT_ID": "safecomms",
            "SAFECOMMS_OIDC_CLIENT_SECRET": "a client secret",
            "SAFECOMMS_OIDC_NAME": "your Northbridge account",
            # The demo organisation's id (`DemoSeeder.organisationID`): its staff sign in through it.
            "SAFECOMMS_OIDC_ORGANISATION": "0000dec0-0000-4000-8000-000000000001",
            "SAFECOMMS_PUBLIC_URL": "{url}",
        })
        yield s
        s.stop()


def sign_in_at_the_provider(browser, server, subject):
    browser.delete_all_cookies()
    browser.get(server.url + "/login")
    link = browser.find_element(By.ID, "single-sign-on")
    assert link.text == "Sign in with your Northbridge account"
    link.click()
    WebDriverWait(browser, 10).until(lambda d: "/oauth2/authorize" in d.current_url)
    field = browser.find_element(By.NAME, "sub")
    field.send_keys(subject)
    field.submit()
    WebDriverWait(browser, 10).until(
        lambda d: d.current_url.startswith(server.url) and "/auth/oidc/start" not in d.current_url)


def test_a_practitioner_signs_in_with_the_councils_account(browser, provider_server):
    browser.get(provider_server.url + "/login")
    both_widths_clean(browser)
    who = provider_server.sign_ins["practitioner"][0]
    sign_in_at_the_provider(browser, provider_server, who["email"])
    # Home at once: no password, and no authenticator although the demo requires one of practitioners.
    WebDriverWait(browser, 10).until(lambda d: d.current_url == provider_server.url + "/")
    browser.get(provider_server.url + "/account")
    assert who["email"] in browser.find_element(By.TAG_NAME, "main").text


def test_someone_safecomms_does_not_know_is_told_so(browser, provider_server):
    sign_in_at_the_provider(browser, provider_server, "nobody@elsewhere.example")
    heading(browser, "You are not signed in")
    assert "no one in SafeComms signs in with that account" in browser.find_element(By.ID, "why").text
    clean_as_it_is(browser)
    browser.get(provider_server.url + "/cases")
    assert browser.current_url == provider_server.url + "/login"

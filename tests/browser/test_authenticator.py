"""A second factor in the browser: where it is required, a practitioner sets one up at their first
sign-in before anything else opens; where it is offered, an auditor sets one up from their account.
Either way the recovery codes are shown once, sign-in then asks for a code after the password, a wrong
or used code is named on its field, and an administrator resets it."""
import re
import time
import uuid

import pyotp
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from test_pages import sign_in, sign_out
from test_registers import both_widths_clean, post
from test_tokens import clean_as_it_is


def heading(browser, text):
    """Waits for the page whose heading is `text` (the page before may be going as it is read)."""
    def shown(d):
        try:
            return d.find_element(By.CSS_SELECTOR, "main h1").text == text
        except StaleElementReferenceException:
            return False
    WebDriverWait(browser, 10).until(shown)


def error_shown(browser):
    """Waits for a field's error message on the page that answers a form."""
    def shown(d):
        try:
            return any(e.is_displayed() for e in d.find_elements(By.ID, "code-error"))
        except StaleElementReferenceException:
            return False
    WebDriverWait(browser, 10).until(shown)


def finish_setting_up(browser, secret):
    """Types the app's code now into the set-up form, checks the ten recovery codes shown once (axe
    clean), and returns the app and the step of the code used."""
    totp = pyotp.TOTP(secret)
    step = int(time.time()) // 30
    browser.find_element(By.ID, "code").send_keys(totp.at(step * 30))
    browser.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    heading(browser, "Your recovery codes")
    codes = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#recovery-codes li")]
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", c) for c in codes)
    clean_as_it_is(browser)
    return totp, step


def test_setting_up_and_signing_in_with_an_authenticator(browser, server):
    admin = server.sign_ins["admin"][0]
    domain = admin["email"].split("@")[1]
    who = {"email": f"second.factor.{uuid.uuid4().hex[:6]}@{domain}", "password": "a long auditor password"}
    made = post(server, server.token(admin["email"]), "/api/v1/staff",
                {"name": "Ada Factor", "email": who["email"], "password": who["password"], "roles": ["auditor"]})

    sign_in(browser, server, who)
    browser.find_element(By.LINK_TEXT, "Your account").click()
    heading(browser, "Your account")
    browser.find_element(By.LINK_TEXT, "Set up an authenticator").click()
    heading(browser, "Set up an authenticator")
    secret = browser.find_element(By.ID, "secret").text.replace(" ", "")
    assert browser.find_element(By.ID, "otpauth").get_attribute("href").startswith("otpauth://totp/SafeComms:")
    both_widths_clean(browser)

    # A wrong code is named on its field, and the same key is shown again.
    browser.find_element(By.ID, "code").send_keys("12345")
    browser.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    error_shown(browser)
    assert browser.find_element(By.ID, "secret").text.replace(" ", "") == secret
    assert "code-error" in browser.find_element(By.ID, "code").get_attribute("aria-describedby")
    clean_as_it_is(browser)
    totp, step = finish_setting_up(browser, secret)
    sign_out(browser)

    # Now the password leads to the code; the next step's code signs in.
    sign_in(browser, server, who)
    assert browser.current_url.endswith("/login/code")
    heading(browser, "Enter your authenticator code")
    assert browser.find_element(By.ID, "code").get_attribute("autocomplete") == "one-time-code"
    both_widths_clean(browser)
    browser.find_element(By.ID, "code").send_keys(totp.at(step * 30))  # the code that set it up: used
    browser.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    error_shown(browser)
    assert "already been used" in browser.find_element(By.ID, "code-error").text
    clean_as_it_is(browser)
    # The next step's code, or a newer one if time has moved on (one step old is still good).
    browser.find_element(By.ID, "code").send_keys(totp.at(max(step + 1, int(time.time()) // 30 - 1) * 30))
    browser.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url == server.url + "/")
    browser.get(server.url + "/account")
    assert "10 recovery codes are left" in browser.find_element(By.ID, "authenticator").text
    sign_out(browser)

    # An administrator resets it from the person's page; the password alone works again.
    sign_in(browser, server, admin)
    browser.get(server.url + "/admin/staff/" + made["id"])
    assert "enter an authenticator's code" in browser.find_element(By.ID, "authenticator").text
    browser.find_element(By.XPATH, "//button[text()='Reset the authenticator']").click()
    WebDriverWait(browser, 10).until(
        lambda d: "The authenticator was reset" in d.find_element(By.CSS_SELECTOR, ".notification-success").text)
    both_widths_clean(browser)
    sign_out(browser)
    sign_in(browser, server, who)
    assert browser.current_url == server.url + "/"


def test_a_practitioner_sets_up_an_authenticator_at_first_sign_in(browser, strict_server):
    who = strict_server.sign_ins["practitioner"][0]
    sign_in(browser, strict_server, who)
    assert browser.current_url == strict_server.url + "/login/authenticator"
    heading(browser, "Set up an authenticator")
    # Nothing opens until it is set up.
    browser.get(strict_server.url + "/cases")
    assert browser.current_url == strict_server.url + "/login"
    browser.get(strict_server.url + "/login/authenticator")
    heading(browser, "Set up an authenticator")
    secret = browser.find_element(By.ID, "secret").text.replace(" ", "")
    both_widths_clean(browser)

    browser.find_element(By.ID, "code").send_keys("12345")
    browser.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    error_shown(browser)
    assert browser.find_element(By.ID, "secret").text.replace(" ", "") == secret
    clean_as_it_is(browser)
    totp, step = finish_setting_up(browser, secret)
    browser.find_element(By.ID, "continue").click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url == strict_server.url + "/")
    sign_out(browser)

    # From now on, the code after the password.
    sign_in(browser, strict_server, who)
    heading(browser, "Enter your authenticator code")
    browser.find_element(By.ID, "code").send_keys(totp.at(max(step + 1, int(time.time()) // 30 - 1) * 30))
    browser.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url == strict_server.url + "/")

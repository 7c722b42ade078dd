"""API tokens in the browser: a practitioner makes a checks-only token, sees it once, uses it for a
check and nothing else, and revokes it; an administrator sees everyone's without their values."""
import json
import urllib.error
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from test_pages import axe_violations, sign_in, sign_out
from test_registers import both_widths_clean, notice


def clean_as_it_is(browser):
    """axe finds nothing at desktop width and at a phone's, without reloading: the page answers a form,
    and reloading would send the form again (and make a second token)."""
    assert axe_violations(browser) == []
    size = browser.get_window_size()
    browser.set_window_size(390, 844)
    assert axe_violations(browser) == []
    browser.set_window_size(size["width"], size["height"])


def call(server, token, method, path, body=None):
    req = urllib.request.Request(
        server.url + path, method=method, data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(req) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


CHECK = {"id": "t1", "at": "2026-11-23T10:00:00Z", "channel": "sms", "device": {"kind": "work_mobile"},
         "recipient": {"role": "professional"}, "text": "Meeting moved to 3pm."}


def test_a_checks_only_token_is_made_used_and_revoked(browser, server):
    sign_in(browser, server, server.sign_ins["practitioner"][0])
    browser.find_element(By.LINK_TEXT, "Your account").click()
    browser.find_element(By.LINK_TEXT, "API tokens").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, "main h1").text == "Your API tokens")
    both_widths_clean(browser)
    # A token without a name is named as the problem, on its field.
    browser.find_element(By.XPATH, "//button[text()='Make the token']").click()
    summary = browser.find_element(By.CSS_SELECTOR, ".error-summary")
    assert "Give the token a name of 1 to 100 characters" in summary.text
    assert browser.switch_to.active_element == summary
    clean_as_it_is(browser)
    browser.find_element(By.ID, "label").send_keys("Duty phone system")
    browser.find_element(By.ID, "scope_check").click()
    browser.find_element(By.ID, "days").clear()
    browser.find_element(By.ID, "days").send_keys("30")
    browser.find_element(By.XPATH, "//button[text()='Make the token']").click()
    token = browser.find_element(By.CSS_SELECTOR, "#new-token code").text
    assert token.startswith("sc_")
    clean_as_it_is(browser)
    browser.find_element(By.LINK_TEXT, "Your account").click()
    browser.find_element(By.LINK_TEXT, "API tokens").click()
    WebDriverWait(browser, 10).until(lambda d: not d.find_elements(By.ID, "new-token"))
    assert token not in browser.page_source, "shown once only"
    assert len(browser.find_elements(By.XPATH, "//table[@id='tokens']//tr[td[text()='Duty phone system']]")) == 1
    row = browser.find_element(By.XPATH, "//table[@id='tokens']//tr[td[text()='Duty phone system']]")
    assert "checks only" in row.text and "Works until" in row.text
    assert call(server, token, "POST", "/api/v1/checks", CHECK) == 200
    assert call(server, token, "GET", "/api/v1/cases") == 403
    row.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert notice(browser, "The token was revoked")
    assert "Revoked" in browser.find_element(By.XPATH, "//table[@id='tokens']//tr[td[text()='Duty phone system']]").text
    assert call(server, token, "POST", "/api/v1/checks", CHECK) == 401
    both_widths_clean(browser)  # the page a redirect led to: reloading it sends nothing
    sign_out(browser)

    sign_in(browser, server, server.sign_ins["admin"][0])
    browser.find_element(By.PARTIAL_LINK_TEXT, "Everyone's API tokens").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, "main h1").text == "Everyone's API tokens")
    assert "Duty phone system" in browser.find_element(By.ID, "tokens").text
    assert token not in browser.page_source
    both_widths_clean(browser)

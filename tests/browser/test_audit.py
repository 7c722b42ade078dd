"""The audit trail in the browser: an auditor searches it, checks it and sees a bad search explained."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_pages import sign_in
from test_registers import both_widths_clean


def test_an_auditor_searches_and_checks_the_trail(browser, server):
    sign_in(browser, server, server.sign_ins["auditor"][0])
    browser.find_element(By.LINK_TEXT, "Search, check and export the audit trail").click()
    both_widths_clean(browser)
    Select(browser.find_element(By.ID, "action")).select_by_visible_text("signed in")
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: "action=auth" in d.current_url)
    rows = browser.find_elements(By.CSS_SELECTOR, "#audit-events tbody tr")
    assert rows and all("signed in" in r.text for r in rows)
    assert browser.find_element(By.PARTIAL_LINK_TEXT, "as JSON Lines").get_attribute("href").endswith("action=auth%2Esigned%5Fin")
    both_widths_clean(browser)

    browser.find_element(By.ID, "case").send_keys("NO-SUCH-CASE")
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: "case=NO" in d.current_url)
    summary = browser.find_element(By.CSS_SELECTOR, ".error-summary")
    assert "No case has the reference NO-SUCH-CASE" in summary.text
    assert browser.switch_to.active_element == summary, "the error summary takes focus"
    assert "No case has the reference" in browser.find_element(By.ID, "case-error").text
    both_widths_clean(browser)

    browser.get(server.url + "/audit/verify")
    assert "The audit trail is intact" in browser.find_element(By.ID, "verify-result").text
    both_widths_clean(browser)

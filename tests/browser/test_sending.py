"""Sending from a case: the check as you type, a warning's reason, the send, and the receipt in the chronology."""
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_pages import axe_violations, sign_in


def open_compose(browser, server):
    sign_in(browser, server, server.sign_ins["practitioner"][0])
    browser.find_element(By.CSS_SELECTOR, "table.table tbody td:first-child a").click()
    case_url = browser.current_url
    browser.find_element(By.LINK_TEXT, "Write to someone").click()
    people = Select(browser.find_element(By.ID, "person_id"))
    parent = next(o for o in people.options if o.text.endswith("(parent carer)"))
    people.select_by_value(parent.get_attribute("value"))
    Select(browser.find_element(By.ID, "channel")).select_by_value("sms")
    return case_url


def test_send_a_text_past_a_warning_and_see_it_delivered(browser, sending_server):
    """PD-1.5: a warning appears as the worker types; with a reason the text goes through GOV.UK Notify, is in the chronology at once, and shows Delivered when Notify's receipt arrives."""
    server = sending_server
    open_compose(browser, server)
    text = "c u tmrw at 4 lol, the family centre"
    browser.find_element(By.ID, "text").send_keys(text)
    panel = lambda d: d.execute_script("return document.getElementById('check-result').innerText")
    WebDriverWait(browser, 10).until(lambda d: "PD-1.5" in panel(d))
    assert "Check this before you send it" in panel(browser)
    assert axe_violations(browser) == []
    # Sending past a warning without a reason: nothing goes, and the page says which field.
    browser.find_element(By.CSS_SELECTOR, "main button[name=action][value=send]").click()
    summary = browser.find_element(By.CSS_SELECTOR, ".error-summary")
    assert "why it should go anyway" in summary.text.lower() or "reason" in summary.text.lower()
    assert server.notify.received == []
    assert axe_violations(browser) == []
    # With a reason it goes.
    browser.find_element(By.ID, "proceed_reason").send_keys("Sam asked for short texts; agreed at the last visit")
    browser.find_element(By.CSS_SELECTOR, "main button[name=action][value=send]").click()
    WebDriverWait(browser, 10).until(lambda d: "Chronology" in d.page_source)
    first_row = lambda d: d.find_element(By.CSS_SELECTOR, "table.table tbody tr").text
    assert text in first_row(browser), "in the chronology the moment it is sent"
    # Notify's receipt arrives; the chronology says Delivered.
    def delivered(d):
        d.refresh()
        return "Delivered" in first_row(d)
    WebDriverWait(browser, 20, poll_frequency=0.5).until(delivered)
    assert len(server.notify.received) == 1 and server.notify.refused == 0
    sent = server.notify.received[0]
    assert sent["kind"] == "sms" and sent["body"]["personalisation"]["body"] == text
    assert axe_violations(browser) == []
    browser.set_window_size(390, 844)
    assert axe_violations(browser) == []
    browser.set_window_size(1280, 1000)


def test_the_check_button_works_without_script(browser, sending_server):
    """WA-7: with JavaScript off, the Check button posts the form and the page comes back with the answer."""
    server = sending_server
    # The pages' own scripts do not run from here on (Chromium's DevTools switch, kept across pages).
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    open_compose(browser, server)
    browser.find_element(By.ID, "text").send_keys("c u tmrw at 4 lol")
    time.sleep(2)  # longer than the page's script waits after a key before it checks
    assert browser.find_element(By.ID, "check-result").text.strip() == "", "nothing answers as you type without script"
    before = browser.find_element(By.ID, "check-result")
    browser.find_element(By.CSS_SELECTOR, "main button[name=action][value=check]").click()
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(before))
    result = browser.find_element(By.ID, "check-result").text
    assert "PD-1.5" in result and "Check this before you send it" in result
    assert browser.find_element(By.ID, "text").get_attribute("value") == "c u tmrw at 4 lol", "what was written is kept"
    # axe needs script: turned back on for it, on the page as it came back.
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
    assert axe_violations(browser) == []
    browser.set_window_size(390, 844)
    assert axe_violations(browser) == []

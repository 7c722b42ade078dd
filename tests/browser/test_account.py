"""Your account: when this session ends, how many are open, and signing out everywhere."""
import re

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from test_pages import sign_in
from test_registers import both_widths_clean


def test_signing_out_everywhere_ends_a_session_left_open_elsewhere(browser, server):
    who = server.sign_ins["manager"][0]
    sign_in(browser, server, who)
    left_open = browser.get_cookie("safecomms_session")["value"]
    browser.delete_all_cookies()
    sign_in(browser, server, who)
    browser.find_element(By.LINK_TEXT, "Your account").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, "main h1").text == "Your account")
    assert "You will be signed out at" in browser.find_element(By.ID, "this-session").text
    # Two here; other tests may have left more of this demo manager's sessions open.
    places = re.search(r"signed in in (\d+) places", browser.find_element(By.ID, "open-sessions").text)
    assert places and int(places.group(1)) >= 2
    both_widths_clean(browser)
    browser.find_element(By.XPATH, "//button[text()='Sign out everywhere']").click()
    WebDriverWait(browser, 10).until(lambda d: "/login" in d.current_url)
    assert "You are signed out everywhere" in browser.find_element(By.CSS_SELECTOR, ".notification-success").text
    both_widths_clean(browser)
    # The session left open on the other computer has ended too.
    browser.add_cookie({"name": "safecomms_session", "value": left_open, "path": "/"})
    browser.get(server.url + "/cases")
    assert browser.current_url.endswith("/login")

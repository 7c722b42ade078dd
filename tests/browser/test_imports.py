"""An import started from its page: the progress page while it runs, the result when done, and the
list of one's own imports; the same for a carrier's bill, in the browser."""
import datetime
import os
import tempfile

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from test_pages import sign_in, sign_out
from test_registers import both_widths_clean


def long_chat(messages):
    """A WhatsApp export (Android, UK dates) of `messages` lines between two people nobody has named:
    long enough for its progress page to be seen, and checked only, so nothing is written."""
    start = datetime.datetime(2025, 1, 6, 9, 0)
    lines = []
    for i in range(messages):
        at = start + datetime.timedelta(minutes=i)
        who = "Robin Example" if i % 2 else "Alex Example"
        lines.append(f"{at:%d/%m/%Y, %H:%M} - {who}: Message {i} about the plan for next week")
    handle, path = tempfile.mkstemp(suffix=".txt", prefix="WhatsApp Chat with Robin Example ")
    with os.fdopen(handle, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return path


def test_an_import_shows_its_progress_then_what_it_found(browser, server):
    worker = server.sign_ins["practitioner"][0]
    sign_in(browser, server, worker)
    browser.get(server.url + "/cases")
    case_link = browser.find_element(By.CSS_SELECTOR, "table a[href^='/cases/']").get_attribute("href")
    browser.get(case_link + "/import")
    both_widths_clean(browser)

    path = long_chat(200_000)
    try:
        browser.find_element(By.ID, "file").send_keys(path)
        assert browser.find_element(By.ID, "dry_run").is_selected(), "a check first, writing nothing"
        browser.find_element(By.XPATH, "//button[text()='Send the file']").click()
        WebDriverWait(browser, 20).until(lambda d: "/work/" in d.current_url)
        work = browser.current_url
        # While it runs (200,000 messages take seconds): the bar, how far it has got, and that the page
        # may be left.
        assert browser.find_elements(By.ID, "work-progress")
        assert "read" in browser.find_element(By.ID, "work-figures").text
        assert browser.find_element(By.LINK_TEXT, "your imports and reports")
        assert browser.find_elements(By.CSS_SELECTOR, "script[src='/assets/work.js']")
        both_widths_clean(browser)
        # The page's script loads the result when it is done.
        WebDriverWait(browser, 120).until(lambda d: d.find_elements(By.ID, "result-heading"))
        assert "Say who 2 names are: nothing was written" in browser.find_element(By.ID, "result-heading").text
        assert browser.current_url == work
        both_widths_clean(browser)
    finally:
        os.remove(path)

    # Left and come back to: home says so, and it is in the list of one's own work.
    browser.get(server.url + "/")
    browser.find_element(By.CSS_SELECTOR, "#your-work a").click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith("/work"))
    assert browser.find_element(By.CSS_SELECTOR, f"a[href='{work[len(server.url):]}']")
    assert "Done" in browser.find_element(By.CSS_SELECTOR, "table").text
    both_widths_clean(browser)
    sign_out(browser)

    # Nobody else sees it.
    sign_in(browser, server, server.sign_ins["manager"][0])
    browser.get(work)
    assert not browser.find_elements(By.ID, "result-heading")
    assert not browser.find_elements(By.ID, "work-progress")
    browser.get(server.url + "/")
    sign_out(browser)


def test_a_carriers_bill_is_checked_in_the_background_too(browser, server):
    sign_in(browser, server, server.sign_ins["dsl"][0])
    browser.get(server.url + "/reconciliation")
    both_widths_clean(browser)
    fixture = os.path.join(os.path.dirname(__file__), "..", "..", "Tests", "Fixtures", "imports", "calls", "week.csv")
    browser.find_element(By.ID, "file").send_keys(os.path.abspath(fixture))
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    WebDriverWait(browser, 60).until(lambda d: "/work/" in d.current_url and not d.find_elements(By.ID, "work-progress"))
    assert "contacts were not recorded" in browser.find_element(By.TAG_NAME, "main").text
    both_widths_clean(browser)
    sign_out(browser)

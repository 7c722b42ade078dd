"""Finding a case and narrowing its chronology in the browser, clean under axe at both widths."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_pages import sign_in
from test_registers import both_widths_clean


def submit(browser, button, url_part):
    """Submits a form and waits for the page it leads to."""
    button.click()
    WebDriverWait(browser, 10).until(lambda d: url_part in d.current_url)


def test_the_dsl_finds_a_case_and_filters_its_chronology(browser, server):
    sign_in(browser, server, server.sign_ins["dsl"][0])
    browser.get(server.url + "/cases")
    assert browser.find_element(By.ID, "case-count").text == "50 cases, page 1 of 2"
    both_widths_clean(browser)
    submit(browser, browser.find_element(By.LINK_TEXT, "Next page"), "page=2")
    second = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "table.table tbody td:first-child a")]
    assert len(second) == 25

    reference = second[3]
    browser.find_element(By.ID, "q").send_keys(reference.lower())
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form[role=search] button[type=submit]"), "q=")
    found = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "table.table tbody td:first-child a")]
    assert found == [reference]
    both_widths_clean(browser)

    Select(browser.find_element(By.ID, "status")).select_by_visible_text("Child protection plan")
    browser.find_element(By.ID, "q").clear()
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form[role=search] button[type=submit]"), "status=child_protection")
    statuses = {r.find_elements(By.TAG_NAME, "td")[2].text for r in browser.find_elements(By.CSS_SELECTOR, "table.table tbody tr")}
    assert statuses == {"Child protection plan"}

    submit(browser, browser.find_element(By.CSS_SELECTOR, "table.table tbody td:first-child a"), "/cases/")
    summary = browser.find_element(By.ID, "case-summary").text
    assert "Key worker" in summary and "People" in summary
    rows = browser.find_elements(By.CSS_SELECTOR, "main table.table tbody tr")
    assert rows
    Select(browser.find_element(By.ID, "channel")).select_by_visible_text("Text message")
    submit(browser, browser.find_element(By.XPATH, "//button[text()='Filter the chronology']"), "channel=sms")
    hows = [r.find_elements(By.TAG_NAME, "td")[1].text for r in browser.find_elements(By.CSS_SELECTOR, "main table.table tbody tr")]
    assert all(h.startswith("Text message") for h in hows)
    both_widths_clean(browser)

    browser.execute_script("document.getElementById('from').type = 'text'")
    browser.find_element(By.ID, "from").send_keys("2026-02-31")
    submit(browser, browser.find_element(By.XPATH, "//button[text()='Filter the chronology']"), "from=2026")
    assert "Enter the from date as a real date" in browser.find_element(By.CSS_SELECTOR, ".error-summary").text
    both_widths_clean(browser)

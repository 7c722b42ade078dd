"""An administrator's pages in the browser, clean under axe at both widths."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from test_pages import sign_in
from test_registers import both_widths_clean


def test_an_administrator_tries_a_changed_policy(browser, server):
    sign_in(browser, server, server.sign_ins["admin"][0])
    browser.find_element(By.LINK_TEXT, "Try a changed policy against past contact").click()
    both_widths_clean(browser)
    pack = browser.find_element(By.ID, "pack")
    assert "id: coventry-mobile-2017" in pack.get_attribute("value")
    browser.find_element(By.XPATH, "//button[text()='Try it']").click()
    result = WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.ID, "simulation-result"))
    assert "0 would have been decided differently" in result[0].text
    both_widths_clean(browser)

    pack = browser.find_element(By.ID, "pack")
    pack.clear()
    pack.send_keys("id: broken")
    browser.find_element(By.XPATH, "//button[text()='Try it']").click()
    assert "The changed pack cannot be read" in browser.find_element(By.CSS_SELECTOR, ".error-summary").text
    both_widths_clean(browser)

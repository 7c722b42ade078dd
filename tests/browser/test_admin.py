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


def test_an_administrator_keeps_settings_and_accounts(browser, server):
    sign_in(browser, server, server.sign_ins["admin"][0])
    browser.find_element(By.LINK_TEXT, "Change the settings").click()
    both_widths_clean(browser)
    target = browser.find_element(By.ID, "recording_target_hours")
    target.clear()
    target.send_keys("forty")
    browser.find_element(By.XPATH, "//button[text()='Save the settings']").click()
    summary = browser.find_element(By.CSS_SELECTOR, ".error-summary")
    assert "recording target" in summary.text
    assert browser.find_element(By.ID, "recording_target_hours-error")
    both_widths_clean(browser)
    target = browser.find_element(By.ID, "recording_target_hours")
    target.clear()
    target.send_keys("48")
    browser.find_element(By.XPATH, "//button[text()='Save the settings']").click()
    assert "The settings were saved" in browser.find_element(By.CSS_SELECTOR, ".notification-success").text
    assert browser.find_element(By.ID, "recording_target_hours").get_attribute("value") == "48"

    browser.get(server.url + "/admin/staff")
    both_widths_clean(browser)
    browser.find_element(By.ID, "name").send_keys("Browser Newstarter")
    browser.find_element(By.ID, "email").send_keys("browser.newstarter@" + server.sign_ins["admin"][0]["email"].split("@")[1])
    browser.find_element(By.ID, "role_practitioner").click()
    browser.find_element(By.ID, "role_dsl").click()
    browser.find_element(By.XPATH, "//button[text()='Create the account']").click()
    password = browser.find_element(By.ID, "new-password").text
    assert len(password) > 12
    assert "waits for a second administrator" in browser.page_source
    both_widths_clean(browser)
    browser.get(server.url + "/admin/staff")
    assert "Browser Newstarter" in browser.find_element(By.ID, "pending").text


def test_business_support_changes_a_hunt_group(browser, server):
    sign_in(browser, server, server.sign_ins["business_support"][0])
    browser.find_element(By.LINK_TEXT, "Change the teams and hunt groups").click()
    both_widths_clean(browser)
    hunt = browser.find_elements(By.CSS_SELECTOR, "input[name=hunt_group_number]")[0]
    hunt.clear()
    hunt.send_keys("01632 960101")
    browser.find_elements(By.CSS_SELECTOR, "main form.filters button[type=submit]")[0].click()
    assert "The team was changed" in browser.find_element(By.CSS_SELECTOR, ".notification-success").text
    assert "+441632960101" in browser.page_source
    both_widths_clean(browser)


def test_an_administrator_adds_a_work_device(browser, server):
    sign_in(browser, server, server.sign_ins["admin"][0])
    browser.get(server.url + "/devices")
    browser.find_element(By.LINK_TEXT, "Add a work device").click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith("/devices/new"))
    both_widths_clean(browser)
    browser.find_element(By.ID, "address").send_keys("not a number")
    browser.find_element(By.XPATH, "//button[text()='Add the device']").click()
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".error-summary"))
    assert browser.find_element(By.ID, "address-error")
    both_widths_clean(browser)
    address = browser.find_element(By.ID, "address")
    address.clear()
    address.send_keys("07700 900456")
    browser.find_element(By.XPATH, "//button[text()='Add the device']").click()
    WebDriverWait(browser, 10).until(lambda d: "done=added" in d.current_url)
    assert "The device was added to the directory." in browser.find_element(By.CSS_SELECTOR, ".notification-success").text
    assert "+447700900456" in browser.find_element(By.TAG_NAME, "h1").text
    both_widths_clean(browser)

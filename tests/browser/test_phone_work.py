"""Leave, an unexpected absence's checklist, the voicemail greeting and logging a voicemail, in the browser."""
import datetime

from selenium.webdriver.common.by import By
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_pages import sign_in, sign_out
from test_registers import both_widths_clean


def local(days):
    return (datetime.datetime.now() + datetime.timedelta(days=days)).strftime("%d%m%Y\t%H%M")


def test_leave_an_absence_checklist_and_a_voicemail(browser, server):
    worker = server.sign_ins["practitioner"][0]
    sign_in(browser, server, worker)
    browser.get(server.url + "/phones")
    browser.find_element(By.LINK_TEXT, "Leave and absence").click()
    both_widths_clean(browser)
    browser.find_element(By.XPATH, "//button[text()='Record the absence']").click()
    assert "leave needs a return date" in browser.find_element(By.CSS_SELECTOR, ".error-summary").text
    both_widths_clean(browser)
    browser.execute_script("document.getElementById('ends_at').value = arguments[0]",
                           (datetime.datetime.now() + datetime.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"))
    Select(browser.find_element(By.ID, "colleague_id")).select_by_index(1)
    browser.find_element(By.XPATH, "//button[text()='Record the absence']").click()
    assert browser.find_element(By.ID, "leave-recorded")
    assert browser.find_element(By.ID, "out-of-office").text
    both_widths_clean(browser)

    browser.get(server.url + "/phones/greeting")
    both_widths_clean(browser)
    browser.find_element(By.ID, "greeting").send_keys("Hi, leave a message.")
    browser.find_element(By.XPATH, "//button[text()='Check it']").click()
    assert "Change your greeting" in browser.find_element(By.ID, "greeting-result").text
    both_widths_clean(browser)
    sign_out(browser)

    sign_in(browser, server, server.sign_ins["manager"][0])
    browser.get(server.url + "/phones/absences")
    Select(browser.find_element(By.ID, "staff_id")).select_by_visible_text(worker["name"])
    browser.find_element(By.ID, "kind_unexpected").click()
    browser.find_element(By.XPATH, "//button[text()='Record the absence']").click()
    assert browser.find_element(By.ID, "checklist")
    both_widths_clean(browser)
    browser.find_element(By.ID, "note-LIN-13b").send_keys("Desk voicemail turned off")
    browser.find_element(By.XPATH, "//button[text()='Mark LIN-13b done']").click()
    WebDriverWait(browser, 10, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: "Desk voicemail turned off" in d.find_element(By.ID, "checklist").text
    )
    both_widths_clean(browser)
    sign_out(browser)

    sign_in(browser, server, server.sign_ins["business_support"][0])
    browser.get(server.url + "/phones/voicemail")
    both_widths_clean(browser)
    Select(browser.find_element(By.ID, "staff_id")).select_by_visible_text(worker["name"])
    browser.find_element(By.ID, "caller_name").send_keys("Kerry Price")
    browser.find_element(By.ID, "caller_number").send_keys("07700 900555")
    browser.find_element(By.ID, "summary").send_keys("Please call back about Friday")
    browser.find_element(By.XPATH, "//button[text()='Log the voicemail']").click()
    assert "The voicemail was logged" in browser.find_element(By.CSS_SELECTOR, ".notification-success").text

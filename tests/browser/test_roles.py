"""Each role's everyday work through the pages alone: signed in through the form, then only links and
buttons from their home (no typed addresses), axe-clean at 1280 px and 390 px on each page reached.
The deeper checks of each page live in the other files; these say that a role can get to its work."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_pages import london_local, sign_in, sign_out
from test_registers import both_widths_clean, notice


def heading(browser, words):
    """Waits for the page whose main heading says `words`."""
    WebDriverWait(browser, 10).until(lambda d: words in d.find_element(By.CSS_SELECTOR, "main h1").text)


def follow(browser, link_text, to_heading):
    browser.find_element(By.PARTIAL_LINK_TEXT, link_text).click()
    heading(browser, to_heading)
    both_widths_clean(browser)


def home(browser):
    browser.find_element(By.CSS_SELECTOR, ".header-logo").click()
    heading(browser, "Your work")


def test_a_practitioner_works_their_cases_tasks_and_phone(browser, server):
    sign_in(browser, server, server.sign_ins["practitioner"][0])
    heading(browser, "Your work")
    # Their own cases come first; one opens into its chronology.
    mine = browser.find_element(By.XPATH, "//caption[contains(., 'Cases allocated to you')]/..")
    reference = mine.find_element(By.CSS_SELECTOR, "tbody td:first-child a").text
    mine.find_element(By.CSS_SELECTOR, "tbody td:first-child a").click()
    heading(browser, reference)
    browser.find_element(By.LINK_TEXT, "Record a contact").click()
    browser.find_element(By.CSS_SELECTOR, "#channel option[value=sms]").click()
    browser.find_element(By.ID, "transcript").send_keys("See you Thursday at 4. Role journey.")
    browser.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    assert notice(browser, "The contact was added to the chronology")
    assert "Role journey." in browser.find_element(By.CSS_SELECTOR, "main table.table tbody tr").text
    follow(browser, "Tasks", "Tasks")
    follow(browser, "Phones", "Phones")
    # LIN-11: their details in the directory, confirmed from the phones page's link.
    follow(browser, "The directory", "Directory")
    assert "You have not confirmed your details yet." in browser.find_element(By.ID, "my-confirmation").text
    browser.find_element(By.XPATH, "//button[text()='My details are up to date']").click()
    assert notice(browser, "your details are confirmed as up to date")
    assert "You last confirmed your details on" in browser.find_element(By.ID, "my-confirmation").text
    both_widths_clean(browser)
    home(browser)
    sign_out(browser)


def test_business_support_finds_a_colleague_and_takes_a_message_for_them(browser, server):
    officer = server.sign_ins["practitioner"][1]
    sign_in(browser, server, server.sign_ins["business_support"][0])
    heading(browser, "Your work")
    follow(browser, "Find a colleague in the directory", "Directory")
    # Never-confirmed entries first, each marked.
    first = browser.find_element(By.CSS_SELECTOR, "#directory tbody tr")
    assert "Never" in first.text and "Not in 90 days" in first.text
    browser.find_element(By.ID, "name").send_keys(officer["name"].split()[0].lower())
    browser.find_element(By.CSS_SELECTOR, "form[role=search] button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: "name=" in d.current_url)
    rows = browser.find_elements(By.CSS_SELECTOR, "#directory tbody tr")
    row = next(r for r in rows if officer["name"] in r.text)
    assert "Mobile" in row.text or "Desk" in row.text or "None given" in row.text
    both_widths_clean(browser)
    # A message taken from their row is for them (LIN-9, LIN-10).
    browser.find_element(By.CSS_SELECTOR, "#directory tbody tr a[href^='/phones/message?for=']")
    row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#directory tbody tr") if officer["name"] in r.text)
    row.find_element(By.CSS_SELECTOR, "a[href^='/phones/message?for=']").click()
    WebDriverWait(browser, 10).until(lambda d: "/phones/message" in d.current_url)
    assert Select(browser.find_element(By.ID, "officer")).first_selected_option.text == officer["name"]
    browser.find_element(By.ID, "caller_name").send_keys("Sam Carter")
    browser.find_element(By.ID, "caller_from").send_keys("Riverside Academy")
    browser.find_element(By.ID, "return_number").send_keys("01202 654321")
    browser.find_element(By.ID, "reason").send_keys("Wants to talk about transport. Role journey.")
    browser.execute_script(
        "arguments[0].value = arguments[1]", browser.find_element(By.ID, "call_back_by"), london_local(90)
    )
    browser.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    assert notice(browser, "e-mailed to them as urgent")
    home(browser)
    follow(browser, "Change the teams and hunt groups", "Teams and hunt groups")
    sign_out(browser)


def test_a_manager_reaches_their_teams_work(browser, server):
    sign_in(browser, server, server.sign_ins["manager"][0])
    heading(browser, "Your work")
    follow(browser, "Contact waiting for review", "Review queue")
    home(browser)
    follow(browser, "Incidents open", "Incidents")
    home(browser)
    follow(browser, "Check a carrier's bill", "Unrecorded contact")
    home(browser)
    team = browser.find_element(By.XPATH, "//caption[contains(., \"Your team's cases\")]/..")
    reference = team.find_element(By.CSS_SELECTOR, "tbody td:first-child a").text
    team.find_element(By.CSS_SELECTOR, "tbody td:first-child a").click()
    heading(browser, reference)
    assert browser.find_elements(By.LINK_TEXT, "Record a contact"), "a manager records on their team's cases"
    sign_out(browser)


def test_the_dsl_reaches_consents_devices_and_the_audit_trail(browser, server):
    sign_in(browser, server, server.sign_ins["dsl"][0])
    heading(browser, "Your work")
    # PD-1.6: a case texted without the child's agreement opens at its consents.
    browser.find_element(By.CSS_SELECTOR, "main a[href$='/consents']").click()
    heading(browser, "Consents and agreements")
    both_widths_clean(browser)
    home(browser)
    browser.find_element(By.CSS_SELECTOR, "main a[href^='/devices/']").click()
    heading(browser, "Work device")
    both_widths_clean(browser)
    home(browser)
    follow(browser, "Search, check and export the audit trail", "The audit trail")
    sign_out(browser)


def test_an_administrator_reaches_settings_accounts_teams_devices_and_simulation(browser, server):
    sign_in(browser, server, server.sign_ins["admin"][0])
    heading(browser, "Your work")
    for link, title in [
        ("Change the settings", "Organisation settings"),
        ("staff accounts in use", "Staff accounts"),
        ("teams and their hunt groups", "Teams and hunt groups"),
        ("devices", "Work devices"),
        ("Try a changed policy", "Try a changed policy against past contact"),
    ]:
        follow(browser, link, title)
        home(browser)
    sign_out(browser)


def test_an_auditor_reads_the_trail_and_a_case_and_changes_nothing(browser, server):
    sign_in(browser, server, server.sign_ins["auditor"][0])
    heading(browser, "Your work")
    follow(browser, "Search, check and export the audit trail", "The audit trail")
    follow(browser, "Check the whole trail", "The audit trail check")
    assert "The audit trail is intact" in browser.find_element(By.ID, "verify-result").text
    browser.find_element(By.LINK_TEXT, "Cases").click()
    heading(browser, "Cases")
    reference = browser.find_element(By.CSS_SELECTOR, "table.table tbody td:first-child a").text
    browser.find_element(By.CSS_SELECTOR, "table.table tbody td:first-child a").click()
    heading(browser, reference)
    assert browser.find_elements(By.LINK_TEXT, "Record a contact") == []
    sign_out(browser)

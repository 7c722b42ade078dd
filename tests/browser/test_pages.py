"""The plain pages as a person uses them: sign in, my cases, a chronology, record a contact, phones."""
import datetime
import importlib.util
import json
import pathlib
import urllib.request
import zoneinfo

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait


FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "Fixtures" / "imports"


def sign_in(browser, server, who):
    browser.get(server.url + "/login")
    browser.find_element(By.ID, "email").send_keys(who["email"])
    browser.find_element(By.ID, "password").send_keys(who["password"])
    browser.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    WebDriverWait(browser, 10).until(lambda d: not d.current_url.endswith("/login"))


def api(server, token, path):
    req = urllib.request.Request(server.url + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(req) as r:
        return json.load(r)


# axe-core 4.x as axe-playwright-python ships it (a current release; its JavaScript only, read from the
# package's folder without importing Playwright), run in the page through Selenium.
AXE_SOURCE = (pathlib.Path(importlib.util.find_spec("axe_playwright_python").submodule_search_locations[0]) / "axe.min.js").read_text()


def axe_violations(browser):
    browser.execute_script(AXE_SOURCE)
    results = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document).then(r => done(r), e => done({error: String(e)}));"
    )
    assert "error" not in results, results
    assert results["testEngine"]["version"].startswith("4."), results["testEngine"]
    # Every violation fails, whatever axe calls its impact.
    return [(v["id"], v["impact"], v["help"], [n["html"] for n in v["nodes"]]) for v in results["violations"]]


def test_practitioner_sees_only_their_cases(browser, server):
    who = server.sign_ins["practitioner"][0]
    sign_in(browser, server, who)
    assert browser.current_url == server.url + "/", "sign-in lands on the practitioner's home"
    browser.get(server.url + "/cases")
    on_page = {a.text for a in browser.find_elements(By.CSS_SELECTOR, "table.table tbody td:first-child a")}
    allowed = {c["reference"] for c in api(server, server.token(who["email"]), "/api/v1/cases")}
    everything = {c["reference"] for c in api(server, server.token(server.sign_ins["auditor"][0]["email"]), "/api/v1/cases")}
    assert on_page and on_page == allowed
    assert len(everything) == 50 and on_page < everything


def test_record_a_contact_and_see_it_in_the_chronology(browser, server):
    sign_in(browser, server, server.sign_ins["practitioner"][0])
    browser.find_element(By.CSS_SELECTOR, "table.table tbody td:first-child a").click()
    assert "Chronology" in browser.page_source
    browser.find_element(By.LINK_TEXT, "Record a contact").click()
    # An SMS without its words is refused, with the error summary linking to the field.
    browser.find_element(By.CSS_SELECTOR, "#channel option[value=sms]").click()
    browser.find_element(By.ID, "summary").send_keys("forgot the words")
    browser.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    summary = browser.find_element(By.CSS_SELECTOR, ".error-summary")
    link = summary.find_element(By.CSS_SELECTOR, "a")
    assert link.get_attribute("href").endswith("#transcript")
    assert "PD-1.1" in summary.text
    browser.find_element(By.ID, "transcript").send_keys("Confirming Thursday 4pm at school. Browser test.")
    browser.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    # Waits for the redirected chronology page (page_source alone can still be the form).
    banner = browser.find_element(By.CSS_SELECTOR, ".notification-success")
    assert "The contact was added to the chronology" in banner.text
    first_row = browser.find_element(By.CSS_SELECTOR, "table.table tbody tr")
    assert "Browser test." in first_row.text


def test_auditor_reads_but_cannot_record(browser, server):
    sign_in(browser, server, server.sign_ins["auditor"][0])
    browser.get(server.url + "/cases")
    rows = browser.find_elements(By.CSS_SELECTOR, "table.table tbody tr")
    assert browser.find_element(By.ID, "case-count").text == "50 cases, page 1 of 2"
    assert len(rows) == 25, "a page at a time"
    browser.find_element(By.CSS_SELECTOR, "table.table tbody td:first-child a").click()
    assert browser.find_elements(By.LINK_TEXT, "Record a contact") == []
    browser.get(browser.current_url + "/record")
    assert "You cannot do this" in browser.page_source


def test_wrong_password_is_explained(browser, server):
    browser.get(server.url + "/login")
    browser.find_element(By.ID, "email").send_keys(server.sign_ins["dsl"][0]["email"])
    browser.find_element(By.ID, "password").send_keys("not the password")
    browser.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    assert "Enter a correct e-mail address and password" in browser.find_element(By.CSS_SELECTOR, ".error-summary").text
    assert browser.current_url.endswith("/login")


def sign_out(browser):
    browser.find_element(By.CSS_SELECTOR, ".header-signout button").click()
    WebDriverWait(browser, 10).until(lambda d: d.current_url.endswith("/login"))


def london_local(minutes_from_now):
    t = datetime.datetime.now(zoneinfo.ZoneInfo("Europe/London")) + datetime.timedelta(minutes=minutes_from_now)
    return t.strftime("%Y-%m-%dT%H:%M")


def test_take_a_message_and_answer_it(browser, server):
    """LIN-9 and LIN-10: business support takes a message; the officer sees it as urgent and answers it (LIN-7)."""
    officer = server.sign_ins["practitioner"][0]
    sign_in(browser, server, server.sign_ins["business_support"][0])
    browser.find_element(By.LINK_TEXT, "Phones").click()
    browser.find_element(By.LINK_TEXT, "Take a message for a colleague").click()
    Select(browser.find_element(By.ID, "officer")).select_by_visible_text(officer["name"])
    browser.find_element(By.ID, "caller_name").send_keys("Jo Price")
    browser.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    # Each missing part of LIN-9 is named and linked to its field.
    summary = browser.find_element(By.CSS_SELECTOR, ".error-summary")
    hrefs = {a.get_attribute("href").split("#")[-1] for a in summary.find_elements(By.CSS_SELECTOR, "a")}
    assert hrefs == {"caller_from", "return_number", "reason", "call_back_by"}, summary.get_attribute("innerText")
    assert "(LIN-9c)" in summary.text and "(LIN-9f)" in summary.text
    assert browser.find_element(By.ID, "caller_name").get_attribute("value") == "Jo Price", "what was typed is kept"
    browser.find_element(By.ID, "caller_from").send_keys("Oakdale Primary School")
    browser.find_element(By.ID, "return_number").send_keys("01202 123456")
    browser.find_element(By.ID, "reason").send_keys("Attendance this week. Browser test.")
    browser.execute_script("arguments[0].value = arguments[1]", browser.find_element(By.ID, "call_back_by"), london_local(120))
    browser.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    assert "e-mailed to them as urgent" in browser.find_element(By.CSS_SELECTOR, ".notification-success").text
    sign_out(browser)

    sign_in(browser, server, officer)
    browser.find_element(By.LINK_TEXT, "Phones").click()
    # Where calls to them go now, as the routing API says (out of hours: the emergency duty team).
    token = server.token(officer["email"])
    me = api(server, token, "/api/v1/me")
    route = api(server, token, "/api/v1/route?staff=" + me["staff"]["id"])
    assert route["number"] in browser.find_element(By.ID, "route").text and route["reason"] in browser.find_element(By.ID, "route").text
    message = browser.find_element(By.CSS_SELECTOR, "section.message")
    assert "Urgent" in message.text and "Jo Price" in message.text and "Browser test." in message.text
    message.find_element(By.CSS_SELECTOR, "textarea").send_keys("Rang Jo back; attendance plan agreed")
    message.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert "Your response was recorded." in browser.find_element(By.CSS_SELECTOR, ".notification-success").text
    assert "No messages are waiting for you." in browser.page_source


def test_import_a_chat_export_checks_it_first(browser, server):
    sign_in(browser, server, server.sign_ins["practitioner"][0])
    browser.find_element(By.CSS_SELECTOR, "table.table tbody td:first-child a").click()
    browser.find_element(By.LINK_TEXT, "Import messages or calls").click()
    Select(browser.find_element(By.ID, "format")).select_by_value("whatsapp")
    browser.find_element(By.ID, "file").send_keys(str(FIXTURES / "whatsapp" / "android-uk-24h.txt"))
    assert browser.find_element(By.ID, "dry_run").is_selected(), "checking first is the default"
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    result = browser.find_element(By.ID, "result")
    # The demo case's people are not the chat's: both names are listed for the worker to map.
    assert "nothing was written" in result.text
    assert "Jo Bloggs" in result.text and "Sam Parent" in result.text and "Not matched" in result.text
    assert axe_violations(browser) == []


def test_unrecorded_contact_report_from_a_bill(browser, server):
    sign_in(browser, server, server.sign_ins["manager"][0])
    browser.find_element(By.PARTIAL_LINK_TEXT, "carrier's bill").click()
    browser.find_element(By.ID, "file").send_keys(str(FIXTURES / "calls" / "week.csv"))
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    result = browser.find_element(By.ID, "result")
    assert "6 rows on the bill" in result.text
    assert axe_violations(browser) == []


@pytest.mark.parametrize("page", ["login", "cases", "case", "record", "record-errors", "phones", "message-errors"])
def test_pages_have_no_serious_accessibility_violations(browser, server, page):
    if page == "login":
        browser.get(server.url + "/login")
    elif page in ("phones", "message-errors"):
        sign_in(browser, server, server.sign_ins["manager"][0])
        browser.get(server.url + "/phones")
        if page == "message-errors":
            browser.find_element(By.LINK_TEXT, "Take a message for a colleague").click()
            browser.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
            browser.find_element(By.CSS_SELECTOR, ".error-summary")
    else:
        sign_in(browser, server, server.sign_ins["practitioner"][0])
        if page != "cases":
            browser.find_element(By.CSS_SELECTOR, "table.table tbody td:first-child a").click()
        if page.startswith("record"):
            browser.find_element(By.LINK_TEXT, "Record a contact").click()
        if page == "record-errors":
            browser.find_element(By.CSS_SELECTOR, "#channel option[value=sms]").click()
            browser.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
            browser.find_element(By.CSS_SELECTOR, ".error-summary")
    assert axe_violations(browser) == []


def test_raise_an_incident_and_work_its_steps(browser, server):
    """PD-2.3: a worker raises an indecent-image incident from the case, in words only; their manager works its steps."""
    sign_in(browser, server, server.sign_ins["practitioner"][0])
    browser.find_element(By.CSS_SELECTOR, "table.table tbody td:first-child a").click()
    browser.find_element(By.LINK_TEXT, "Raise an incident on this case").click()
    assert "do not view, copy, screenshot, forward or upload" in browser.find_element(By.CSS_SELECTOR, ".warning-text").text.lower()
    assert browser.find_elements(By.CSS_SELECTOR, "input[type=file]") == [], "the form takes no files"
    Select(browser.find_element(By.ID, "kind")).select_by_value("image_received")
    browser.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    summary = browser.find_element(By.CSS_SELECTOR, ".error-summary")
    assert summary.find_element(By.CSS_SELECTOR, "a").get_attribute("href").endswith("#summary")
    assert axe_violations(browser) == []
    browser.find_element(By.ID, "summary").send_keys("An image arrived by WhatsApp from an unknown number. Browser test.")
    browser.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    assert "The incident was raised" in browser.find_element(By.CSS_SELECTOR, ".notification-success").text
    steps = browser.find_elements(By.CSS_SELECTOR, ".task-list li")
    assert len(steps) == 3 and "To do" in steps[0].text and "Cannot start yet" in steps[1].text
    assert "Mark step" not in browser.page_source, "the first step is the line manager's, not the reporter's"
    url = browser.current_url.split("?")[0]
    assert axe_violations(browser) == []
    sign_out(browser)

    sign_in(browser, server, server.sign_ins["manager"][0])
    browser.get(url)
    browser.find_element(By.ID, "note").send_keys("I know the image was received.")
    browser.find_element(By.CSS_SELECTOR, "form[action*='/steps/'] button[type=submit]").click()
    assert "The step was recorded as done" in browser.find_element(By.CSS_SELECTOR, ".notification-success").text
    # PD-2.3b records who at the police was contacted, and their reference.
    browser.find_element(By.CSS_SELECTOR, "form[action*='/steps/'] button[type=submit]").click()
    summary = browser.find_element(By.CSS_SELECTOR, ".error-summary")
    assert summary.find_element(By.CSS_SELECTOR, "a").get_attribute("href").endswith("#reference")
    assert axe_violations(browser) == []
    browser.find_element(By.ID, "reference").send_keys("PC Jones, ref 4471")
    browser.find_element(By.CSS_SELECTOR, "form[action*='/steps/'] button[type=submit]").click()
    assert "The step was recorded as done" in browser.find_element(By.CSS_SELECTOR, ".notification-success").text
    assert [li.text.count("Done") > 0 for li in browser.find_elements(By.CSS_SELECTOR, ".task-list li")] == [True, True, False]
    browser.find_element(By.LINK_TEXT, "Incidents").click()
    assert "Indecent image received" in browser.find_element(By.CSS_SELECTOR, "table.table").text
    assert axe_violations(browser) == []
    # A phone's width.
    browser.set_window_size(390, 844)
    browser.get(url)
    assert axe_violations(browser) == []


def test_work_the_review_queue(browser, server):
    """WA-7, PD-1.10: a manager works the review queue the imported chat filled: a breach becomes an incident, another is closed with a reason."""
    sign_in(browser, server, server.sign_ins["manager"][0])
    browser.find_element(By.LINK_TEXT, "Review").click()
    clauses = [td.text for td in browser.find_elements(By.CSS_SELECTOR, ".counts table:first-child tbody td:first-child")]
    assert "WA-7" in clauses and "PD-1.10" in clauses, clauses
    assert axe_violations(browser) == []
    items = browser.find_elements(By.CSS_SELECTOR, "main > table.table tbody tr")
    open_before = len(items)
    wa7 = [row for row in items if row.text.startswith("WA-7")]
    assert len(wa7) == 2
    wa7[0].find_element(By.CSS_SELECTOR, "a").click()
    assert "The message" in browser.page_source and "a postcode" in browser.find_element(By.CSS_SELECTOR, ".summary-list").text.lower()
    # Nothing chosen: the error names the question and links to it.
    browser.find_element(By.CSS_SELECTOR, "form[action^='/review/'] button[type=submit]").click()
    summary = browser.find_element(By.CSS_SELECTOR, ".error-summary")
    assert summary.find_element(By.CSS_SELECTOR, "a").get_attribute("href").endswith("#outcome")
    assert axe_violations(browser) == []
    # Opened as an incident: a breach of WA-7, straight to its page.
    browser.find_element(By.ID, "outcome-incident").click()
    assert Select(browser.find_element(By.ID, "incident_kind")).first_selected_option.get_attribute("value") == "policy_breach"
    browser.find_element(By.ID, "reason").send_keys("The child's date of birth went to a WhatsApp chat.")
    browser.find_element(By.CSS_SELECTOR, "form[action^='/review/'] button[type=submit]").click()
    assert "The incident was raised" in browser.find_element(By.CSS_SELECTOR, ".notification-success").text
    assert "WA-7" in browser.find_element(By.CSS_SELECTOR, ".summary-list").text
    assert axe_violations(browser) == []
    # The other: looked at, no action; a reason is asked for first.
    browser.find_element(By.LINK_TEXT, "Review").click()
    next(row for row in browser.find_elements(By.CSS_SELECTOR, "main > table.table tbody tr") if row.text.startswith("WA-7")).find_element(By.CSS_SELECTOR, "a").click()
    browser.find_element(By.ID, "outcome-no_action").click()
    browser.find_element(By.CSS_SELECTOR, "form[action^='/review/'] button[type=submit]").click()
    assert browser.find_element(By.CSS_SELECTOR, ".error-summary a").get_attribute("href").endswith("#reason")
    assert browser.find_element(By.ID, "outcome-no_action").is_selected(), "the choice is kept"
    browser.find_element(By.ID, "reason").send_keys("A reminder to myself in the worker's own notes; talked it through.")
    browser.find_element(By.CSS_SELECTOR, "form[action^='/review/'] button[type=submit]").click()
    assert "The item was resolved" in browser.find_element(By.CSS_SELECTOR, ".notification-success").text
    assert len(browser.find_elements(By.CSS_SELECTOR, "main > table.table tbody tr")) == open_before - 2
    assert axe_violations(browser) == []
    browser.set_window_size(390, 844)
    assert axe_violations(browser) == []
    browser.find_element(By.CSS_SELECTOR, "main > table.table tbody tr a").click()
    assert axe_violations(browser) == []
    browser.set_window_size(1280, 1000)
    sign_out(browser)


def test_raise_an_incident_from_a_contact(browser, server):
    """PD-1.10: from a contact on the chronology, the incident names what it was raised from and links back to it."""
    sign_in(browser, server, server.sign_ins["practitioner"][0])
    browser.find_element(By.CSS_SELECTOR, "table.table tbody td:first-child a").click()
    case_url = browser.current_url.split("?")[0]
    browser.find_element(By.CSS_SELECTOR, "table.table tbody tr a[href*='source_type=communication']").click()
    assert "Raised from: the " in browser.find_element(By.CSS_SELECTOR, "main").text
    assert browser.find_element(By.ID, "occurred_at").get_attribute("value") != ""
    assert axe_violations(browser) == []
    Select(browser.find_element(By.ID, "kind")).select_by_value("abusive_contact")
    browser.find_element(By.ID, "summary").send_keys("The reply to this message was abusive and threatening. Browser test.")
    browser.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    assert "The incident was raised" in browser.find_element(By.CSS_SELECTOR, ".notification-success").text
    raised_from = browser.find_element(By.XPATH, "//dt[text()='Raised from']/following-sibling::dd[1]/a")
    assert raised_from.get_attribute("href").split("?")[0] == case_url
    assert axe_violations(browser) == []
    sign_out(browser)


def test_compose_and_check_as_you_type(browser, server):
    """WA-7, PD-12.b: the check answers as the worker types; the Check button gives the same answer; a warning leads to the record form filled in."""
    sign_in(browser, server, server.sign_ins["practitioner"][0])
    browser.find_element(By.CSS_SELECTOR, "table.table tbody td:first-child a").click()
    browser.find_element(By.LINK_TEXT, "Write to someone").click()
    assert axe_violations(browser) == []
    people = Select(browser.find_element(By.ID, "person_id"))
    child = next(o for o in people.options if o.text.endswith("(child)"))
    people.select_by_value(child.get_attribute("value"))
    child_name = child.text.rsplit(" (", 1)[0]
    Select(browser.find_element(By.ID, "channel")).select_by_value("whatsapp")
    browser.find_element(By.ID, "text").send_keys("Hi, " + child_name + "'s review is on Monday at 10")
    # As you type: the answer appears in the live region without pressing anything.
    # Read in one go: a later answer may replace the panel while it is being looked at.
    html = lambda d: d.execute_script("return document.getElementById('check-result').innerHTML")
    WebDriverWait(browser, 10).until(lambda d: "<mark>" + child_name + "</mark>" in html(d))
    result = html(browser)
    assert "Do not send this" in result
    assert "WA-7" in result
    assert "<mark>" + child_name + "</mark>" in result
    assert "Record it on the case" not in result, "a block offers no way on"
    assert axe_violations(browser) == []
    # The Check button (what works without script): the page again, with the same answer.
    Select(browser.find_element(By.ID, "channel")).select_by_value("phone_call")
    text = browser.find_element(By.ID, "text")
    text.clear()
    text.send_keys("Ring about Thursday at 4pm")
    before = browser.find_element(By.ID, "check-result")
    browser.find_element(By.CSS_SELECTOR, "main button[name=action]").click()
    # A new page: the form was posted, as it is without script.
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(before))
    panel = lambda d: d.execute_script("return document.getElementById('check-result').innerText")
    WebDriverWait(browser, 10).until(lambda d: "Check this before you send it" in panel(d))
    assert "PD-12.b" in panel(browser)
    assert axe_violations(browser) == []
    browser.set_window_size(390, 844)
    assert axe_violations(browser) == []
    browser.set_window_size(1280, 1000)
    browser.find_element(By.LINK_TEXT, "Sent it? Record it on the case").click()
    assert browser.find_element(By.ID, "summary").get_attribute("value") == "Ring about Thursday at 4pm"
    assert Select(browser.find_element(By.ID, "channel")).first_selected_option.get_attribute("value") == "phone_call"
    browser.find_element(By.CSS_SELECTOR, "main button[type=submit]").click()
    assert "The contact was added to the chronology" in browser.find_element(By.CSS_SELECTOR, ".notification-success").text
    sign_out(browser)


def test_tasks_page(browser, server):
    """PD-1.8: the tasks page, for a worker and for a manager who oversees others, is accessible at both widths."""
    for role in ("practitioner", "manager"):
        sign_in(browser, server, server.sign_ins[role][0])
        browser.find_element(By.LINK_TEXT, "Tasks").click()
        assert browser.find_element(By.CSS_SELECTOR, "h1").text == "Tasks"
        assert axe_violations(browser) == []
        browser.set_window_size(390, 844)
        assert axe_violations(browser) == []
        browser.set_window_size(1280, 1000)
        sign_out(browser)

"""The registers and the policy as people use them: the policy read first and acknowledged (WNL-5.2),
consents given and withdrawn (PD-1.6), a case's status changed (COV-3), a number shared and acknowledged (PD-1.3),
a young person's phone (WNL-1.4, WNL-6.3.3) and work devices (WNL-7.1, WNL-7.2, WNL-7.3)."""
import json
import uuid
import urllib.request

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_pages import axe_violations, sign_in, sign_out


def post(server, token, path, body):
    req = urllib.request.Request(
        server.url + path, data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req) as r:
        return json.load(r)


def notice(browser, words):
    """Waits for the page after a form is sent: its success banner saying `words` (the page before may
    still be showing a banner of its own)."""
    def shown(d):
        try:
            return any(words in n.text for n in d.find_elements(By.CSS_SELECTOR, ".notification-success"))
        except StaleElementReferenceException:
            return False
    WebDriverWait(browser, 10).until(shown)
    return True


def both_widths_clean(browser):
    """axe-core finds nothing on the page as it is, at desktop width and at a phone's."""
    assert axe_violations(browser) == []
    size = browser.get_window_size()
    browser.set_window_size(390, 844)
    browser.refresh()
    assert axe_violations(browser) == []
    browser.set_window_size(size["width"], size["height"])


def test_a_new_practitioner_reads_the_policy_first(browser, server):
    admin = server.token(server.sign_ins["admin"][0]["email"])
    email = f"new.starter.{uuid.uuid4().hex[:6]}@{server.sign_ins['admin'][0]['email'].split('@')[1]}"
    password = "a long new starter password"
    post(server, admin, "/api/v1/staff", {"name": "New Starter", "email": email, "password": password, "roles": ["practitioner"]})
    who = {"email": email, "password": password}

    sign_in(browser, server, who)
    assert "/policies?first=1" in browser.current_url, "the policy comes first"
    assert "Before you start" in browser.find_element(By.CSS_SELECTOR, ".inset-text").text
    assert len(browser.find_elements(By.CSS_SELECTOR, "table.table .tag-red")) == 5
    both_widths_clean(browser)

    # Search across every pack's clauses.
    browser.find_element(By.ID, "q").send_keys("WhatsApp personal")
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    hits = browser.find_elements(By.CSS_SELECTOR, "ul.task-list li")
    assert hits and all("whatsapp" in h.text.lower() or "personal" in h.text.lower() for h in hits)
    both_widths_clean(browser)

    # Each pack clause by clause, every guidance clause in its own words; acknowledge each.
    for i in range(5):
        browser.get(server.url + "/policies")
        browser.find_elements(By.CSS_SELECTOR, "table.table tbody tr td:first-child a")[i].click()
        sections = browser.find_elements(By.CSS_SELECTOR, "section.check-block")
        assert len(sections) > 5
        guidance = [s for s in sections if "Guidance" in s.find_element(By.CSS_SELECTOR, "h2").text]
        for s in guidance:
            words = s.find_element(By.CSS_SELECTOR, "details p").get_attribute("textContent")
            assert len(words) > 20, s.get_attribute("id")
        if i == 0:
            both_widths_clean(browser)
        browser.find_element(By.CSS_SELECTOR, "#acknowledge ~ form button[type=submit]").click()
        assert notice(browser, "You acknowledged")
    assert "You have acknowledged every one." in browser.page_source
    sign_out(browser)

    sign_in(browser, server, who)
    assert browser.current_url == server.url + "/", "once acknowledged, sign-in goes home"


def test_consents_given_withdrawn_and_the_case_status_changed(browser, server):
    sign_in(browser, server, server.sign_ins["practitioner"][0])
    browser.find_element(By.CSS_SELECTOR, "table.table tbody td:first-child a").click()
    case_url = browser.current_url.split("?")[0]
    browser.find_element(By.LINK_TEXT, "Consents and agreements").click()
    both_widths_clean(browser)
    # Only the DSL records the DSL's consents.
    kinds = [o.get_attribute("value") for o in Select(browser.find_element(By.ID, "kind")).options]
    assert "recording_dsl_written" not in kinds and "texting_agreed" in kinds

    # A consent without its reason is refused by name, and what was typed is kept.
    Select(browser.find_element(By.ID, "kind")).select_by_value("texting_agreed")
    browser.find_element(By.ID, "given_by").send_keys("The young person")
    browser.find_element(By.ID, "given_on").send_keys("2026-11-01")
    browser.find_element(By.CSS_SELECTOR, "form[action$='/consents'] button[type=submit]").click()
    summary = browser.find_element(By.CSS_SELECTOR, ".error-summary")
    assert summary.find_element(By.CSS_SELECTOR, "a").get_attribute("href").endswith("#reason")
    assert browser.execute_script("return document.activeElement.classList.contains('error-summary')"), "the summary takes focus"
    assert browser.find_element(By.ID, "given_by").get_attribute("value") == "The young person"
    both_widths_clean(browser)
    browser.find_element(By.ID, "reason").send_keys("Prefers texts about meetings. Browser test.")
    browser.find_element(By.CSS_SELECTOR, "form[action$='/consents'] button[type=submit]").click()
    assert notice(browser, "The check counts it")
    mine = [li for li in browser.find_elements(By.CSS_SELECTOR, "ul.task-list li") if "Browser test." in li.text]
    assert len(mine) == 1, "the reason agreed is shown"
    # The chronology shows it too, with the reason agreed (PD-1.6).
    browser.get(case_url)
    assert "Reason agreed: Prefers texts about meetings. Browser test." in browser.find_element(By.CSS_SELECTOR, "main").text
    assert axe_violations(browser) == []
    browser.get(case_url + "/consents")
    mine = [li for li in browser.find_elements(By.CSS_SELECTOR, "ul.task-list li") if "Browser test." in li.text]

    # Withdrawn: it moves to the history with who and why.
    form = mine[0].find_element(By.CSS_SELECTOR, "form")
    form.find_element(By.CSS_SELECTOR, "input[name=reason]").send_keys("Asked for calls only")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert notice(browser, "no longer counts it")
    past = browser.find_element(By.CSS_SELECTOR, "table.table").text
    assert "Browser test." in past and "Asked for calls only" in past

    # The case's status changes, with its history.
    browser.get(case_url)
    browser.find_element(By.LINK_TEXT, "Status and allocation").click()
    Select(browser.find_element(By.ID, "status")).select_by_value("child_in_need")
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    summary = browser.find_element(By.CSS_SELECTOR, ".error-summary")
    assert summary.find_element(By.CSS_SELECTOR, "a").get_attribute("href").endswith("#reason")
    assert Select(browser.find_element(By.ID, "status")).first_selected_option.get_attribute("value") == "child_in_need", "what was chosen is kept"
    both_widths_clean(browser)
    browser.find_element(By.ID, "reason").send_keys("Stepped down at review. Browser test.")
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    assert notice(browser, "uses its facts as they are now")
    assert "Child in need" in browser.find_element(By.CSS_SELECTOR, "table.table").text
    both_widths_clean(browser)


def test_a_number_shared_is_acknowledged_by_the_line_manager(browser, server):
    worker = server.sign_ins["practitioner"][0]
    sign_in(browser, server, worker)
    browser.find_element(By.CSS_SELECTOR, "table.table tbody td:first-child a").click()
    browser.find_element(By.LINK_TEXT, "Number sharing").click()
    both_widths_clean(browser)
    browser.find_element(By.ID, "shared-yes").click()
    browser.find_element(By.ID, "reason").send_keys("For placement visits. Browser test.")
    browser.find_element(By.ID, "decided_on").send_keys("2026-11-20")
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    assert notice(browser, "your line manager has been told")
    assert "Not acknowledged yet" in browser.find_element(By.CSS_SELECTOR, "table.table").text
    sign_out(browser)

    sign_in(browser, server, server.sign_ins["manager"][0])
    browser.get(server.url + "/number-sharing")
    item = [li for li in browser.find_elements(By.CSS_SELECTOR, "ul.task-list li") if "Browser test." in li.text]
    assert len(item) == 1 and worker["name"] in item[0].text
    both_widths_clean(browser)
    item = [li for li in browser.find_elements(By.CSS_SELECTOR, "ul.task-list li") if "Browser test." in li.text]
    item[0].find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    assert notice(browser, "Acknowledged.")
    assert "Browser test." not in browser.page_source
    # Who has not acknowledged the policy: the manager's own people.
    browser.get(server.url + "/policies/outstanding")
    assert "Who has not acknowledged" in browser.find_element(By.CSS_SELECTOR, "h1").text
    both_widths_clean(browser)


def test_a_young_persons_phone_handed_in_and_returned(browser, server):
    """WNL-1.4, WNL-6.3.3: the agreement recorded, the phone handed in and given back, in the young person's history."""
    sign_in(browser, server, server.sign_ins["practitioner"][0])
    browser.find_element(By.CSS_SELECTOR, "table.table tbody td:first-child a").click()
    browser.find_element(By.LINK_TEXT, "Young person's phone").click()
    both_widths_clean(browser)
    Select(browser.find_element(By.ID, "setting")).select_by_value("alternative_provision")
    browser.find_element(By.ID, "agreed_on").send_keys("2026-11-02")
    browser.find_element(By.CSS_SELECTOR, "form[action$='/phone/agreement'] button[type=submit]").click()
    summary = browser.find_element(By.CSS_SELECTOR, ".error-summary")
    assert summary.find_element(By.CSS_SELECTOR, "a").get_attribute("href").endswith("#personal_use")
    assert Select(browser.find_element(By.ID, "setting")).first_selected_option.get_attribute("value") == "alternative_provision"
    both_widths_clean(browser)
    browser.find_element(By.ID, "personal_use").send_keys("Lunch break only. Browser test.")
    browser.find_element(By.CSS_SELECTOR, "form[action$='/phone/agreement'] button[type=submit]").click()
    assert notice(browser, "The agreement was recorded.")
    assert "Lunch break only. Browser test." in browser.find_element(By.CSS_SELECTOR, "dl.summary-list").text

    browser.find_element(By.CSS_SELECTOR, "form[action$='/phone/hand-in'] button[type=submit]").click()
    summary = browser.find_element(By.CSS_SELECTOR, ".error-summary")
    assert summary.find_element(By.CSS_SELECTOR, "a").get_attribute("href").endswith("#kept_where")
    browser.find_element(By.ID, "kept_where").send_keys("Named tray in the office safe")
    browser.find_element(By.CSS_SELECTOR, "form[action$='/phone/hand-in'] button[type=submit]").click()
    assert notice(browser, "handed in")
    both_widths_clean(browser)
    browser.find_element(By.CSS_SELECTOR, "form[action$='/return'] button[type=submit]").click()
    assert notice(browser, "returned")
    history = browser.find_element(By.CSS_SELECTOR, "table.table").text
    assert "Named tray in the office safe" in history
    both_widths_clean(browser)


def test_work_devices_monitored_by_the_dsl(browser, server):
    """WNL-7.2, WNL-7.3: the holder records a personal call; the DSL sees it beside the device's recorded use and authorises a colleague."""
    sign_in(browser, server, server.sign_ins["practitioner"][0])
    browser.find_element(By.LINK_TEXT, "Devices").click()
    both_widths_clean(browser)
    browser.find_element(By.CSS_SELECTOR, "ul.task-list li a").click()
    device_url = browser.current_url.split("?")[0]
    # Not an emergency and nobody named: refused by name.
    browser.find_element(By.ID, "reason").send_keys("Told my family I would be late. Browser test.")
    browser.find_element(By.CSS_SELECTOR, "form[action$='/personal-use'] button[type=submit]").click()
    summary = browser.find_element(By.CSS_SELECTOR, ".error-summary")
    assert summary.find_element(By.CSS_SELECTOR, "a").get_attribute("href").endswith("#agreed_by_id")
    assert "WNL-7.3" in summary.text
    both_widths_clean(browser)
    browser.find_element(By.ID, "emergency").click()
    browser.find_element(By.CSS_SELECTOR, "form[action$='/personal-use'] button[type=submit]").click()
    assert notice(browser, "The personal use was recorded.")
    assert "Browser test." in browser.find_element(By.CSS_SELECTOR, "table.table:last-of-type").text
    sign_out(browser)

    sign_in(browser, server, server.sign_ins["dsl"][0])
    browser.find_element(By.LINK_TEXT, "Devices").click()
    rows = browser.find_elements(By.CSS_SELECTOR, "table.table tbody tr")
    assert len(rows) > 5 and any(r.find_elements(By.CSS_SELECTOR, "td")[4].text == "1" for r in rows)
    both_widths_clean(browser)
    browser.get(device_url)
    Select(browser.find_element(By.ID, "staff_id")).select_by_visible_text(server.sign_ins["practitioner"][1]["name"])
    browser.find_element(By.CSS_SELECTOR, "form[action$='/authorisations'] button[type=submit]").click()
    assert notice(browser, "They may now use the device.")
    assert server.sign_ins["practitioner"][1]["name"] in browser.find_element(By.CSS_SELECTOR, "ul.task-list").text
    both_widths_clean(browser)


def test_accessibility_statement_and_privacy_notice_are_public(browser, server):
    """A public body publishes both; every page's footer links to them, signed in or not."""
    browser.get(server.url + "/login")
    browser.find_element(By.LINK_TEXT, "Accessibility statement").click()
    assert "Accessibility statement for SafeComms" in browser.find_element(By.CSS_SELECTOR, "h1").text
    assert "Equality and Human Rights Commission" in browser.page_source
    both_widths_clean(browser)
    browser.find_element(By.LINK_TEXT, "Privacy notice").click()
    assert "Information Commissioner" in browser.find_element(By.CSS_SELECTOR, "main").text
    both_widths_clean(browser)
    sign_in(browser, server, server.sign_ins["auditor"][0])
    browser.find_element(By.LINK_TEXT, "Privacy notice").click()
    assert browser.find_elements(By.CSS_SELECTOR, ".header-signout"), "shown inside the signed-in frame"


def test_pages_fit_a_phone_without_sideways_scrolling(browser, server):
    """At 390 px the page is no wider than the screen: tables, the header and long words wrap."""
    browser.set_window_size(390, 844)
    sign_in(browser, server, server.sign_ins["dsl"][0])
    browser.get(server.url + "/cases")
    case = browser.find_element(By.CSS_SELECTOR, "table.table tbody td:first-child a").get_attribute("href")
    pages = [
        "/cases", case, case + "/consents", case + "/facts", case + "/number-sharing", case + "/phone",
        "/devices", "/policies", "/policies/pan-dorset-4.4", "/phones", "/incidents", "/review", "/tasks",
        "/directory",
    ]
    for page in pages:
        browser.get(page if page.startswith("http") else server.url + page)
        width = browser.execute_script("return [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert width[0] <= width[1], f"{page} is {width[0]} px wide on a {width[1]} px screen"

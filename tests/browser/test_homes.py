"""Each role's home at `/`: what each finds there, clean under axe at desktop and phone widths."""
from selenium.webdriver.common.by import By

from test_pages import sign_in, sign_out
from test_registers import both_widths_clean

HOMES = {
    "practitioner": ["Your cases", "Your tasks", "Messages for you", "Follow-ups to close"],
    "manager": ["Your team", "How long after contact it is recorded", "Contact by hour of the day", "Your team's cases"],
    "dsl": ["The organisation", "Awaiting a DSL's written consent", "Work devices used out of hours"],
    "business_support": ["Phones and messages", "Directory entries not confirmed in 90 days", "Hunt groups"],
    "admin": ["Administration", "Office hours", "Policies in use"],
    "auditor": ["The audit trail", "Latest events"],
}


def test_each_role_lands_on_its_own_home(browser, server):
    for role, headings in HOMES.items():
        sign_in(browser, server, server.sign_ins[role][0])
        assert browser.current_url == server.url + "/", role
        text = browser.find_element(By.TAG_NAME, "main").text
        for heading in headings:
            assert heading in text, (role, heading)
        both_widths_clean(browser)
        sign_out(browser)


def test_a_chart_opens_into_its_table(browser, server):
    sign_in(browser, server, server.sign_ins["manager"][0])
    chart = browser.find_element(By.ID, "chart-hours")
    bars = {
        (r.get_attribute("data-category"), r.get_attribute("data-series")): int(r.get_attribute("data-value"))
        for r in chart.find_elements(By.CSS_SELECTOR, "rect[data-value]")
    }
    chart.find_element(By.TAG_NAME, "summary").click()
    cells = {
        (td.get_attribute("data-category"), td.get_attribute("data-series")): int(td.text)
        for td in chart.find_elements(By.CSS_SELECTOR, "td[data-series]")
    }
    assert bars and bars == cells
    assert sum(bars.values()) > 0
    both_widths_clean(browser)

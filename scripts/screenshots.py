"""Screenshots of each role's home on the demo, for the README: `.venv/bin/python scripts/screenshots.py`.

Starts `safecomms serve --demo` (the debug build) as the browser tests do, signs in as the first person
of each role and saves the whole page at 1280 px wide into docs/screenshots/.
"""
import base64
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "browser"))
from conftest import DemoServer  # noqa: E402
from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

OUT = os.path.join(os.path.dirname(__file__), "..", "docs", "screenshots")
ROLES = ["practitioner", "manager", "dsl", "business_support", "admin", "auditor"]


def main(paths):
    # Each role signs in with their password alone: the second factor is offered, not required.
    server = DemoServer({"SAFECOMMS_SECOND_FACTOR": "offered"})
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    try:
        for role in ROLES:
            who = server.sign_ins[role][0]
            driver.delete_all_cookies()
            driver.get(server.url + "/login")
            driver.find_element(By.ID, "email").send_keys(who["email"])
            driver.find_element(By.ID, "password").send_keys(who["password"])
            driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
            for path in paths:
                driver.get(server.url + path)
                shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"captureBeyondViewport": True, "format": "png"})
                name = "home" if path == "/" else path.strip("/").replace("/", "-")
                with open(os.path.join(OUT, f"{name}-{role}.png"), "wb") as f:
                    f.write(base64.b64decode(shot["data"]))
    finally:
        driver.quit()
        server.stop()


if __name__ == "__main__":
    main(sys.argv[1:] or ["/"])

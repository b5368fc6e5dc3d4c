"""`attnviz app` from an installed wheel, started in a folder outside the checkout, serves the home page."""
import subprocess

from pw import free_port
from installed import environment
from pw import ARTIFACTS, figure, wait_healthy, wait_heatmap


def test_attnviz_app_from_an_installed_wheel_serves_the_heatmap(installed, browser):
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    with open(ARTIFACTS / "installed-app.log", "w") as log:
        proc = subprocess.Popen([str(installed.attnviz), "app", "--server.port", str(port),
                                 "--server.address", "127.0.0.1"], cwd=installed.elsewhere, stdout=log,
                                stderr=subprocess.STDOUT, env=environment())
        try:
            url = f"http://127.0.0.1:{port}"
            wait_healthy(url, "artifacts/installed-app.log")
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            page.goto(url)
            wait_heatmap(page)
            assert figure(page)["title"].startswith("self-attention · layer 0 · head 0")
            assert page.locator('[data-testid="stSidebar"] textarea').input_value().startswith("The cat sat")
            page.screenshot(path=str(ARTIFACTS / "installed-app-home.png"))
            page.close()
        finally:
            proc.terminate()
            proc.wait(timeout=20)

#!/usr/bin/env python3
"""Screenshots of every report view of the small demo at desktop (1280 wide)
and phone (390 wide) width, for looking at what staff see.

    python3 scripts/screens.py [OUT_DIR]        (default target/screens)

Needs a built page (`trunk build --release --offline`), Chromium and
chromedriver (scripts/setup.sh installs them). Each picture is the page from
the report's top in a window 2,400 px tall, once the report is drawn; the section
comes from the address (`#demo=small&...&section=NAME`). Only the standard
library is used: WebDriver is plain JSON over HTTP.
"""
import base64
import functools
import http.server
import json
import os
import shutil
import socketserver
import subprocess
import sys
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECTIONS = [
    "overview", "new_users_over_time", "fasts", "user_activity",
    "user_activity_timeline", "user_fast_participation", "retention_cohorts",
    "retention_matrix", "activity_heatmap", "app_usage", "people",
    "other_metrics", "export",
]
WIDTHS = [1280, 390]
PERIOD = "start=2025-06-01&end=2025-06-30&tz=UTC"


def serve(directory):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=directory)
    server = socketserver.TCPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def call(base, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as r:
        return json.loads(r.read() or b"null")["value"]


def main():
    out = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/screens"))
    os.makedirs(out, exist_ok=True)
    server = serve(os.path.join(ROOT, "dist"))
    port = 9515 + os.getpid() % 400
    driver = subprocess.Popen([os.environ.get("CHROMEDRIVER") or shutil.which("chromedriver"),
                               f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                call(base, "GET", "/status")
                break
            except OSError:
                time.sleep(0.1)
        args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--no-first-run", "--hide-scrollbars"]
        caps = {"capabilities": {"alwaysMatch": {"goog:chromeOptions": {"args": args}}}}
        session = call(base, "POST", "/session", caps)["sessionId"]
        s = f"/session/{session}"
        page = f"http://127.0.0.1:{server.server_address[1]}/"
        for width in WIDTHS:
            call(base, "POST", s + "/window/rect", {"width": width, "height": 2400})
            for section in SECTIONS:
                call(base, "POST", s + "/url", {"url": "about:blank"})
                call(base, "POST", s + "/url", {"url": f"{page}#demo=small&{PERIOD}&section={section}"})
                deadline = time.time() + 120
                while not call(base, "POST", s + "/execute/sync", {
                        "script": "return !!document.querySelector('#report .cards')", "args": []}):
                    if time.time() > deadline:
                        sys.exit(f"no report after 120 s for {section}")
                    time.sleep(0.3)
                time.sleep(1.5)  # charts and tables of the section
                call(base, "POST", s + "/execute/sync", {"script": "document.getElementById('report').scrollIntoView()", "args": []})
                png = base64.b64decode(call(base, "GET", s + "/screenshot"))
                path = os.path.join(out, f"{section}-{width}.png")
                with open(path, "wb") as f:
                    f.write(png)
                print(path)
        call(base, "DELETE", s)
    finally:
        driver.terminate()
        server.shutdown()


if __name__ == "__main__":
    main()

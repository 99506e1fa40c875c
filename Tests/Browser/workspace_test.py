#!/usr/bin/env python3
"""Browser test of the coding workspace (fieldlog-serve) in headless Chromium.

Usage: workspace_test.py BIN_DIR SCREENSHOT_DIR

BIN_DIR holds the built `fieldlog` and `fieldlog-serve`; SCREENSHOT_DIR receives
workspace-<screen>-1280.png and -390.png. Every check runs (a failed step does not stop the
ones after it), each failure is printed with what was expected, and the exit code is 1 if any
check failed. Nothing is skipped: a check that cannot be made counts as a failure.

Needs: chromium and chromedriver (/usr/bin by default, or $CHROMIUM and $CHROMEDRIVER),
python3 with selenium 4; the `regex` module is used for grapheme checks when present.
"""

import json
import os
import re
import select
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import unicodedata
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

try:
    import regex  # grapheme clusters (\X)
except ImportError:  # pragma: no cover
    regex = None

HERE = os.path.dirname(os.path.abspath(__file__))
ME = "Sanne de Vries"
OTHER = "Ahmed"
FIRST_TITLE = "Koffieochtend in de buurtkamer"
NFD_TITLE = "Wat de buurtmoeder ziet"
WITHHELD_TITLE = "Netwerkgesprek over boodschappen"
WITHHELD_TEXTS = ["De wijkcoach bespreekt", "Afspraak: de buurvrouw"]
FAMILY = "\U0001F469\u200d\U0001F469\u200d\U0001F467"  # 👩‍👩‍👧, one grapheme of 5 code points
ASTRAL = "\U0001D49C"  # 𝒜, one code point outside the BMP (two UTF-16 units)


class Failure(AssertionError):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


# ---------------------------------------------------------------------------------------------
# The CLI and the server


class Journal:
    def __init__(self, bin_dir, path, env):
        self.bin = bin_dir
        self.path = path
        self.env = env

    def run(self, *args, ok=True):
        result = subprocess.run(
            [os.path.join(self.bin, "fieldlog"), *args, "--journal", self.path],
            env=self.env, capture_output=True, text=True, timeout=60)
        if ok and result.returncode != 0:
            raise Failure(f"fieldlog {' '.join(args)} exited {result.returncode}: "
                          f"{result.stderr.strip() or result.stdout.strip()}")
        return result

    def json(self, *args):
        return json.loads(self.run(*args, "--json").stdout)

    def entries(self):
        return self.json("list")

    def entry_id(self, title):
        found = [e["id"] for e in self.entries() if e["title"] == title]
        check(len(found) == 1, f"expected one entry titled {title!r}, found {len(found)}")
        return found[0]

    def show(self, entry_id):
        return self.json("show", entry_id)

    def codings(self, entry_id):
        return self.show(entry_id)["codings"]

    def verify(self):
        result = self.run("verify", ok=False)
        return result.returncode, (result.stdout + result.stderr).strip()


def start_server(bin_dir, journal, env):
    log = open(os.path.join(os.path.dirname(journal), "serve.stderr"), "w")
    process = subprocess.Popen(
        [os.path.join(bin_dir, "fieldlog-serve"), "--journal", journal],
        env=env, stdout=subprocess.PIPE, stderr=log, text=True)
    ready, _, _ = select.select([process.stdout], [], [], 60)
    if not ready:
        process.kill()
        raise Failure("fieldlog-serve printed no link within 60 s")
    line = process.stdout.readline().strip()
    match = re.fullmatch(r"(http://127\.0\.0\.1:(\d+))/#token=([0-9a-f]+)", line)
    if not match:
        process.kill()
        raise Failure(f"fieldlog-serve's first line is not the link: {line!r}")
    return process, line, match.group(1), match.group(3)


def http(url, method="GET", headers=None, body=None):
    """(status, headers, text) of one request made outside the browser."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


# ---------------------------------------------------------------------------------------------
# The browser


class Network:
    """Every request and response the page made, from Chromium's performance log."""

    def __init__(self, driver):
        self.driver = driver
        self.requests = []  # Network.requestWillBeSent params
        self.extra = {}  # requestId -> headers actually sent (requestWillBeSentExtraInfo)
        self.responses = {}  # requestId -> Network.responseReceived params
        self.bodies = {}  # requestId -> body text (API responses only)
        self.unread = {}  # requestId -> why its body could not be read

    def pump(self):
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            method, params = message.get("method"), message.get("params", {})
            if method == "Network.requestWillBeSent":
                self.requests.append(params)
            elif method == "Network.requestWillBeSentExtraInfo":
                self.extra[params["requestId"]] = params.get("headers", {})
            elif method == "Network.responseReceived":
                self.responses[params["requestId"]] = params
            elif method == "Network.loadingFinished":
                rid = params["requestId"]
                response = self.responses.get(rid)
                if response and "/api/" in response["response"]["url"] and rid not in self.bodies:
                    try:
                        got = self.driver.execute_cdp_cmd("Network.getResponseBody", {"requestId": rid})
                        self.bodies[rid] = got["body"]
                        self.unread.pop(rid, None)
                    except Exception as error:  # noqa: BLE001 - reported by the check that needs it
                        self.unread[rid] = f"{response['response']['url']}: {error}"

    def api_responses(self):
        return [(rid, r) for rid, r in self.responses.items() if "/api/" in r["response"]["url"]]


def header(headers, name):
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


class Page:
    def __init__(self, driver, base):
        self.driver = driver
        self.base = base
        self.net = Network(driver)
        self.last_write = 0.0

    def wrote(self):
        """Marks a change made through the page. The page polls /api/changes every 3 s and, on
        the first poll after any change (its own too), re-renders the list and the reader: a node
        or a caret taken before that is gone. settle() waits that poll out."""
        self.last_write = time.time()

    def settle(self):
        remaining = self.last_write + 3.8 - time.time()
        if remaining > 0:
            time.sleep(remaining)

    def viewport(self, width, height, mobile):
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})
        self.driver.execute_script("window.dispatchEvent(new Event('resize'))")
        time.sleep(0.4)

    def wait(self, what, condition, timeout=10):
        """Waits for `condition()` to be true; an exception inside it (a node the page just
        replaced) counts as not yet."""
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            try:
                value = condition()
                if value:
                    return value
            except Exception as error:  # noqa: BLE001
                last = error
            time.sleep(0.1)
        raise Failure(f"waited {timeout} s for {what}; status line: {self.status()!r}"
                      + (f"; last error: {type(last).__name__}" if last else ""))

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def finds(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def status(self):
        try:
            return self.find("#status").text
        except Exception:  # noqa: BLE001
            return "(no status line)"

    def keys(self, *keys):
        ActionChains(self.driver).send_keys(*keys).perform()

    def nav(self, label):
        self.driver.find_element(By.XPATH, f"//header//nav/a[normalize-space()='{label}']").click()

    def entries_view(self):
        if not self.finds("#list"):
            self.nav("Entries")
        self.wait("the entry list", lambda: self.finds("#list .item"))

    def open_entry(self, title):
        self.settle()
        self.entries_view()
        items = [i for i in self.finds("#list .item") if i.find_element(By.CSS_SELECTOR, ".title").text == title]
        check(items, f"the entry list has no item titled {title!r}")
        items[0].click()
        self.wait(f"the reader to show {title!r}", lambda: self.finds("#reader h2") and self.find("#reader h2").text == title)
        time.sleep(0.3)  # the margin stripes are drawn in the next animation frame

    def body_text(self):
        """The reader's text as the browser holds it (code points, as Python counts them)."""
        return self.driver.execute_script("return document.getElementById('body').textContent")

    def char_rect(self, offset):
        """The viewport rectangle of the code point at `offset` of the reader's text. Only reads
        geometry: walks the text nodes (counting code points) and measures a Range over it."""
        return self.driver.execute_script(
            """
            const [want] = arguments;
            const body = document.getElementById('body');
            const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
            let at = 0;
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              const points = Array.from(node.data);
              if (want < at + points.length) {
                const unit = points.slice(0, want - at).join('').length;
                const range = document.createRange();
                range.setStart(node, unit);
                range.setEnd(node, unit + points[want - at].length);
                const rects = [...range.getClientRects()].filter((r) => r.width > 0);
                const r = rects[rects.length - 1] || range.getBoundingClientRect();
                return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
              }
              at += points.length;
            }
            return null;
            """, offset)

    def scroll_to_char(self, offset):
        self.driver.execute_script(
            """
            const [want] = arguments;
            const walker = document.createTreeWalker(document.getElementById('body'), NodeFilter.SHOW_TEXT);
            let at = 0;
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              const n = Array.from(node.data).length;
              if (want < at + n) { node.parentElement.scrollIntoView({block: 'center'}); return; }
              at += n;
            }
            """, offset)
        time.sleep(0.2)

    def drag_select(self, start, end):
        """Selects code points [start, end) of the reader's text with a real mouse drag: press
        just inside the left edge of the first character, move, release just inside the right
        edge of the last one."""
        self.settle()
        self.scroll_to_char(start)
        first, last = self.char_rect(start), self.char_rect(end - 1)
        check(first and last, f"could not measure characters {start} and {end - 1} of the text")
        height = self.driver.execute_script("return window.innerHeight")
        check(0 <= first["top"] and last["bottom"] <= height,
              f"the selection {start}-{end} does not fit in the viewport: {first} … {last}")
        body = self.find("#body")
        box = self.driver.execute_script(
            "const r = arguments[0].getBoundingClientRect(); return {x: r.left + r.width / 2, y: r.top + r.height / 2}", body)
        x0, y0 = first["left"] + 1.5, (first["top"] + first["bottom"]) / 2
        x1, y1 = last["right"] - 1.5, (last["top"] + last["bottom"]) / 2
        # move_to_element_with_offset: offsets from the element's centre (W3C actions)
        actions = ActionChains(self.driver, duration=50)
        actions.move_to_element_with_offset(body, int(round(x0 - box["x"])), int(round(y0 - box["y"])))
        actions.click_and_hold()
        actions.move_to_element_with_offset(body, int(round((x0 + x1) / 2 - box["x"])), int(round((y0 + y1) / 2 - box["y"])))
        actions.move_to_element_with_offset(body, int(round(x1 - box["x"])), int(round(y1 - box["y"])))
        actions.release()
        actions.perform()

    def click_char(self, offset):
        """A real click just inside the left edge of the character at `offset`: the caret lands
        before it."""
        self.settle()
        self.scroll_to_char(offset)
        rect = self.char_rect(offset)
        check(rect, f"could not measure character {offset}")
        body = self.find("#body")
        box = self.driver.execute_script(
            "const r = arguments[0].getBoundingClientRect(); return {x: r.left + r.width / 2, y: r.top + r.height / 2}", body)
        ActionChains(self.driver).move_to_element_with_offset(
            body, int(round(rect["left"] + 1.5 - box["x"])), int(round((rect["top"] + rect["bottom"]) / 2 - box["y"]))).click().perform()

    def selection(self):
        return self.driver.execute_script("return window.getSelection().toString()")

    def pick(self, typed, expect_quote):
        """c, type part of a code's name, Enter."""
        self.keys("c")
        self.wait("the code picker to open", lambda: self.driver.execute_script("return document.getElementById('picker').open"))
        shown = self.find("#picker-quote").get_attribute("textContent")
        check(shown == "“" + expect_quote + "”",
              f"the picker shows the quote {shown!r}, expected {'“' + expect_quote + '”'!r}")
        self.find("#picker-filter").send_keys(typed)
        time.sleep(0.2)
        current = self.finds("#picker-list li.current")
        check(current, f"no code is highlighted in the picker after typing {typed!r}")
        chosen = current[0].text
        self.find("#picker-filter").send_keys(Keys.ENTER)
        self.wait("the picker to close", lambda: not self.driver.execute_script("return document.getElementById('picker').open"))
        return chosen


# ---------------------------------------------------------------------------------------------
# Grapheme helpers (Python str indexes are code points, as the journal counts them)


def grapheme_bounds(text):
    if regex is not None:
        bounds, at = {0}, 0
        for cluster in regex.findall(r"\X", text):
            at += len(cluster)
            bounds.add(at)
        return bounds
    return None


def assert_whole_graphemes(body, start, end, what):
    bounds = grapheme_bounds(body)
    if bounds is not None:
        check(start in bounds and end in bounds,
              f"{what}: {start}-{end} splits a grapheme (grapheme boundaries near: "
              f"{sorted(b for b in bounds if start - 6 <= b <= end + 6)})")
    quote = body[start:end]
    check(quote and quote[0] != "\u200d" and quote[-1] != "\u200d" and not unicodedata.combining(quote[0])
          and not (end < len(body) and (body[end] == "\u200d" or unicodedata.combining(body[end]))),
          f"{what}: the quote {quote!r} starts or ends inside a grapheme")


def new_codings(before, after):
    known = {c["id"] for c in before}
    return [c for c in after if c["id"] not in known]


# ---------------------------------------------------------------------------------------------
# The test


class WorkspaceTest:
    def __init__(self, bin_dir, shots):
        self.bin_dir_given = bin_dir
        self.shots = shots
        self.failures = []
        self.passed = []
        self.notes = []
        self.ids = {}

    def step(self, name, function):
        print(f"--- {name}", flush=True)
        started = time.time()
        try:
            function()
        except Exception as error:  # noqa: BLE001 - every failure is reported and counted
            detail = "".join(traceback.format_exception_only(type(error), error)).strip()
            if not isinstance(error, Failure):
                detail += "\n" + "".join(traceback.format_tb(error.__traceback__)[-3:])
            self.failures.append((name, detail))
            print(f"FAIL {name}: {detail}", flush=True)
            try:
                self.driver.save_screenshot(os.path.join(self.shots, "failure-" + re.sub(r"\W+", "-", name)[:40] + ".png"))
                # so that the next step starts from a usable page: close what this one left open
                self.driver.execute_script("document.querySelectorAll('dialog[open]').forEach((d) => d.close())")
            except Exception:  # noqa: BLE001
                pass
        else:
            self.passed.append(name)
            print(f"ok   {name} ({time.time() - started:.1f} s)", flush=True)

    def until_cli(self, what, probe, timeout=10):
        """Waits until `probe()` (which asks the CLI) is true: the journal, not the page's status
        line (which the next poll may overwrite at once), says when a change has landed."""
        deadline = time.time() + timeout
        while True:
            value = probe()
            if value:
                self.page.wrote()
                time.sleep(0.5)  # the page re-renders after its write
                return value
            if time.time() > deadline:
                raise Failure(f"waited {timeout} s for {what} (asked the CLI); status line: {self.page.status()!r}")
            time.sleep(0.3)

    # -- 1 --------------------------------------------------------------------------------------
    def setup(self):
        self.tmp = tempfile.mkdtemp(prefix="fieldlog-browser-")
        # Own copies of the binaries: a rebuild during the run does not change them under us.
        self.bin_dir = os.path.join(self.tmp, "bin")
        os.makedirs(self.bin_dir)
        for name in ("fieldlog", "fieldlog-serve"):
            source = os.path.join(self.bin_dir_given, name)
            check(os.access(source, os.X_OK), f"{source} is not an executable")
            shutil.copy2(source, self.bin_dir)
        config = os.path.join(self.tmp, "config")
        os.makedirs(config)
        self.env = dict(os.environ, XDG_CONFIG_HOME=config)
        self.env.pop("FIELDLOG_JOURNAL", None)
        path = os.path.join(self.tmp, "werkplaats.sqlite")
        made = subprocess.run([os.path.join(HERE, "make-journal.sh"), self.bin_dir, path],
                              env=self.env, capture_output=True, text=True, timeout=120)
        check(made.returncode == 0, f"make-journal.sh failed: {made.stderr.strip()}")
        self.journal = Journal(self.bin_dir, path, self.env)
        for title in (FIRST_TITLE, NFD_TITLE, WITHHELD_TITLE):
            self.ids[title] = self.journal.entry_id(title)
        self.server, self.link, self.base, self.token = start_server(self.bin_dir, path, self.env)

        options = webdriver.ChromeOptions()
        options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
        for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--lang=en-GB",
                         "--disable-dev-shm-usage", "--hide-scrollbars", "--font-render-hinting=none"):
            options.add_argument(argument)
        options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        service = Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
        self.driver = webdriver.Chrome(options=options, service=service)
        self.driver.set_page_load_timeout(30)
        self.page = Page(self.driver, self.base)
        self.page.viewport(1280, 800, False)
        self.driver.get(self.link)
        self.page.wait("the entry list", lambda: len(self.page.finds("#list .item")) == 4, timeout=20)
        check(self.token not in self.driver.current_url,
              f"the token is still in the address bar after loading: {self.driver.current_url}")

    # -- 2, 3 -----------------------------------------------------------------------------------
    def code_selection(self, title, start, end, typed, how):
        """Selects [start, end) with `how` (a function), codes it via the picker, and returns
        the one new coding as the CLI shows it."""
        entry = self.ids[title]
        body = self.journal.show(entry)["body"]
        expected = body[start:end]
        before = self.journal.codings(entry)
        how()
        selected = self.page.selection()
        check(selected.replace("\r\n", "\n") == expected,
              f"the browser selected {selected!r}, expected {expected!r}")
        chosen = self.page.pick(typed, expected)
        added = self.until_cli(f"a new coding ({chosen})", lambda: new_codings(before, self.journal.codings(entry)))
        check(len(added) == 1, f"expected one new coding on {title!r}, the CLI shows {len(added)}: {added}")
        coding = added[0]
        check(coding["coder"] == ME, f"the new coding's coder is {coding['coder']!r}, expected {ME!r}")
        check(coding["code_path"] == chosen, f"coded as {coding['code_path']!r}, the picker chose {chosen!r}")
        check((coding["start"], coding["end"]) == (start, end),
              f"the coding spans {coding['start']}-{coding['end']}, expected the code points {start}-{end} of {expected!r}")
        check(coding["quote"] == expected, f"the coding's quote is {coding['quote']!r}, expected {expected!r}")
        assert_whole_graphemes(body, coding["start"], coding["end"], "the stored coding")
        return coding

    def select_family(self):
        self.page.open_entry(FIRST_TITLE)
        body = self.journal.show(self.ids[FIRST_TITLE])["body"]
        check(self.page.body_text() == body, "the reader's text differs from the journal's body")
        text = "koffieochtend " + FAMILY + " in de buurtkamer"
        start = body.index(text)
        self.page.driver.execute_script("window.getSelection().removeAllRanges()")
        coding = self.code_selection(FIRST_TITLE, start, start + len(text), "drempel",
                                     lambda: self.page.drag_select(start, start + len(text)))
        check(coding["code_path"] == "toegankelijkheid > drempels", f"'drempel' chose {coding['code_path']!r}")
        self.ids["family coding"] = coding["id"]

    def select_astral(self):
        self.page.open_entry(FIRST_TITLE)
        body = self.journal.show(self.ids[FIRST_TITLE])["body"]
        text = "terechtkwam.\nHet café-gevoel van de ochtend maakt de drempel lager 🙂; de " + ASTRAL + "-lijst"
        start = body.index(text)
        coding = self.code_selection(FIRST_TITLE, start, start + len(text), "participatie",
                                     lambda: self.page.drag_select(start, start + len(text)))
        check(coding["code_path"] == "sociale participatie", f"'participatie' chose {coding['code_path']!r}")

    def snap_to_graphemes(self):
        """A selection that starts inside the ZWJ family must grow to the whole family. Neither a
        drag nor shift+arrows can stop inside a grapheme in Chromium, so this one case places the
        selection with the DOM Selection API (execute_script; not a function of the page) and then
        uses the real key 1 (the most recent code)."""
        self.page.open_entry(FIRST_TITLE)
        body = self.journal.show(self.ids[FIRST_TITLE])["body"]
        family = body.index(FAMILY)
        inside = family + 2  # after "👩" + ZWJ: between two code points of one grapheme
        end = body.index(" in de", family) + len(" in de")
        self.page.driver.execute_script(
            """
            const [from, to] = arguments;
            const walker = document.createTreeWalker(document.getElementById('body'), NodeFilter.SHOW_TEXT);
            let at = 0, a = null, b = null;
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              const cps = Array.from(node.data);
              if (!a && from < at + cps.length) a = [node, cps.slice(0, from - at).join('').length];
              if (!b && to <= at + cps.length) b = [node, cps.slice(0, to - at).join('').length];
              at += cps.length;
            }
            document.getElementById('body').focus({preventScroll: true});
            window.getSelection().setBaseAndExtent(a[0], a[1], b[0], b[1]);
            """, inside, end)
        # Chromium's Selection.toString() shows its own canonical form (from after the family);
        # the Range keeps the offsets as placed, and that is what the page reads.
        placed = self.page.driver.execute_script("return window.getSelection().getRangeAt(0).toString()")
        check(placed == body[inside:end], f"the placed range is {placed!r}, expected {body[inside:end]!r}")
        before = self.journal.codings(self.ids[FIRST_TITLE])
        self.page.keys("1")  # the most recent code from the picker
        added = self.until_cli("a new coding from key 1",
                               lambda: new_codings(before, self.journal.codings(self.ids[FIRST_TITLE])))
        check(len(added) == 1, f"expected one new coding from key 1, found {len(added)}")
        coding = added[0]
        check((coding["start"], coding["end"]) == (family, end),
              f"a selection from inside the family ({inside}) was stored as {coding['start']}-{coding['end']}, "
              f"expected it to grow to the whole family: {family}-{end} ({body[family:end]!r})")
        check(coding["quote"] == body[family:end], f"quote {coding['quote']!r}")
        assert_whole_graphemes(body, coding["start"], coding["end"], "the snapped coding")

    # -- 4 --------------------------------------------------------------------------------------
    def nfd_entry(self):
        self.page.open_entry(NFD_TITLE)
        body = self.journal.show(self.ids[NFD_TITLE])["body"]
        check("caf\u00e9" in body and "cafe\u0301" not in body, f"the journal's body is not NFC: {body!r}")
        check(self.page.body_text() == body, "the reader's text differs from the journal's body")
        text = "In het café op de hoek"
        start = body.index(text)

        def keyboard():
            # Chromium extends only a selection that is not collapsed with shift+arrows (a caret
            # from a click does not move in read-only text), so: drag over "I", then shift+→ once
            # per further grapheme.
            self.page.drag_select(start, start + 1)
            graphemes = len(regex.findall(r"\X", text)) if regex else len(text)
            ActionChains(self.page.driver).key_down(Keys.SHIFT).send_keys(
                *([Keys.ARROW_RIGHT] * (graphemes - 1))).key_up(Keys.SHIFT).perform()

        coding = self.code_selection(NFD_TITLE, start, start + len(text), "warme", keyboard)
        check(coding["quote"] == "In het caf\u00e9 op de hoek", "the quote is not NFC")
        self.ids["cafe coding"] = coding

    # -- 5 --------------------------------------------------------------------------------------
    def remove_and_undo(self):
        coding = self.ids.get("cafe coding")
        check(coding, "step 4 made no coding to remove")
        self.page.open_entry(NFD_TITLE)
        body = self.journal.show(self.ids[NFD_TITLE])["body"]
        self.page.click_char(body.index("op de hoek"))  # the caret inside the coded segment
        self.page.keys("u")
        self.until_cli(f"`fieldlog show --json` to stop listing the removed coding {coding['id']}",
                       lambda: all(c["id"] != coding["id"] for c in self.journal.codings(self.ids[NFD_TITLE])))
        self.page.keys("z")
        back = self.until_cli("the coding to come back after z", lambda: [
            c for c in self.journal.codings(self.ids[NFD_TITLE])
            if (c["code_path"], c["start"], c["end"], c["coder"]) == (coding["code_path"], coding["start"], coding["end"], ME)])
        check(len(back) == 1, f"after z, expected the coding back once, found {back}")
        check(back[0]["id"] != coding["id"], "the undone coding has the old id (expected a new coding)")
        check(back[0]["quote"] == coding["quote"], f"the restored quote is {back[0]['quote']!r}")

    def own_change_no_reload(self):
        """The page's own change must not come back as 'The journal changed' a poll later: that
        poll re-renders the reader, and a caret put in the text in the meantime is lost (u or m
        then act on nothing, or m on the whole entry). Every poll after a change sees it, so
        this fails every time while the page does not record its own changes."""
        self.page.open_entry(NFD_TITLE)
        body = self.journal.show(self.ids[NFD_TITLE])["body"]
        self.page.keys("w")
        self.page.wait("the picker (whole entry)", lambda: self.driver.execute_script("return document.getElementById('picker').open"))
        self.page.find("#picker-filter").send_keys("samen leren")
        time.sleep(0.2)
        self.page.find("#picker-filter").send_keys(Keys.ENTER)
        self.until_cli("the whole-entry coding", lambda: [c for c in self.journal.codings(self.ids[NFD_TITLE])
                                                           if c["code_path"] == "samen leren" and c["start"] is None])
        self.page.wait("the whole-entry coding in the reader", lambda: "samen leren" in self.page.find("#reader .whole").text)
        self.page.last_write = 0  # click at once, as a person might (no settle)
        self.page.click_char(body.index("op de hoek") + 3)
        deadline, status = time.time() + 4.5, ""
        while time.time() < deadline:
            status = self.page.status()
            if status.startswith("The journal changed"):
                break
            time.sleep(0.1)
        inside = self.driver.execute_script(
            "const s = getSelection(); return !!(s.rangeCount && document.getElementById('body') && "
            "document.getElementById('body').contains(s.getRangeAt(0).startContainer))")
        time.sleep(0.5)
        inside_later = self.driver.execute_script(
            "const s = getSelection(); return !!(s.rangeCount && document.getElementById('body') && "
            "document.getElementById('body').contains(s.getRangeAt(0).startContainer))")
        self.page.wrote()
        check(not status.startswith("The journal changed"),
              f"after the page's own coding the next poll said {status!r} and re-rendered the reader; "
              f"a caret clicked into the text just after coding was "
              f"{'still there' if inside and inside_later else 'gone'} afterwards")
        check(inside and inside_later, "a caret clicked into the text just after coding was gone 4 s later")

    # -- 6 --------------------------------------------------------------------------------------
    def memo(self):
        self.page.open_entry(NFD_TITLE)
        self.page.click_char(0)  # "Ze ziet": no coding here
        self.page.keys("m")
        self.page.wait("the memo prompt", lambda: self.page.driver.execute_script("return document.getElementById('prompt').open"))
        label = self.page.find("#prompt-label").text
        check("this entry" in label, f"m asked {label!r}, expected a memo about this entry")
        text = "Het café op de hoek als ontmoetingsplek — ook voor de mannen die niet naar de buurtkamer komen?"
        self.page.find("#prompt-input").send_keys(text)
        self.page.find("#prompt-ok").click()
        self.page.wait("the memo to appear", lambda: any(text == p.text for p in self.page.finds("#memos .memo-text")))
        self.page.wrote()
        memos = self.journal.json("memo", "list", "--about", self.ids[NFD_TITLE])
        found = [m for m in memos if m["text"] == text]
        check(len(found) == 1, f"`fieldlog memo list --json` does not list the memo once: {memos}")
        check(found[0]["about_kind"] == "entry" and found[0]["author"] == ME, f"the memo is {found[0]}")

    # -- 7 --------------------------------------------------------------------------------------
    def compare(self):
        """κ/α and the disagreements for Sanne and Ahmed, as the page asks for them."""
        self.compare_view()
        self.check_agreement()

    def check_agreement(self):
        head = [th.text for th in self.page.finds("table.agreement th")]
        check("κ" in head and "α" in head, f"the agreement table's columns are {head}")
        check(self.page.finds("ul.disagreements li"), "no disagreements are listed")
        rows = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")] for tr in self.page.finds("table.agreement tbody tr")]
        check(rows and rows[0][0] == "all codes" and len(rows) >= 2, f"the agreement table's rows are {rows}")
        blank = [row for row in rows if not all(re.fullmatch(r"-?\d+(\.\d+)?%?", v) for v in row[2:5])]
        check(not blank, f"the agreement table shows no numbers for % agree, κ and α in {len(blank)} of "
              f"{len(rows)} rows, e.g. {blank[0] if blank else ''}; the API sends them (overall cohen_kappa "
              f"{self.api_kappa()})")

    def api_kappa(self):
        query = urllib.parse.urlencode({"a": ME, "b": OTHER}, quote_via=urllib.parse.quote)
        status, _, text = http(self.base + "/api/compare?" + query, headers={"Authorization": "Bearer " + self.token})
        return json.loads(text)["agreement"].get("cohen_kappa") if status == 200 else f"HTTP {status}"

    def adopt(self):
        """Adopting Ahmed's coding from the disagreements."""
        entry = self.ids[FIRST_TITLE]
        theirs = [c for c in self.journal.codings(entry)
                  if c["coder"] == OTHER and c["code_path"] == "toegankelijkheid > drempels"]
        check(len(theirs) == 1, f"expected Ahmed's one drempels coding, found {theirs}")
        theirs = theirs[0]
        self.compare_view()
        items = self.page.finds("ul.disagreements li")
        wanted = [li for li in items if li.text.startswith("Only " + OTHER) and theirs["quote"] in li.text
                  and "drempels" in li.text]
        check(wanted, f"no disagreement lists Ahmed's {theirs['quote']!r}; listed: {[li.text for li in items]}")
        button = wanted[0].find_element(By.TAG_NAME, "button")
        check(button.text == "adopt B", f"the button says {button.text!r}")
        button.click()
        mine = self.until_cli(f"a coding by {ME} of {theirs['code_path']} at {theirs['start']}-{theirs['end']} "
                              "after adopting", lambda: [
                                  c for c in self.journal.codings(entry)
                                  if c["coder"] == ME and c["code_path"] == theirs["code_path"]
                                  and (c["start"], c["end"]) == (theirs["start"], theirs["end"])])
        check(len(mine) == 1, f"adopting made {len(mine)} codings: {mine}")
        check(mine[0]["quote"] == theirs["quote"], f"the adopted quote is {mine[0]['quote']!r}")

    def compare_view(self):
        self.page.settle()
        self.page.nav("Compare coders")
        self.page.wait("the compare form", lambda: self.page.finds(".compare-form"))
        form = self.page.find(".compare-form")
        Select(form.find_element(By.NAME, "a")).select_by_visible_text(ME)
        Select(form.find_element(By.NAME, "b")).select_by_visible_text(OTHER)
        form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        self.page.wait("the agreement table", lambda: self.page.finds("table.agreement") and
                       f"A: {ME}" in self.page.find("#compared").text and f"B: {OTHER}" in self.page.find("#compared").text)
        time.sleep(1)  # the view's first compare (with the default coders) may still be re-rendering

    # -- 8 --------------------------------------------------------------------------------------
    def withheld(self):
        self.page.open_entry(WITHHELD_TITLE)
        notice = self.page.finds("#reader .notice")
        check(notice and "withheld" in notice[0].text, "the withheld entry shows no notice")
        source = self.driver.page_source
        for text in WITHHELD_TEXTS:
            check(text not in source, f"the page's HTML holds the withheld text {text!r}")
        self.page.net.pump()
        api = self.page.net.api_responses()
        check(any(f"/api/entries/{self.ids[WITHHELD_TITLE]}" in r["response"]["url"] for _, r in api),
              "the page never fetched the withheld entry (nothing to check)")
        unread = [self.page.net.unread[rid] for rid, _ in api if rid in self.page.net.unread]
        check(not unread, f"could not read {len(unread)} API response bodies: {unread[:3]}")
        leaks = [r["response"]["url"] for rid, r in api
                 if any(t in self.page.net.bodies.get(rid, "") for t in WITHHELD_TEXTS)]
        check(not leaks, f"API responses hold the withheld text: {leaks}")
        self.notes.append(f"checked {len(self.page.net.bodies)} API response bodies for the withheld text")

    def withheld_search(self):
        """/ jumps to the search box; a word that occurs only in the withheld text must not find
        the withheld entry, or searching word by word would reveal that text."""
        self.page.entries_view()
        self.driver.execute_script("document.activeElement && document.activeElement.blur()")
        self.page.keys("/")
        focused = self.driver.execute_script("return document.activeElement && document.activeElement.name")
        check(focused == "q", f"/ put the focus on {focused!r}, expected the search box")
        word = "wijkcoach"
        check(all(word not in e["body"] for e in self.journal.entries() if e["title"] != WITHHELD_TITLE),
              "the probe word occurs outside the withheld entry")
        try:
            self.page.keys(word)
            time.sleep(1.5)  # the page waits 300 ms after typing, then asks
            titles = self.driver.execute_script(
                "return [...document.querySelectorAll('#list .item .title')].map((t) => t.textContent)")
            check(WITHHELD_TITLE not in titles,
                  f"searching for {word!r}, a word only in the withheld text, lists {titles}: the search "
                  "confirms words of a text the pages withhold")
        finally:
            box = self.page.find("#filters [name=q]")
            box.send_keys(Keys.CONTROL, "a")
            box.send_keys(Keys.DELETE)
            self.driver.execute_script("document.activeElement.blur()")
            self.page.wait("the full list again", lambda: len(self.page.finds("#list .item")) >= 4)

    # -- 9 --------------------------------------------------------------------------------------
    def security(self):
        net = self.page.net
        net.pump()
        page = [r for r in net.responses.values()
                if r.get("type") == "Document" and r["response"]["url"].startswith(self.base)]
        check(page, "the performance log shows no response for the page itself")
        csp = header(page[0]["response"]["headers"], "Content-Security-Policy")
        check(csp and "default-src 'self'" in csp, f"the page's Content-Security-Policy is {csp!r}")
        for r in page:
            check(header(r["response"]["headers"], "Content-Security-Policy"), f"{r['response']['url']} has no CSP")
        check(len(net.requests) > 10, f"only {len(net.requests)} requests were logged")
        with_token = [q["request"]["url"] for q in net.requests if self.token in q["request"]["url"]]
        check(not with_token, f"request URLs hold the token: {with_token}")
        referers = [header(h, "Referer") for h in net.extra.values() if self.token in (header(h, "Referer") or "")]
        check(not referers, f"Referer headers hold the token: {referers}")
        api = [q for q in net.requests if "/api/" in q["request"]["url"]]
        check(api, "the page made no API requests")
        bare = []
        for q in api:
            sent = net.extra.get(q["requestId"]) or q["request"]["headers"]
            if not (header(sent, "Authorization") or "").startswith("Bearer " + self.token):
                bare.append(q["request"]["url"])
        check(not bare, f"API requests without 'Authorization: Bearer <token>': {bare[:5]}")
        writes = [q for q in api if q["request"]["method"] not in ("GET", "HEAD")]
        check(writes, "the page made no writes (nothing to check their Origin)")
        for q in writes:
            sent = net.extra.get(q["requestId"]) or q["request"]["headers"]
            check(header(sent, "Origin") == self.base,
                  f"{q['request']['method']} {q['request']['url']} sent Origin {header(sent, 'Origin')!r}")

        status, headers, _ = http(self.base + "/api/entries")
        check(status == 401, f"/api/entries without a token answered {status}, expected 401")
        status, _, _ = http(self.base + "/api/entries", headers={"Authorization": "Bearer " + "0" * 64})
        check(status == 401, f"/api/entries with a wrong token answered {status}, expected 401")
        status, _, _ = http(self.base + "/api/entries?token=" + self.token)
        check(status == 401, f"a token in the query string was accepted ({status}), expected 401")
        status, _, _ = http(self.base + "/api/entries", headers={"Authorization": "Bearer " + self.token})
        check(status == 200, f"/api/entries with the token answered {status}, expected 200")
        port = self.base.rsplit(":", 1)[1]
        status, _, _ = http(self.base + "/", headers={"Host": f"evil.example:{port}"})
        check(status == 403, f"the page with Host evil.example answered {status}, expected 403")

        before = (self.journal.verify(), len(self.journal.entries()),
                  self.journal.run("memo", "list", "--json").stdout,
                  self.journal.run("code", "list", "--json").stdout)
        auth = {"Authorization": "Bearer " + self.token, "Content-Type": "application/json"}
        attempts = [
            ("/api/memos", {"about": self.ids[FIRST_TITLE], "text": "from another site"}),
            ("/api/codes", {"name": "from another site"}),
            ("/api/codings", {"entry": self.ids[FIRST_TITLE], "code": "sociale participatie"}),
        ]
        for path, body in attempts:
            status, _, text = http(self.base + path, "POST", dict(auth, Origin="https://evil.example"), body)
            check(status == 403, f"POST {path} with Origin https://evil.example answered {status}, expected 403: {text}")
            status, _, text = http(self.base + path, "POST", auth, body)
            check(status == 403, f"POST {path} without an Origin answered {status}, expected 403: {text}")
        first_coding = self.journal.codings(self.ids[FIRST_TITLE])[0]["id"]
        status, _, _ = http(self.base + "/api/codings/" + first_coding, "DELETE",
                            {"Authorization": "Bearer " + self.token, "Origin": "http://localhost.evil.example"})
        check(status == 403, f"DELETE with a foreign Origin answered {status}, expected 403")
        after = (self.journal.verify(), len(self.journal.entries()),
                 self.journal.run("memo", "list", "--json").stdout,
                 self.journal.run("code", "list", "--json").stdout)
        check(before == after, f"refused writes changed the journal: verify {before[0]} → {after[0]}")

    def doubled_slash(self):
        """A path that starts with two slashes must not slip past the token or the Origin check."""
        before = (self.journal.verify(), self.journal.run("memo", "list", "--json").stdout)
        problems = []
        for path in ("//api/entries", "//api/study", f"//api/entries/{self.ids[FIRST_TITLE]}"):
            status, _, text = http(self.base + path)
            if status not in (401, 404):
                problems.append(f"GET {path} without a token answered {status} ({len(text)} bytes), expected 401 or 404")
        status, _, _ = http(self.base + "//api/memos", "POST", {"Origin": "https://evil.example", "Content-Type": "application/json"},
                            {"about": self.ids[FIRST_TITLE], "text": "langs de poort"})
        if status not in (401, 403, 404):
            problems.append(f"POST //api/memos without a token, from Origin https://evil.example, answered {status}")
        after = (self.journal.verify(), self.journal.run("memo", "list", "--json").stdout)
        if before != after:
            problems.append("a request without a token changed the journal: " + str(before[0]) + " → " + str(after[0]))
        check(not problems, "; ".join(problems))

    # -- 10 -------------------------------------------------------------------------------------
    def live(self):
        self.page.entries_view()
        title = "Buurtkamer live: de schuifpuzzel"
        self.journal.run("add", "observation", "--neighbourhood", "Holendrecht", "--question", "RQ1", "--title", title,
                         "--text", "Tijdens de test toegevoegd vanaf de opdrachtregel: een schuifpuzzel op tafel.")
        url = self.driver.execute_script("return performance.getEntriesByType('navigation').length + ':' + location.href")
        deadline = time.time() + 8
        while time.time() < deadline:
            titles = self.driver.execute_script(
                "return [...document.querySelectorAll('#list .item .title')].map((t) => t.textContent)")
            if title in titles:
                break
            time.sleep(0.2)
        else:
            raise Failure(f"the new entry {title!r} did not appear in the list within 8 s; the list shows {titles}")
        check(self.driver.execute_script("return performance.getEntriesByType('navigation').length + ':' + location.href") == url,
              "the page was reloaded")

    # -- 11 -------------------------------------------------------------------------------------
    def verify(self):
        code, output = self.journal.verify()
        check(code == 0 and output.startswith("ok:"), f"fieldlog verify exited {code}: {output}")
        self.notes.append(output.replace(self.tmp, "…"))

    # -- 12 -------------------------------------------------------------------------------------
    def screenshots(self):
        shots = []
        for width, height, mobile in ((1280, 800, False), (390, 844, True)):
            page = self.page
            page.viewport(width, height, mobile)
            save = lambda screen: (self.driver.save_screenshot(  # noqa: E731
                os.path.join(self.shots, f"workspace-{screen}-{width}.png")), shots.append(f"{screen}-{width}"))
            self.driver.execute_script("window.getSelection().removeAllRanges()")
            if mobile and page.find("#filters").is_displayed():  # folded, as a phone first shows them
                page.find("#filters-toggle").click()
            page.open_entry(FIRST_TITLE)
            self.driver.execute_script("window.scrollTo(0, 0)")
            stripes = page.finds("#stripes .stripe")
            check(len(stripes) >= 3, f"only {len(stripes)} margin stripes at {width} px")
            if mobile:
                page.find("#reader").location_once_scrolled_into_view
                self.driver.execute_script("document.getElementById('reader').scrollIntoView({block: 'start'})")
                time.sleep(0.3)
            save("reader")

            body = self.journal.show(self.ids[FIRST_TITLE])["body"]
            text = "maakt de drempel lager 🙂"
            start = body.index(text)
            page.drag_select(start, start + len(text))
            check(page.selection() == text, f"the screenshot's selection is {page.selection()!r}")
            page.keys("c")
            page.wait("the code picker", lambda: self.driver.execute_script("return document.getElementById('picker').open"))
            page.find("#picker-filter").send_keys("drem")
            time.sleep(0.3)
            save("picker")
            page.keys(Keys.ESCAPE)
            page.wait("the picker to close", lambda: not self.driver.execute_script("return document.getElementById('picker').open"))

            page.open_entry(NFD_TITLE)  # with the memo of step 6
            memos = page.finds("#memos .memo-text")
            check(memos, f"the memo panel shows no memo for {NFD_TITLE!r}")
            self.driver.execute_script("document.getElementById('memos').scrollIntoView({block: 'end'})")
            time.sleep(0.3)
            save("memos")

            self.driver.execute_script("window.scrollTo(0, 0)")
            links = [a for a in page.finds("#tree a") if a.text == "drempels"]
            check(links, "the code tree has no 'drempels'")
            links[0].click()
            page.wait("the code's segments", lambda: page.finds(".segment-list li"))
            time.sleep(0.3)
            if mobile:
                self.driver.execute_script("document.getElementById('segments').scrollIntoView({block: 'start'})")
                time.sleep(0.3)
            save("codes")

            self.compare_view()
            time.sleep(0.3)
            self.driver.execute_script("window.scrollTo(0, 0)")
            save("compare")
            self.page.entries_view()
        self.notes.append("screenshots: " + ", ".join(shots))

    def no_stray_text(self):
        """No view shows a JavaScript null or undefined as text."""
        self.page.viewport(1280, 800, False)
        seen = {}
        self.page.open_entry(FIRST_TITLE)
        seen["the reader"] = self.page.find("#main").text
        self.page.nav("Codes")
        self.page.wait("the code view", lambda: self.page.finds("#segments"))
        time.sleep(0.3)
        seen["the code view without a code"] = self.page.find("#main").text
        [a for a in self.page.finds("#tree a") if a.text == "drempels"][0].click()
        self.page.wait("the code's segments", lambda: self.page.finds(".segment-list li"))
        seen["the code view of drempels"] = self.page.find("#main").text
        self.compare_view()
        seen["compare coders"] = self.page.find("#main").text
        bad = {where: [line for line in text.splitlines() if re.search(r"\b(null|undefined|NaN)\b", line)]
               for where, text in seen.items()}
        bad = {where: lines for where, lines in bad.items() if lines}
        check(not bad, f"views show null/undefined/NaN as text: {bad}")
        self.page.entries_view()

    def phone_filters(self):
        """On a phone the filter bar folds behind one button that says how many filters are set."""
        page = self.page
        page.viewport(390, 844, True)
        try:
            page.entries_view()
            self.driver.execute_script("window.scrollTo(0, 0)")
            toggle = page.find("#filters-toggle")
            form = page.find("#filters")
            check(toggle.is_displayed(), "on a phone the filters have no button to unfold them")
            if form.is_displayed():  # '/' (step 8b) unfolded them, as it should
                check(toggle.get_attribute("aria-expanded") == "true", "unfolded filters, but the button says folded")
                toggle.click()
            page.wait("the filters to fold", lambda: not form.is_displayed())
            height = self.driver.execute_script("return document.getElementById('filters').getBoundingClientRect().height")
            check(height == 0, f"the folded filters still take {height} px")
            toggle.click()
            page.wait("the filters to unfold", lambda: form.is_displayed())
            check(toggle.get_attribute("aria-expanded") == "true", "the unfolded button is not aria-expanded")
            Select(page.find("#filters [name=kind]")).select_by_visible_text("interview")
            page.wait("the count on the button", lambda: toggle.text == "Filters · 1 set")
            Select(page.find("#filters [name=kind]")).select_by_visible_text("all")
            page.wait("the count to go", lambda: toggle.text == "Filters")
            toggle.click()
            page.wait("the filters to fold", lambda: not form.is_displayed())
        finally:
            page.viewport(1280, 800, False)
        check(not page.find("#filters-toggle").is_displayed() and page.find("#filters").is_displayed(),
              "at 1280 px the filter bar is not shown whole")

    def listed_titles(self, expected, seconds=5):
        """The titles the entry list shows, sorted, once they are `expected` or the time is up."""
        titles = None
        deadline = time.time() + seconds
        while time.time() < deadline:
            titles = sorted(self.driver.execute_script(
                "return [...document.querySelectorAll('#list .item .title')].map((t) => t.textContent)"))
            if titles == expected:
                break
            time.sleep(0.2)
        return titles

    def filter_with_spaces(self):
        """The filter bar with a value that holds spaces: Neighbourhood 'Jan van Maijenbuurt'."""
        self.page.entries_view()
        select = Select(self.page.find("#filters [name=neighbourhood]"))
        expected = sorted(e["title"] for e in self.journal.entries() if e["neighbourhood"] == "Jan van Maijenbuurt")
        try:
            select.select_by_visible_text("Jan van Maijenbuurt")
            titles = self.listed_titles(expected)
            check(titles == expected, f"filtering on Neighbourhood 'Jan van Maijenbuurt' lists {titles}, "
                  f"expected {expected}; status line: {self.page.status()!r}")
        finally:
            select.select_by_value("")
            time.sleep(0.5)

    def filter_by_cycle_and_phase(self):
        """The action-research filters: the study's cycles are offered, and Phase 'observe' lists
        only the entry given that phase (make-journal.sh)."""
        self.page.entries_view()
        cycles = [o.get_attribute("value") for o in Select(self.page.find("#filters [name=cycle]")).options]
        check(cycles == ["", "C1", "C2"], f"the Cycle filter offers {cycles}, expected all, C1, C2")
        select = Select(self.page.find("#filters [name=phase]"))
        expected = sorted(e["title"] for e in self.journal.entries() if e.get("phase") == "observe")
        check(expected == ["Koffieochtend in de buurtkamer"], f"the fixture's observe entries: {expected}")
        try:
            select.select_by_visible_text("observe")
            titles = self.listed_titles(expected)
            check(titles == expected, f"filtering on Phase 'observe' lists {titles}, expected {expected}")
            self.driver.save_screenshot(os.path.join(self.shots, "phase-filter.png"))
        finally:
            select.select_by_value("")
            time.sleep(0.5)

    def networks(self):
        """The Networks view draws P-017's ecogram (make-journal.sh): the focal person, three
        members, three ties; P-021, without consent to recording, appears only by role."""
        self.page.nav("Networks")
        self.page.wait("the ecogram", lambda: len(self.page.finds("#networks figure svg")) == 1)
        svg = self.page.find("#networks figure svg")
        circles = len(svg.find_elements(By.CSS_SELECTOR, "g circle[r='16'], g circle[r='26']"))
        check(circles == 4, f"the ecogram draws {circles} members, expected P-017 and three around her")
        ties = len(svg.find_elements(By.CSS_SELECTOR, "g path"))
        check(ties == 3, f"the ecogram draws {ties} ties, expected 3")
        page_text = self.driver.execute_script("return document.getElementById('networks').textContent")
        check("member without consent 1" in page_text, f"no 'member without consent 1' in {page_text!r}")
        check("P-021" not in page_text, "the Networks view names P-021, who did not consent to recording")
        size = self.driver.execute_script(
            "const r = document.querySelector('#networks figure svg').getBoundingClientRect(); return [r.width, r.height]")
        check(size[0] > 300 and size[1] > 300, f"the ecogram is drawn {size[0]}x{size[1]} px")
        self.driver.save_screenshot(os.path.join(self.shots, "networks.png"))
        self.page.entries_view()

    # ------------------------------------------------------------------------------------------
    def run(self):
        os.makedirs(self.shots, exist_ok=True)
        self.driver = None
        self.server = None
        try:
            self.step("1. journal, server and page", self.setup)
            if self.failures:
                return 1
            self.step("2/3. drag-select across the ZWJ family, c, 'drempel', Enter", self.select_family)
            self.step("2/3. drag-select across a line break and the astral 𝒜", self.select_astral)
            self.step("3. a selection starting inside the ZWJ family snaps to the whole grapheme", self.snap_to_graphemes)
            self.step("4. keyboard-select 'café' (typed NFD, stored NFC) and code it", self.nfd_entry)
            self.step("5. u removes the coding at the caret, z brings it back", self.remove_and_undo)
            self.step("5b. the page's own change does not come back as 'The journal changed' (caret kept)", self.own_change_no_reload)
            self.step("6. m writes a memo on the entry", self.memo)
            self.step("7. compare coders 'Sanne de Vries' and 'Ahmed': κ/α and disagreements shown", self.compare)
            self.step("7b. adopt Ahmed's coding from the disagreements", self.adopt)
            self.step("8. the withheld entry's text is nowhere in the page or the API's answers", self.withheld)
            self.step("8b. / and search: a word of the withheld text does not find that entry", self.withheld_search)
            self.step("9. CSP, token, bearer header, 401, Host and Origin checks", self.security)
            self.step("9b. a doubled slash (//api/…) does not pass the token and Origin checks", self.doubled_slash)
            self.step("10. an entry added with the CLI appears without a reload", self.live)
            self.step("12. screenshots", self.screenshots)
            self.step("13. no view shows null or undefined as text", self.no_stray_text)
            self.step("14. a filter value with spaces (Neighbourhood 'Jan van Maijenbuurt')", self.filter_with_spaces)
            self.step("14b. the cycle and phase filters (Phase 'observe')", self.filter_by_cycle_and_phase)
            self.step("15. on a phone the filters fold behind one button that counts them", self.phone_filters)
            self.step("16. the Networks view draws P-017's ecogram, P-021 by role only", self.networks)
            self.step("11. fieldlog verify", self.verify)
        finally:
            if self.driver:
                self.driver.quit()
            if self.server:
                self.server.terminate()
                try:
                    self.server.wait(10)
                except subprocess.TimeoutExpired:
                    self.server.kill()
        print()
        for note in self.notes:
            print("note:", note)
        print(f"{len(self.passed)} passed, {len(self.failures)} failed")
        for name, detail in self.failures:
            print(f"FAILED {name}\n  " + detail.replace("\n", "\n  "))
        if not self.failures:
            shutil.rmtree(self.tmp, ignore_errors=True)
        else:
            print(f"(the journal and the server's stderr are kept in {self.tmp})")
        return 1 if self.failures else 0


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    if regex is None:
        print("note: the 'regex' module is missing; graphemes are checked by ZWJ and combining marks only")
    return WorkspaceTest(os.path.abspath(argv[1]), os.path.abspath(argv[2])).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv))

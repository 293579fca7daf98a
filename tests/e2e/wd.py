"""A small W3C WebDriver client (standard library only) for driving the real Receptdisk window
through tauri-driver + WebKitWebDriver. Every call has a timeout: a session whose app died at
start-up would otherwise hang forever."""
import http.client
import json
import os
import subprocess
import time
import urllib.error
import urllib.request

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
KEYS = {"enter": "\ue007", "escape": "\ue00c", "end": "\ue010", "home": "\ue011", "pageup": "\ue00e",
        "pagedown": "\ue00f", "up": "\ue013", "down": "\ue015", "shift": "\ue008", "f1": "\ue031", "f2": "\ue032", "f3": "\ue033",
        "f4": "\ue034", "f5": "\ue035", "control": "\ue009", "tab": "\ue004"}


# The WCAG 2.1 A and AA rules; every node of a violation with its selector and markup.
AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})
  .then(r => done(JSON.stringify(r.violations.map(v => [v.id, v.impact, v.help,
      v.nodes.slice(0, 5).map(n => [n.target.join(' '), n.html.slice(0, 160), (n.failureSummary || '').slice(0, 300)])]))))
  .catch(e => done('ERR ' + e));
"""


class WebDriverError(Exception):
    pass


class Session:
    def __init__(self, app, base=None, timeout=60):
        self.base = base or os.environ.get("RECEPTDISK_WEBDRIVER", "http://127.0.0.1:4444")
        self.timeout = timeout
        caps = {"capabilities": {"alwaysMatch": {"browserName": "wry",
                                                 "tauri:options": {"application": os.path.abspath(app)}}}}
        self.id = self._call("POST", "/session", caps)["sessionId"]

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        # tauri-driver keeps a pooled connection to WebKitWebDriver; when WebKitWebDriver has closed
        # it, tauri-driver drops our request ("connection closed before message completed") and
        # closes ours without an answer. The command never reached the window, so it is sent again.
        for attempt in range(3):
            req = urllib.request.Request(self.base + path, method=method, data=data,
                                         headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as r:
                    return json.load(r)["value"]
            except urllib.error.HTTPError as e:
                raise WebDriverError(f"{method} {path}: {e.code} {e.read().decode()[:500]}") from None
            except (http.client.RemoteDisconnected, ConnectionResetError):
                if attempt == 2:
                    raise
                time.sleep(0.2)

    def s(self, method, path, body=None):
        return self._call(method, f"/session/{self.id}{path}", body)

    def close(self):
        try:
            self._call("DELETE", f"/session/{self.id}")
        except Exception:
            pass

    # Elements
    def find(self, css):
        return self.s("POST", "/element", {"using": "css selector", "value": css})[ELEMENT]

    def find_all(self, css):
        return [e[ELEMENT] for e in self.s("POST", "/elements", {"using": "css selector", "value": css})]

    def wait(self, css, timeout=15.0, text=None):
        """Wait until an element matching css exists (and contains text, if given)."""
        end = time.time() + timeout
        last = None
        while time.time() < end:
            for el in self.find_all(css):
                if text is None:
                    return el
                last = self.text(el)
                if text in last:
                    return el
            time.sleep(0.1)
        raise WebDriverError(f"timed out waiting for {css!r}" + (f" with {text!r} (last: {last!r})" if text else ""))

    def wait_gone(self, css, timeout=15.0):
        end = time.time() + timeout
        while time.time() < end:
            if not self.find_all(css):
                return
            time.sleep(0.1)
        raise WebDriverError(f"{css!r} still present")

    def text(self, el):
        # innerText, not WebDriver's Get Element Text: WebKitWebDriver leaves out the text of
        # some grid cells (the access log's field column) that a person does see.
        return self.js("return arguments[0].innerText", {ELEMENT: el})

    def click(self, el):
        self.s("POST", f"/element/{el}/click", {})

    def type(self, el, text):
        self.s("POST", f"/element/{el}/value", {"text": text})

    def clear(self, el):
        self.s("POST", f"/element/{el}/clear", {})

    def attr(self, el, name):
        return self.s("GET", f"/element/{el}/attribute/{name}")

    def js(self, script, *args):
        return self.s("POST", "/execute/sync", {"script": script, "args": list(args)})

    def type_keys(self, text):
        """Types text key by key on the focused element (as a barcode scanner does)."""
        seq = []
        for ch in text:
            seq += [{"type": "keyDown", "value": ch}, {"type": "keyUp", "value": ch}]
        self.s("POST", "/actions", {"actions": [{"type": "key", "id": "kb", "actions": seq}]})
        self.s("DELETE", "/actions")

    def focused(self, prop="outerHTML"):
        """A property of the focused element (document.activeElement)."""
        return self.js(f"const a = document.activeElement; return a ? a.{prop} : null")

    def axe(self):
        """WCAG 2.1 A/AA violations axe-core finds in the window now: [(id, impact, help, [(target, html)])].
        axe-core comes from ui/node_modules (npm devDependency); WebKitWebDriver runs injected
        scripts despite the window's CSP. Injected once per page load."""
        if not self.js("return typeof window.axe === 'object'"):
            path = os.path.join(os.path.dirname(__file__), "..", "..", "ui", "node_modules", "axe-core", "axe.min.js")
            with open(path, encoding="utf-8") as f:
                self.js(f.read() + "; return typeof axe;")
        out = self.s("POST", "/execute/async", {"args": [], "script": AXE_RUN})
        if not isinstance(out, str) or out.startswith("ERR"):
            raise WebDriverError(f"axe-core did not run: {out!r}")
        return json.loads(out)

    def keys(self, *names):
        """Press keys on the focused element, e.g. keys("f2") or keys("escape")."""
        seq = []
        for n in names:
            k = KEYS.get(n, n)
            seq += [{"type": "keyDown", "value": k}]
        for n in reversed(names):
            k = KEYS.get(n, n)
            seq += [{"type": "keyUp", "value": k}]
        self.s("POST", "/actions", {"actions": [{"type": "key", "id": "kb", "actions": seq}]})
        self.s("DELETE", "/actions")

    def page_text(self):
        return self.js("return document.body.innerText")

    def screenshot(self, path):
        """The screen as X shows it (what a person sees). WebDriver's own screenshot hangs in
        WebKitGTK without compositing, which the app turns off."""
        import subprocess
        subprocess.run(["import", "-window", "root", path], check=True, timeout=30)


def test_runner(results, out, prefix, session):
    """A decorator that runs a test function at once and records it in `results` as (name,
    traceback or None), printing ok/FAIL; a failure leaves a screenshot `<prefix><name>.png` in
    `out`. `session()` gives the current Session (a test file may start a new one)."""
    import traceback

    def test(fn):
        try:
            fn()
            results.append((fn.__name__, None))
            print(f"ok   {fn.__name__}")
        except Exception:
            results.append((fn.__name__, traceback.format_exc()))
            print(f"FAIL {fn.__name__}\n{traceback.format_exc()}")
            try:
                session().screenshot(os.path.join(out, f"{prefix}{fn.__name__}.png"))
            except Exception:
                pass
        return fn

    return test


def assert_no_axe_violations(session, state):
    """No WCAG 2.1 A/AA violation axe-core can find in the window in this state."""
    found = session.axe()
    if found:
        lines = [f"axe-core in state {state!r}: {len(found)} violation(s)"]
        for rule, impact, help_, nodes in found:
            lines.append(f"  {rule} ({impact}): {help_}")
            lines += [f"    {target}  {html}\n      {summary}" for target, html, summary in nodes]
        raise AssertionError("\n".join(lines))


def in_native_window(title, *steps):
    """The shell's own GTK windows (its dialogs, which WebDriver cannot see): the visible one whose
    title matches `title`, focused (waiting until it has the focus), then each step — xdotool's
    arguments, e.g. ["key", "Escape"] — sent through XTEST."""
    found = subprocess.run(["xdotool", "search", "--sync", "--onlyvisible", "--name", title],
                           capture_output=True, text=True, check=True, timeout=30).stdout.split()
    subprocess.run(["xdotool", "windowfocus", "--sync", found[-1]], check=True, timeout=10)
    for step in steps:
        subprocess.run(["xdotool", *step], check=True, timeout=30)

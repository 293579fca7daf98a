"""End to end: the real Receptdisk window (training mode, built-in NLL test server) driven through
WebDriver. Logs in, runs each of the five flows on a fitting test patient, checks that a protected
patient's location-revealing fields are masked, reveals one and finds it in the access log, and
prints to the CUPS queue "PDF", reads the file it wrote and finds the printout's and the login's
rows in the access log, and clears the customer. In each state it visits axe-core checks the
window against WCAG 2.1 A/AA (also at 1024×768 and at 200 % zoom); a keyboard-only errand proves
that exactly one lookup reached NLL. Prints 'N passed, M failed'."""
import glob
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from wd import Session, assert_no_axe_violations, in_native_window, test_runner  # noqa: E402

APP, NLLC = sys.argv[1], sys.argv[2]
OUT = os.environ.get("RECEPTDISK_E2E_OUT", tempfile.mkdtemp())
VUXEN, SKYDDAD, BARN = "19680415-2384", "19850923-4822", "20170314-2461"
FULLMAKT, OMBUD, VARDNADSHAVARE = "19481201-4225", "19750417-0775", "19860630-1284"
STORKUND = "19500125-3060"

s = Session(APP)
results = []


test = test_runner(results, OUT, "fail-", lambda: s)


def end_customer():
    """Esc: closes an open dialog first, then ends the customer (and leaves the log view)."""
    for _ in range(3):
        s.keys("escape")
        if s.find_all("#status") and not s.find_all(".modal-overlay"):
            return
        time.sleep(0.2)
    s.wait("#status")


def lookup(pnr, fkey, agent=None, guardian=None, consent=False, identity=False, by_enter=False):
    end_customer()
    s.keys(fkey)
    field = s.find("#pnr")
    s.type(field, pnr)
    if consent:
        s.click(s.wait("#consent"))
    if identity:
        s.click(s.wait("#identity"))
    if agent:
        s.type(s.wait("#agent"), agent)
    if guardian:
        s.type(s.wait("#guardian"), guardian)
    if by_enter:
        s.keys("enter")
    else:
        s.click(s.find("#fetch"))
    s.wait("#patient-banner, #error", timeout=30)


def expect_patient(name):
    err = s.find_all("#error")
    assert not err, s.text(err[0])
    assert name in s.text(s.find("#patient-name")), s.text(s.find("#patient-banner"))


def check_axe(state):
    assert_no_axe_violations(s, state)


def log_mark():
    """The newest row of the app's training log (RECEPTDISK_HOME/access-log-training.sqlite3) now."""
    return access_log("SELECT coalesce(max(id), 0) FROM access_log")[0][0]


def patient_lookups(since):
    """Lookups sent to NLL after a log mark: each one starts with exactly one Patient request."""
    return access_log("SELECT count(*) FROM access_log WHERE id > ? AND kind = 'request' AND resource = 'patient'",
                      since)[0][0]


def access_log(sql, *args):
    path = os.path.join(os.environ["RECEPTDISK_HOME"], "access-log-training.sqlite3")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as db:
        return db.execute(sql, args).fetchall()


def location_values(key):
    """Every value the test server holds that could reveal where test patient `key` lives."""
    values = subprocess.run([NLLC, "sim", "--location-values", key],
                            capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(values) > 15, values
    return values


def answer_save_dialog(path):
    """The shell's own save dialog: the file name replaced by a full path, then Enter."""
    in_native_window("^Spara som", ["key", "ctrl+a"], ["type", "--delay", "20", path], ["key", "Return"])


def cups_pdfs(since):
    """What the cups-pdf queue "PDF" has written ($HOME/PDF of the printing user) since a time.
    cups-pdf names files after the job title, so a new job may overwrite an older file."""
    return [p for p in glob.glob(os.path.expanduser("~/PDF/*.pdf")) if os.path.getmtime(p) >= since]


def print_to_pdf_queue():
    """Ctrl+P, wait for the preview of page 1, choose the queue "PDF", print, and find the file
    cups-pdf wrote. Returns (pages in the printed file, pages the preview announced).

    The file's text cannot be checked here: cups-pdf re-distils through PostScript and the
    embedded fonts come back as Type 3 without a usable text mapping. The same PDF saved with
    Spara som PDF is read instead (protected_patients_printout_is_masked)."""
    start = time.time()
    s.keys("control", "p")
    s.wait("#print-preview-img:not([hidden])", timeout=30)
    caption = s.text(s.find("#print-preview-caption"))  # "Förhandsvisning, sida 1 av N"
    preview_pages = int(caption.rsplit(" ", 1)[-1])
    check_axe("print panel")
    s.click(s.find('#printer option[value="PDF"]'))
    s.click(s.find("#print-go"))
    s.wait("#print-msg.ok", text="PDF", timeout=60)
    end = time.time() + 30
    while time.time() < end:
        new = cups_pdfs(start)
        if new:
            time.sleep(0.5)  # cups-pdf writes the file in steps
            info = subprocess.run(["pdfinfo", new[0]], capture_output=True, text=True).stdout
            pages = [int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:")]
            if pages:
                s.keys("escape")  # closes the print panel only
                s.wait_gone("#print-panel")
                return pages[0], preview_pages
        time.sleep(0.2)
    raise AssertionError("no PDF appeared in ~/PDF from the CUPS queue PDF")


@test
def logs_in_as_a_test_pharmacist():
    s.wait("#training-band", text="ÖVNINGSLÄGE – testdata", timeout=30)
    s.wait('[data-login="farmaceut"]')
    check_axe("login")
    s.click(s.find('[data-login="farmaceut"]'))
    s.wait("#user", text="Farmaceut")
    assert "Expediering" in s.text(s.find("#flows"))
    check_axe("counter, waiting for a customer")


@test
def expediering_shows_the_ordinary_patients_list():
    lookup(VUXEN, "f1")
    expect_patient("Karin Andersson")
    assert "24 månaderna" in s.page_text()
    s.screenshot(os.path.join(OUT, "counter-ordinary.png"))
    check_axe("result")


@test
def prints_the_ordinary_patients_list_to_the_cups_queue():
    printed, previewed = print_to_pdf_queue()
    assert printed == previewed, (printed, previewed)
    # The panel closed, the customer is still there.
    expect_patient("Karin Andersson")
    # The printout and the login are rows of the access log, in words.
    s.click(s.find("#open-log"))
    s.wait("#log-table", text="Utskrift")
    table = s.text(s.find("#log-table"))
    assert "Utskriven" in table and "PDF" in table, table
    s.wait("#log-table", text="Inloggning")


@test
def treatment_reason_with_the_patients_consent():
    lookup(VUXEN, "f1")
    expect_patient("Karin Andersson")
    ask = s.wait("[data-reason-ask]")
    rx = s.attr(ask, "data-reason-ask")
    s.click(ask)
    s.wait(".reason-confirm")
    check_axe("treatment-reason dialog")
    s.click(s.find("#reason-consent"))
    s.click(s.find(f'[data-reason-ok="{rx}"]'))
    reason = s.wait(f'[data-reason="{rx}"]', timeout=30)
    assert s.text(reason).strip(), "the treatment reason row is empty"
    # The list is still the one shown; the read is in the access log under its own access type.
    expect_patient("Karin Andersson")
    s.click(s.find("#open-log"))
    s.wait("#log-table", text="TILLFALLIGT_SAMTYCKE_BEHANDLINGSORSAK")
    check_axe("Logg")


@test
def lakemedelsstod_needs_consent():
    lookup(VUXEN, "f2")
    assert "samtycke" in s.text(s.find("#error")).lower()
    check_axe("refused by the access policy")
    lookup(VUXEN, "f2", consent=True)
    expect_patient("Karin Andersson")


@test
def ombud_with_an_active_power_of_attorney():
    lookup(FULLMAKT, "f3", agent=OMBUD)
    expect_patient("Birgitta Sjögren")


@test
def egna_uppgifter_after_an_id_check():
    lookup(VUXEN, "f4", identity=True)
    expect_patient("Karin Andersson")


@test
def vardnadshavare_of_a_child_under_13():
    lookup(BARN, "f5", guardian=VARDNADSHAVARE)
    expect_patient("Elsa Berg")


@test
def protected_patient_is_masked_and_a_reveal_is_logged():
    lookup(SKYDDAD, "f1")
    s.wait("#protected-band", text="SKYDDADE PERSONUPPGIFTER")
    text = s.page_text()
    assert "Personuppgift skyddad" in s.text(s.find("#patient-name"))
    values = location_values("skyddad-folkbokforing")
    leaked = [v for v in values if v in text]
    assert not leaked, f"location-revealing values on screen: {leaked}"
    masked = s.find_all("[data-reveal]")
    assert masked, "no masked field offered for reveal"
    s.screenshot(os.path.join(OUT, "counter-protected.png"))
    check_axe("protected patient")
    key = s.attr(masked[0], "data-reveal")
    s.click(masked[0])
    s.wait(".confirm", text="Åtkomsten loggas")
    check_axe("reveal dialog")
    s.click(s.find("[data-reveal-ok]"))
    s.wait(f'[data-revealed="{key}"]')
    s.click(s.find("#open-log"))
    s.wait("#log-table")
    s.click(s.find("#log-reveals"))
    s.wait("#log-table", text=key)


@test
def protected_patients_printout_is_masked():
    lookup(SKYDDAD, "f1")
    s.wait("#protected-band")
    # The panel says that the printout leaves out what could reveal where the patient lives.
    s.keys("control", "p")
    s.wait(".masked-note:not([hidden])", timeout=30)
    # Spara som PDF writes the very PDF the app prints: its text holds none of her location values.
    saved = os.path.join(OUT, "skyddad-forskrivningshistorik.pdf")
    if os.path.exists(saved):
        os.remove(saved)
    s.click(s.find("#print-save"))
    answer_save_dialog(saved)
    s.wait("#print-msg.ok", text="Sparad", timeout=30)
    text = subprocess.run(["pdftotext", "-layout", saved, "-"], capture_output=True, text=True, check=True).stdout
    assert "Personuppgift skyddad" in text and "850923-4822" in text, text[:400]
    leaked = [v for v in location_values("skyddad-folkbokforing") if v in text]
    assert not leaked, f"location-revealing values in the saved PDF: {leaked}"
    s.keys("escape")
    s.wait_gone("#print-panel")
    printed, previewed = print_to_pdf_queue()
    assert printed == previewed, (printed, previewed)


@test
def enter_outside_the_question_sends_nothing_to_nll():
    mark = log_mark()
    lookup(VUXEN, "f1")
    expect_patient("Karin Andersson")
    assert patient_lookups(mark) == 1, patient_lookups(mark)
    # Enter on a row of the list, on a tab and with nothing focused: no second access to NLL.
    s.js("document.querySelector('#table [role=row][aria-rowindex=\"2\"]').focus()")
    s.keys("enter")
    s.click(s.find("#tab-current"))
    s.keys("enter")
    s.js("document.activeElement.blur()")
    s.keys("enter")
    time.sleep(1.0)  # a lookup would have been sent at once; give its log row time to land
    expect_patient("Karin Andersson")
    assert patient_lookups(mark) == 1, patient_lookups(mark)


@test
def escape_clears_the_customer():
    lookup(VUXEN, "f1")
    expect_patient("Karin Andersson")
    s.keys("escape")
    s.wait("#status")
    assert "Karin Andersson" not in s.page_text()
    assert s.attr(s.find("#pnr"), "value") in ("", None)


def tab_until(pred, limit=60):
    """Presses Tab until the focused element `a` satisfies a JS expression; returns the presses."""
    for n in range(limit):
        if s.js(f"const a = document.activeElement; return !!(a && ({pred}))"):
            return n
        s.keys("tab")
    raise AssertionError(f"Tab never reached {pred!r}; focus is on {s.focused()!r:.200}")


def focused_row():
    return s.js("const r = document.activeElement && document.activeElement.closest('#table [data-row]');"
                "return r ? Number(r.dataset.row) : null")


@test
def keyboard_only_errand_on_storkund_sends_one_lookup():
    end_customer()
    mark = log_mark()
    # A barcode scanner is a keyboard: the digits go to the personnummer field from wherever focus is.
    s.keys("tab")
    s.type_keys(STORKUND.replace("-", ""))
    s.keys("f1")
    s.keys("enter")
    s.wait("#patient-banner, #error", timeout=60)
    expect_patient("Ingrid Lundberg")
    current = int(s.text(s.find("#tab-current .count")))
    assert current > 100, current
    # Tab enters the list once; End goes to the last current prescription.
    tab_until("a.closest('#table [data-row]')")
    s.keys("end")
    assert focused_row() == current - 1, (focused_row(), current)
    assert s.focused("getAttribute('aria-rowindex')") == str(current + 1)
    # From there Tab leaves the list (through that row's buttons only) and reaches Skriv ut.
    presses = tab_until("a.matches('.print-btn')", limit=8)
    assert presses <= 4, presses
    s.keys("enter")
    s.wait("#print-preview-img:not([hidden])", timeout=60)
    assert s.focused("id") == "print-go", s.focused()
    s.keys("enter")
    s.wait("#print-msg.ok", text="PDF", timeout=120)
    s.keys("escape")
    s.wait_gone("#print-panel")
    assert s.js("return document.activeElement.matches('.print-btn')"), s.focused()
    s.keys("escape")
    s.wait("#status")
    assert "Ingrid" not in s.page_text()
    assert patient_lookups(mark) == 1, patient_lookups(mark)


@test
def keyboard_only_reveal_on_a_protected_patient_sends_one_lookup():
    end_customer()
    mark = log_mark()
    s.type_keys(SKYDDAD.replace("-", ""))
    s.keys("f1")
    s.keys("enter")
    s.wait("#protected-band", timeout=30)
    tab_until("a.closest('#table [data-row]')")
    for _ in range(40):  # down the list to the first row with something masked
        if s.js("return !!document.activeElement.querySelector('[data-reveal]')"):
            break
        s.keys("down")
    row = focused_row()
    tab_until("a.matches('#table [data-reveal]')", limit=5)
    key = s.focused("dataset.reveal")
    s.keys("enter")
    s.wait(".confirm", text="Åtkomsten loggas")
    assert s.js("return !!document.activeElement.closest('.modal')")
    s.keys("enter")
    s.wait(f'[data-revealed="{key}"]', timeout=30)
    # The visa button is gone; focus is back on its row, not on <body>.
    assert focused_row() == row, (focused_row(), row, s.focused())
    s.keys("escape")
    s.wait("#status")
    assert patient_lookups(mark) == 1, patient_lookups(mark)


def window_size(width, height):
    s.s("POST", "/window/rect", {"width": width, "height": height})
    end = time.time() + 10
    while time.time() < end and s.js("return [window.outerWidth, window.outerHeight]") != [width, height]:
        time.sleep(0.1)


def zoom(factor):
    """The window's page zoom (WebKitGTK's zoom level, what a magnifier user sets)."""
    s.s("POST", "/execute/async", {"args": [factor], "script":
        "const done = arguments[arguments.length - 1];"
        "window.__TAURI_INTERNALS__.invoke('plugin:webview|set_webview_zoom', {value: arguments[0]})"
        ".then(() => done('ok'), e => done('ERR ' + e));"})
    end = time.time() + 10
    while time.time() < end and abs(s.js("return window.innerWidth") * factor - s.js("return window.outerWidth")) > 24:
        time.sleep(0.1)


LAYOUT = """
const vw = document.documentElement.clientWidth, vh = window.innerHeight;
const inside = (el, box) => { const a = el.getBoundingClientRect(), b = box.getBoundingClientRect();
  return a.width > 0 && a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 1 && a.bottom <= b.bottom + 1; };
const reveals = [...document.querySelectorAll('#table [data-reveal]')];
const band = document.querySelector('#protected-band');
const table = document.querySelector('#table .vt-viewport');
return {
  sideways: document.documentElement.scrollWidth - vw,
  tableHeight: table ? table.getBoundingClientRect().height : 0,
  reveals: reveals.length,
  cutReveals: reveals.filter(b => !inside(b, b.closest('.vt-cell')) || b.getBoundingClientRect().right > vw).map(b => b.dataset.reveal),
  headerHeight: document.querySelector('.app-header').getBoundingClientRect().height,
  cards: !!document.querySelector('#table.vt-cards'),
  band: band ? [band.getBoundingClientRect().top, band.getBoundingClientRect().bottom, vh] : null,
};
"""


@test
def layout_holds_at_1024x768():
    window_size(1024, 768)
    try:
        # Enter in the number field, as at the counter (a pointer click is what zoom scales).
        lookup(SKYDDAD, "f1", by_enter=True)
        s.wait("#protected-band")
        got = s.js(LAYOUT)
        assert got["sideways"] <= 0, got
        assert got["tableHeight"] > 150, got
        assert got["reveals"] > 0 and not got["cutReveals"], got
        assert got["headerHeight"] <= 48, got
        assert not got["cards"], got
        s.screenshot(os.path.join(OUT, "counter-1024x768.png"))
        check_axe("1024×768, protected patient")
        s.keys("control", "4")
        check_axe("1024×768, dispensed")
    finally:
        window_size(1280, 800)


@test
def reflows_at_200_percent_zoom():
    zoom(2)
    try:
        assert s.js("return window.innerWidth") <= 640, s.js("return window.innerWidth")
        # Enter in the number field, as at the counter (a pointer click is what zoom scales).
        lookup(SKYDDAD, "f1", by_enter=True)
        s.wait("#protected-band")
        got = s.js(LAYOUT)
        assert got["cards"], got
        assert got["sideways"] <= 0, got
        assert got["tableHeight"] > 150, got
        assert got["reveals"] > 0 and not got["cutReveals"], got
        s.screenshot(os.path.join(OUT, "counter-200.png"))
        check_axe("200 % zoom, protected patient")
        # Scrolled to the end of the page the red band is still in sight.
        s.js("window.scrollTo(0, document.documentElement.scrollHeight)")
        time.sleep(0.3)
        top, bottom, vh = s.js(LAYOUT)["band"]
        assert top >= 0 and bottom <= vh, (top, bottom, vh)
        assert s.js("return window.scrollY") > 0, "the page did not scroll: nothing was below the fold?"
        s.screenshot(os.path.join(OUT, "counter-200-scrolled.png"))
        # Every card's fields and its visa are reachable by keyboard too.
        tab_until("a.closest('#table [data-row]')")
        s.keys("end")
        check_axe("200 % zoom, last card focused")
    finally:
        s.js("window.scrollTo(0, 0)")
        zoom(1)


s.close()
failed = [n for n, e in results if e]
print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)

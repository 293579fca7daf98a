"""End to end, live mode as the pilot guide sets it up: `nllc sim --tls` in its own process plays
NLL; live mode is configured through the Inställningar screen (base URL, token exchange with a
fixed test user, client certificate and its PEM key, extra CA, the pharmacy's GLN, the client
secret to the keyring); Testa anslutningen shows every step ✓; saving the new NLL address asks
in the shell's native dialog (Avbryt saves nothing, Ja, ändra saves); after the restart the app logs in
through the token exchange, looks up an ordinary and a protected patient and prints, and its
access log reaches the chain's central log (the throwaway PostgreSQL of make test, set up as
the README's Kedjan section says) in the background, as Logg says. Then the
faults: the server stopped (Testa anslutningen names it, the login error offers Inställningar)
and a broken configuration file (the app opens on the screen naming file and line, with
Använd övningsläge). Screenshots of Inställningar and Testa anslutningen go to
$RECEPTDISK_E2E_OUT (docs/screenshots/ comes from a run of this test).

Usage: test_live.py APP NLLC (RECEPTDISK_HOME and the WebDriver as run.sh sets them up; run.sh
runs it after test_counter.py)."""
import os
import subprocess
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(__file__))
from wd import Session, assert_no_axe_violations, in_native_window, test_runner  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
import test_server  # noqa: E402  (the test server in its own process, shared with the benchmarks)

APP, NLLC = sys.argv[1], sys.argv[2]
OUT = os.environ.get("RECEPTDISK_E2E_OUT", tempfile.mkdtemp())
HOME = os.environ["RECEPTDISK_HOME"]
VUXEN, SKYDDAD = "19680415-2384", "19850923-4822"
# The throwaway PostgreSQL make test starts (scripts/pg-test-cluster.sh): the chain's central log.
PG = dict(kv.split("=", 1) for kv in os.environ["RECEPTDISK_TEST_PG"].split())
GLN = "7350012345013"  # the test pharmacist's pharmacy, as the token says
work = tempfile.mkdtemp(prefix="receptdisk-live-")
pki = os.path.join(work, "sim-pki")
results = []


test = test_runner(results, OUT, "fail-live-", lambda: s)


def answer_native_dialog(keys):
    """The shell's own confirmation dialog, answered with keys (Escape: Avbryt; alt+j: Ja, ändra)."""
    in_native_window("^Bekräfta ändring", ["key", keys])


def fill(css, value):
    el = s.find(css)
    s.clear(el)
    s.type(el, value)


sim, base = test_server.start(NLLC, pki)
host = base.rstrip("/")
# A fresh user file: the training test before this one wrote none.
user_file = os.path.join(HOME, "receptdisk.toml")
if os.path.exists(user_file):
    os.remove(user_file)
s = Session(APP)


@test
def configures_live_mode_in_the_settings_screen_and_tests_the_connection():
    s.wait("#login-view", timeout=30)
    assert_no_axe_violations(s, "login with the way to the settings")
    s.click(s.find("#login-open-settings"))
    s.wait("#settings-view")
    s.click(s.find("#set-live"))
    fill("#set-base-url", f"{host}/fhir")
    fill("#set-fullmakt-url", f"{host}/fullmakt")
    fill("#set-token-url", f"{host}/oauth/token")
    fill("#set-client-id", "receptdisk")
    s.type(s.find("#set-client-secret"), "test")
    fill("#set-subject-token", "farmaceut")
    fill("#set-client-cert", os.path.join(pki, "client-1.pem"))
    fill("#set-client-key", os.path.join(pki, "client-1-key.pem"))
    fill("#set-extra-ca", os.path.join(pki, "ca.pem"))
    fill("#set-org-name", "Apotek Kronan AB")
    fill("#set-gln", GLN)
    fill("#set-unit-name", "Apotek Kronan Centrum")
    fill("#set-town", "Stockholm")
    fill("#set-test-pnr", VUXEN)
    # The top of the form (mode, NLL address, login) for the README's screenshot.
    s.js("document.querySelectorAll('*').forEach(e => { e.scrollTop = 0; })")
    s.screenshot(os.path.join(OUT, "settings-live.png"))
    s.click(s.find("#test-connection"))
    s.wait("#doctor-steps", timeout=60)
    s.wait("#doctor-steps li:last-child", text="Patientsökning", timeout=60)
    steps = [s.text(li) for li in s.find_all("#doctor-steps li")]
    assert all(t.startswith("✓") for t in steps), steps
    s.screenshot(os.path.join(OUT, "test-connection.png"))
    # A new NLL address is confirmed in the shell's native dialog: Avbryt saves nothing …
    s.click(s.find("#save-settings"))
    answer_native_dialog("Escape")
    s.wait("#settings-msg.error", text="bekräftades inte", timeout=30)
    assert not os.path.exists(user_file)
    # … and the typed secret is gone from the window: type it again. "Ja, ändra" saves.
    assert "igen" in s.text(s.find("#settings-msg"))
    s.type(s.find("#set-client-secret"), "test")
    s.click(s.find("#save-settings"))
    answer_native_dialog("alt+j")
    s.wait("#settings-msg.ok", timeout=30)
    s.wait("#restart")
    text = open(user_file, encoding="utf-8").read()
    assert 'subject_token = "farmaceut"' in text, text
    assert '"test"' not in text, text  # the client secret went to the keyring only


def psql(db, sql):
    """SQL as the throwaway cluster's owner (RECEPTDISK_TEST_PG, from make test)."""
    env = dict(os.environ, PGPASSWORD=PG["password"])
    return subprocess.run(["psql", "-h", PG["host"], "-p", PG["port"], "-U", PG["user"], "-d", db,
                           "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
                          env=env, check=True, capture_output=True, text=True).stdout.strip()


def keyring(account, value):
    subprocess.run([NLLC, "secret", "set", account], input=value + "\n", text=True,
                   check=True, capture_output=True)


def point_the_counter_at_a_central_log():
    """The chain's side (README, Kedjan): a database set up by nllc review init-db, a login in
    receptdisk_counter, its password in the keyring; then [access_log.central] in the counter's
    file, as a chain's IT adds it. Returns the database's name."""
    tag = uuid.uuid4().hex[:10]
    db = f"e2e_live_{tag}"
    psql("postgres", f"CREATE DATABASE {db}")
    keyring(f"e2e-owner-{tag}", PG["password"])
    owner = os.path.join(work, "owner.toml")
    with open(owner, "w", encoding="utf-8") as f:
        f.write(f'[database]\nhost = "{PG["host"]}"\nport = {PG["port"]}\ndbname = "{db}"\n'
                f'user = "{PG["user"]}"\npassword_keyring = "e2e-owner-{tag}"\n')
    subprocess.run([NLLC, "review", "init-db", "--config", owner], check=True, capture_output=True)
    login, password = f"kassa_e2e_{tag}", uuid.uuid4().hex
    psql(db, f"CREATE ROLE {login} LOGIN PASSWORD '{password}' IN ROLE receptdisk_counter")
    keyring("central-log-password", password)
    with open(user_file, "a", encoding="utf-8") as f:
        f.write(f'\n[access_log.central]\nhost = "{PG["host"]}"\nport = {PG["port"]}\n'
                f'dbname = "{db}"\nuser = "{login}"\ninterval_s = 5\n')
    return db


central_db = point_the_counter_at_a_central_log()

# Starting again (what *Starta om nu* does) opens live mode.
s.close()
s = Session(APP)


@test
def logs_in_through_the_token_exchange_and_looks_up_patients():
    s.wait("#login-view", timeout=30)
    assert not s.find_all("#training-band")
    s.click(s.find("[data-login]"))
    s.wait("#user", timeout=30)
    for pnr, name in ((VUXEN, "Karin Andersson"), (SKYDDAD, "Personuppgift skyddad")):
        s.keys("escape")
        s.wait("#status")
        s.keys("f1")
        s.type(s.find("#pnr"), pnr)
        s.click(s.find("#fetch"))
        s.wait("#patient-banner, #error", timeout=30)
        assert not s.find_all("#error"), s.text(s.find("#error"))
        assert name in s.text(s.find("#patient-name"))
    s.wait("#protected-band")
    s.keys("control", "p")
    s.wait("#print-preview-img:not([hidden])", timeout=30)
    s.keys("escape")


@test
def the_access_log_reaches_the_chains_central_log_in_the_background():
    # The app pushes at start and every 5 s; Logg says how far the chain's log has got.
    end = time.time() + 60
    while True:
        s.click(s.find("#open-log"))
        s.wait("#log-central:not([hidden])", timeout=30)
        said = s.text(s.find("#log-central"))
        if "alla rader" in said or time.time() > end:
            break
        s.click(s.find("#back"))
        time.sleep(2)
    assert "har tagit emot alla rader" in said, said
    s.screenshot(os.path.join(OUT, "log-central.png"))
    s.click(s.find("#back"))
    # Every row of the two lookups is there, once.
    rows = int(psql(central_db, "SELECT count(*) FROM access_log WHERE kind = 'request'"))
    distinct = int(psql(central_db, "SELECT count(DISTINCT id) FROM access_log"))
    total = int(psql(central_db, "SELECT count(*) FROM access_log"))
    assert rows >= 10 and distinct == total, (rows, distinct, total)


@test
def a_stopped_server_is_named_and_the_settings_are_one_click_away():
    test_server.stop(sim)
    s.click(s.find("#logout"))
    s.wait("#login-view", timeout=30)
    s.click(s.find("[data-login]"))
    s.wait("#error", timeout=60)
    s.click(s.find("#error-open-settings"))
    s.wait("#settings-view")
    s.click(s.find("#test-connection"))
    s.wait("#doctor-steps li.failed", timeout=60)
    failed = s.text(s.find("#doctor-steps li.failed"))
    assert "✗ Nätverk" in failed and "att servern är igång" in failed, failed


s.close()
with open(user_file, "a", encoding="utf-8") as f:
    f.write("\nthis is = not [valid\n")
s = Session(APP)


@test
def a_broken_configuration_file_names_file_and_line_with_the_ways_out():
    s.wait("#config-problem", timeout=30)
    where = s.text(s.find("#config-problem-where"))
    assert "receptdisk.toml, rad" in where, where
    s.click(s.find("#use-training"))
    s.wait("#training-band", text="ÖVNINGSLÄGE")
    assert s.find_all("[data-login]")


s.close()
failed = [n for n, e in results if e]
print(f"live: {len(results) - len(failed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)

#!/usr/bin/env python3
"""Start-up time and idle memory of the Receptdisk window, as the README reports them.

Usage: scripts/measure.py [BINARY|blank] [RUNS]   (default: the release build if present, else
debug; 5 runs). `blank` measures scripts/blank-webview.py instead: an empty WebKitGTK window, the
floor under the app's memory.
       scripts/measure.py storkund [BINARY]   the app's memory idle after login, then with the
heaviest test patient (600 prescriptions, 4,000 dispenses) on screen: the window driven through
tauri-driver (WebDriver), as the end-to-end tests do; once in training mode (the test server
inside the app, its memory counted) and once live against the test server in its own process
(`nllc sim --tls` beside BINARY, a fixed token), as a counter meets NLL.

Each run starts the app in training mode with an empty RECEPTDISK_HOME (as on a fresh machine,
including the in-process NLL test server) and waits for the line the shell prints when the UI's
first screen is usable ("receptdisk: interactive after N ms"). Start-up time is measured from
spawning the process to that line. After 10 s of idling on the login screen the memory of the app
and its WebKit helper processes is summed (PSS, from /proc/<pid>/smaps_rollup: shared pages
counted once). Needs DISPLAY (e.g. Xvfb at 1280x800). Reports, never asserts: timing depends on
the machine.
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

import test_server

BLANK = os.path.join(os.path.dirname(os.path.abspath(__file__)), "blank-webview.py")
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.expanduser("~/.cache/receptdisk/target"))


def default_binary():
    for profile in ("release", "debug"):
        path = os.path.join(TARGET, profile, "receptdisk")
        if os.path.exists(path):
            return path
    sys.exit("no receptdisk binary: build it first (cargo build -p receptdisk --release)")


def descendants(pid):
    """pid and every process below it (WebKitWebProcess, WebKitNetworkProcess …)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def memory_kib(pids):
    """(PSS, RSS) in KiB summed over the processes."""
    pss = rss = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1])
                    elif line.startswith("Rss:"):
                        rss += int(line.split()[1])
        except OSError:
            pass
    return pss, rss


def one_run(binary, idle_s):
    home = tempfile.mkdtemp(prefix="receptdisk-measure-")
    env = dict(os.environ, RECEPTDISK_HOME=home)
    start = time.monotonic()
    command = ["/usr/bin/python3", BLANK] if binary == "blank" else [binary]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for line in proc.stderr:
            if "interactive after" in line:
                spawn_to_ready = (time.monotonic() - start) * 1000
                break
        else:
            sys.exit(f"{binary} exited before its first screen (exit {proc.wait()})")
        time.sleep(idle_s)
        pids = descendants(proc.pid)
        pss, rss = memory_kib(pids)
        names = []
        for p in pids:
            try:
                with open(f"/proc/{p}/comm") as f:
                    names.append(f.read().strip())
            except OSError:
                pass
        return spawn_to_ready, pss, rss, names
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def live_home(nllc):
    """A data folder whose configuration points the app at a test server in its own process
    (mutual TLS, a fixed token), as a counter in live mode points at NLL. Returns (home, sim)."""
    home = tempfile.mkdtemp(prefix="receptdisk-measure-live-")
    pki = os.path.join(home, "sim-pki")
    sim, base = test_server.start(nllc, pki)
    test_server.write_config(os.path.join(home, "receptdisk.toml"), base, pki)
    return home, sim


def heavy_patient(binary, live):
    """PSS of the app (and its WebKit processes) idle after login, and with storkund shown: in
    training mode (the test server inside the app) or live (the test server in its own process)."""
    import socket
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "e2e"))
    from wd import Session

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sim = None
    if live:
        home, sim = live_home(os.path.join(os.path.dirname(binary), "nllc"))
    else:
        home = tempfile.mkdtemp(prefix="receptdisk-measure-")
    env = dict(os.environ, RECEPTDISK_HOME=home)
    driver = subprocess.Popen(["tauri-driver", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1.5)
        s = Session(binary, base=f"http://127.0.0.1:{port}")
        s.wait('[data-login]', timeout=60)
        s.click(s.find('[data-login]'))
        s.wait("#user", timeout=30)
        app = [p for p in descendants(driver.pid) if p != driver.pid]

        def pss():
            """PSS in MiB of each process under tauri-driver, by its name."""
            time.sleep(5)
            out = {}
            for p in descendants(driver.pid):
                if p == driver.pid:
                    continue
                try:
                    with open(f"/proc/{p}/comm") as f:
                        name = f.read().strip()
                except OSError:
                    continue
                out[name] = out.get(name, 0) + memory_kib([p])[0] / 1024
            return out

        idle_by = pss()
        s.keys("f1")
        s.type(s.find("#pnr"), "19500125-3060")
        s.click(s.find("#fetch"))
        s.wait("#patient-banner", timeout=120)
        shown_by = pss()
        s.close()
        idle, shown = sum(idle_by.values()), sum(shown_by.values())
        mode = "live, the test server in its own process" if live else "training, the test server inside the app"
        print(f"{mode}: {binary} ({len(app)} processes under tauri-driver)")
        for name in sorted(shown_by, key=lambda n: -(shown_by[n] - idle_by.get(n, 0))):
            print(f"  {name:24} {idle_by.get(name, 0):6.0f} → {shown_by[name]:6.0f} MiB")
        print(f"  idle after login: PSS {idle:.0f} MiB; with storkund on screen: {shown:.0f} MiB "
              f"(+{shown - idle:.0f} MiB; target: at most +40 MiB)")
    finally:
        driver.terminate()
        driver.wait(timeout=10)
        if sim:
            test_server.stop(sim)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "storkund":
        binary = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else default_binary())
        heavy_patient(binary, live=False)
        return heavy_patient(binary, live=True)
    binary = sys.argv[1] if len(sys.argv) > 1 else default_binary()
    if binary != "blank":
        binary = os.path.abspath(binary)
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    if not os.environ.get("DISPLAY"):
        sys.exit("DISPLAY is not set (start Xvfb: Xvfb :99 -screen 0 1280x800x24 & export DISPLAY=:99)")
    print(f"binary: {binary}")
    times, psss, rsss = [], [], []
    for i in range(runs):
        t, pss, rss, names = one_run(binary, idle_s=10)
        times.append(t)
        psss.append(pss)
        rsss.append(rss)
        print(f"run {i + 1}: interactive after {t:.0f} ms; idle memory PSS {pss / 1024:.0f} MiB, "
              f"RSS {rss / 1024:.0f} MiB ({', '.join(names)})")
    print(f"median of {runs}: start-up to interactive {statistics.median(times):.0f} ms "
          f"(target < 1500 ms); idle memory PSS {statistics.median(psss) / 1024:.0f} MiB "
          f"(target < 150 MB), RSS {statistics.median(rsss) / 1024:.0f} MiB")


if __name__ == "__main__":
    main()

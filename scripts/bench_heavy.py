#!/usr/bin/env python3
"""`make bench`: the heaviest test patient as a pharmacy meets it. The NLL test server runs in its
own process (`nllc sim --tls` on loopback, no added latency); then whole `nllc` processes —
`fetch` and the *Uthämtade läkemedel* printout of `storkund` — are timed with their peak memory;
and the same dispenses are printed the usual other way, as an HTML page that headless Chromium
prints to PDF. Prints a table. A benchmark reports; it asserts nothing.

Usage: scripts/bench_heavy.py NLLC   (a release build: target/release/nllc)"""
import html
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

import test_server

NLLC = os.path.abspath(sys.argv[1])
STORKUND = "19500125-3060"
RUNS = 5
work = tempfile.mkdtemp(prefix="receptdisk-bench-")
pki = os.path.join(work, "sim-pki")


def config(base):
    """A client configuration with a fixed token: no keyring needed for a benchmark."""
    return test_server.write_config(os.path.join(work, "receptdisk.toml"), base, pki,
                                    access_log=os.path.join(work, "access-log.sqlite3"))


def measure(cmd):
    """(fastest wall time in s, median wall time in s, largest peak RSS in MiB) over RUNS runs of
    cmd. The fastest run is the one least disturbed by the rest of a shared machine."""
    times, peaks = [], []
    for _ in range(RUNS):
        r = subprocess.run(["/usr/bin/time", "-f", "%e %M", *cmd], capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"{' '.join(cmd[:3])} …: {r.stderr.strip()[-500:]}")
        seconds, kib = r.stderr.strip().splitlines()[-1].split()
        times.append(float(seconds))
        peaks.append(int(kib) / 1024)
    return min(times), statistics.median(times), max(peaks)


def pages(pdf):
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    return next((int(line.split()[-1]) for line in info.splitlines() if line.startswith("Pages:")), 0)


def html_page(cfg):
    """The lookup's dispenses (all of them: the printout itself leaves some out), as one HTML
    table — what a web-based tool would print."""
    r = subprocess.run([NLLC, "fetch", "--config", cfg, "--personnummer", STORKUND,
                        "--flow", "egna-uppgifter", "--identity-checked", "--json"],
                       capture_output=True, text=True, check=True)
    dispenses = json.loads(r.stdout)["list"]["list"]["dispenses"]
    rows = []
    for d in dispenses:
        p = d["product"]
        cells = [d.get("handedOver") or "", p["name"], p.get("strength") or "", p.get("form") or "",
                 str(d.get("packages") or ""), d.get("quantity") or "", d.get("dosage") or ""]
        rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    page = os.path.join(work, "uthamtade.html")
    with open(page, "w", encoding="utf-8") as f:
        f.write("<!doctype html><meta charset=utf-8><title>Uthämtade läkemedel</title>"
                "<style>body{font:10pt sans-serif}table{border-collapse:collapse;width:100%}"
                "td{border-bottom:1px solid #ccc;padding:2px 4px}</style>"
                "<h1>Uthämtade läkemedel</h1><table>" + "".join(rows) + "</table>")
    return page, len(rows)


def main():
    chromium = next((c for c in ("chromium", "chromium-browser", "google-chrome") if shutil.which(c)), None)
    sim, base = test_server.start(NLLC, pki)
    try:
        cfg = config(base)
        pdf = os.path.join(work, "storkund.pdf")
        fetch = measure([NLLC, "fetch", "--config", cfg, "--personnummer", STORKUND,
                         "--flow", "expediering", "--all"])
        printed = measure([NLLC, "print", "--config", cfg, "--personnummer", STORKUND,
                           "--flow", "egna-uppgifter", "--identity-checked", "--kind", "uthamtade",
                           "--out", pdf])
        page, rows = html_page(cfg)
        print(f"storkund, test server in its own process, {RUNS} runs each "
              "(fastest and median time, largest peak RSS):")
        print(f"  {'what':58} {'fastest':>8} {'median':>8} {'peak RSS':>10}")

        def row(label, m):
            print(f"  {label:58} {m[0] * 1000:5.0f} ms {m[1] * 1000:5.0f} ms {m[2]:6.1f} MiB")

        row("nllc fetch (Expediering, every row)", fetch)
        row(f"nllc print --kind uthamtade ({pages(pdf)} pages)", printed)
        if chromium:
            out = os.path.join(work, "chromium.pdf")
            browser = measure([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                               "--no-pdf-header-footer", f"--print-to-pdf={out}", f"file://{page}"])
            row(f"headless Chromium, all {rows} dispenses as HTML ({pages(out)} pages)", browser)
            print(f"  Chromium / nllc print: {browser[0] / printed[0]:.1f}× the time (fastest runs), "
                  f"{browser[2] / printed[2]:.1f}× the memory (its largest process; it runs several)")
        else:
            print("  headless Chromium: not installed (scripts/setup.sh installs it)")
        print("  targets (issue #16): the printout under 250 ms and 64 MiB")
    finally:
        test_server.stop(sim)
        shutil.rmtree(work, ignore_errors=True)


main()

#!/usr/bin/python3
"""A blank WebKitGTK window (GTK 3, WebKit2 4.1, compositing and DMA-BUF renderer off, as
Receptdisk runs it): the floor under the app's idle memory on this machine. `scripts/measure.py blank` measures it like the app.
Needs python3-gi and gir1.2-webkit2-4.1 (not needed by the app or its tests)."""
import os
import sys
import time

os.environ.setdefault("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
os.environ.setdefault("WEBKIT_DISABLE_DMABUF_RENDERER", "1")
started = time.monotonic()
import gi  # noqa: E402

gi.require_version("Gtk", "3.0")
gi.require_version("WebKit2", "4.1")
from gi.repository import Gtk, WebKit2  # noqa: E402


def loaded(view, event):
    if event == WebKit2.LoadEvent.FINISHED:
        ms = (time.monotonic() - started) * 1000
        print(f"blank webview: interactive after {ms:.0f} ms", file=sys.stderr, flush=True)


window = Gtk.Window(title="blank")
window.set_default_size(1280, 800)
view = WebKit2.WebView()
view.connect("load-changed", loaded)
window.add(view)
view.load_html("<!doctype html><title>blank</title><p>blank</p>", None)
window.connect("destroy", Gtk.main_quit)
window.show_all()
Gtk.main()

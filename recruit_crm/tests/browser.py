"""Shared plumbing for browser tests: a served site and headless Debian Chromium via Playwright."""

import os
import shutil
import socket
import subprocess
import time
import unittest

CHROMIUM = os.environ.get("RC_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
	"--no-sandbox",
	"--disable-gpu",
	"--disable-quic",
	"--no-first-run",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
]


def require_playwright():
	"""`sync_playwright`, or skip the test class with a message saying what is missing."""
	try:
		from playwright.sync_api import sync_playwright
	except ImportError:
		raise unittest.SkipTest("browser tests skipped: the playwright package is not installed") from None
	if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
		raise unittest.SkipTest(
			f"browser tests skipped: no chromium at {CHROMIUM} (apt-get install chromium)"
		)
	return sync_playwright


def free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


def serve(argv: list[str], cwd: str, site: str, port: int, timeout: float = 90) -> subprocess.Popen:
	"""Start a server process and return once it answers /api/method/ping for `site`."""
	server = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
	deadline = time.time() + timeout
	while time.time() < deadline:
		try:
			with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
				s.sendall(f"GET /api/method/ping HTTP/1.0\r\nHost: {site}\r\n\r\n".encode())
				if b"pong" in s.recv(4096):
					return server
		except OSError:
			pass
		time.sleep(0.5)
	server.kill()
	raise RuntimeError(f"the server for {site} did not start on port {port}")


def launch_chromium(playwright, site: str):
	"""Headless Debian Chromium that resolves `site` to loopback."""
	return playwright.chromium.launch(
		executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, f"--host-resolver-rules=MAP {site} 127.0.0.1"]
	)


def shut_down(test_class, timeout: float = 20) -> None:
	"""Close what a browser test class started (its `browser`, `playwright` and `server`), skipping
	whatever setUpClass did not get to start."""
	browser = getattr(test_class, "browser", None)
	if browser:
		browser.close()
	playwright = getattr(test_class, "playwright", None)
	if playwright:
		playwright.stop()
	server = getattr(test_class, "server", None)
	if server:
		server.terminate()
		server.wait(timeout=timeout)


def wait_for(read, timeout: float = 20, interval: float = 0.2):
	"""Poll `read()` (in a fresh database snapshot each time) until it returns something truthy.

	The server finishes some work after it has answered (guest endpoints defer whatever depends
	on who the visitor is), so a test waits for that work instead of racing it.
	"""
	import frappe

	deadline = time.time() + timeout
	while True:
		frappe.db.rollback()
		value = read()
		if value or time.time() > deadline:
			return value
		time.sleep(interval)

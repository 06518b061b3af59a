"""Values from a web request keep only their proper shape before they are stored (no frappe)."""

import unittest

from hypothesis import given
from hypothesis import strategies as st

from recruit_crm.domain.web_input import (
	USER_AGENT_MAX,
	client_ip,
	http_url,
	ip_address,
	parse_networks,
	plain_text,
	site_path,
	text_without_markup,
	user_agent,
)

SCRIPT = '<img src=x onerror="alert(document.cookie)"><script>alert(1)</script>'


class TestStoredShapes(unittest.TestCase):
	def test_a_user_agent_loses_markup_and_control_characters(self):
		ua = user_agent(f"Mozilla/5.0 {SCRIPT}\x00\x1b[31m\u202e")
		self.assertTrue(ua.startswith("Mozilla/5.0 img src=x onerror="))
		for ch in '<>"\x00\x1b\u202e':
			self.assertNotIn(ch, ua)

	def test_a_user_agent_is_capped_and_blank_is_none(self):
		self.assertEqual(len(user_agent("A" * 100_000)), USER_AGENT_MAX)
		self.assertIsNone(user_agent("   \t\n"))
		self.assertIsNone(user_agent(None))
		self.assertIsNone(user_agent(["Mozilla"]))

	def test_only_real_addresses_are_kept(self):
		self.assertEqual(ip_address("203.0.113.9"), "203.0.113.9")
		self.assertEqual(ip_address(" 2001:DB8::1 "), "2001:db8::1")
		for junk in ("", "1.2.3", "1.2.3.4<script>", SCRIPT, "::g", None, 7, "1.2.3.4, 5.6.7.8"):
			with self.subTest(junk=junk):
				self.assertIsNone(ip_address(junk))

	def test_a_path_is_a_path(self):
		self.assertEqual(site_path("/careers/acme/engineer-1"), "/careers/acme/engineer-1")
		self.assertEqual(site_path("/careers?utm_source=x#top"), "/careers")
		for junk in (
			"//evil.example/x",
			"https://evil.example/",
			"javascript:alert(1)",
			"careers",
			'/careers"><script>alert(1)</script>',
			"/careers/<img src=x>",
			"/x" + "a" * 600,
			None,
		):
			with self.subTest(junk=junk):
				self.assertIsNone(site_path(junk))

	def test_a_url_is_an_http_url_without_quotes_or_markup(self):
		self.assertEqual(http_url("https://example.com/a?b=c#d"), "https://example.com/a?b=c#d")
		for junk in ('https://x.org/"><script>', "javascript:alert(1)", "https://x.org/a b", "ftp://x"):
			with self.subTest(junk=junk):
				self.assertIsNone(http_url(junk))

	def test_free_text_keeps_quotes_and_lines_but_no_tags(self):
		note = text_without_markup('{"ua": "<script>x</script>"}\nline two\x07', 500)
		self.assertEqual(note, '{"ua": "scriptx/script"}\nline two')
		self.assertIsNone(text_without_markup("<>", 10))

	@given(st.text(max_size=2000))
	def test_plain_text_never_holds_markup_characters(self, text):
		cleaned = plain_text(text, 300)
		if cleaned is not None:
			self.assertLessEqual(len(cleaned), 300)
			self.assertFalse(set(cleaned) & set('<>"`'))
			self.assertEqual(cleaned, cleaned.strip())


class TestClientIp(unittest.TestCase):
	PROXIES = parse_networks("127.0.0.1\n10.0.0.0/8, ::1\n# comment\nnot-a-network")

	def test_without_trusted_proxies_the_header_is_ignored(self):
		self.assertEqual(client_ip("198.51.100.7", "1.1.1.1", []), "198.51.100.7")
		self.assertEqual(client_ip("127.0.0.1", "1.1.1.1", []), "127.0.0.1")

	def test_an_untrusted_peer_cannot_choose_its_address(self):
		self.assertEqual(client_ip("198.51.100.7", "1.1.1.1", self.PROXIES), "198.51.100.7")

	def test_behind_a_trusted_proxy_the_nearest_untrusted_entry_is_the_client(self):
		# The client forged "6.6.6.6"; the proxy appended the address it really saw.
		self.assertEqual(client_ip("127.0.0.1", "6.6.6.6, 203.0.113.5", self.PROXIES), "203.0.113.5")
		self.assertEqual(client_ip("127.0.0.1", "203.0.113.5, 10.1.2.3", self.PROXIES), "203.0.113.5")

	def test_a_junk_entry_stops_the_walk(self):
		self.assertEqual(client_ip("127.0.0.1", "203.0.113.5, <script>", self.PROXIES), "127.0.0.1")

	def test_networks_parse_from_lines_and_commas(self):
		self.assertEqual([str(n) for n in self.PROXIES], ["127.0.0.1/32", "10.0.0.0/8", "::1/128"])

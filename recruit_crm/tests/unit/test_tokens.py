"""Signed expiring tokens (no frappe)."""

import unittest

from hypothesis import given
from hypothesis import strategies as st

from recruit_crm.domain.tokens import InvalidToken, sign, verify

KEY = b"k" * 32
NOW = 1_800_000_000


class TestTokens(unittest.TestCase):
	def test_round_trip(self):
		token = sign(KEY, "cand123", "preferences", NOW + 60, {"m": 1})
		payload = verify(KEY, token, "preferences", NOW)
		self.assertEqual((payload["s"], payload["x"]), ("cand123", {"m": 1}))

	def test_expired_token_is_refused(self):
		token = sign(KEY, "c", "preferences", NOW - 1)
		with self.assertRaises(InvalidToken):
			verify(KEY, token, "preferences", NOW)

	def test_token_for_another_purpose_is_refused(self):
		token = sign(KEY, "c", "confirm-community", NOW + 60)
		with self.assertRaises(InvalidToken):
			verify(KEY, token, "preferences", NOW)

	def test_other_key_is_refused(self):
		with self.assertRaises(InvalidToken):
			verify(b"other", sign(KEY, "c", "p", NOW + 60), "p", NOW)

	def test_garbage_is_refused(self):
		for junk in ("", "a", "a.b", "..", "x" * 5000, None, 42):
			with self.subTest(junk=junk), self.assertRaises(InvalidToken):
				verify(KEY, junk, "p", NOW)

	@given(st.integers(min_value=0, max_value=200), st.integers(min_value=0, max_value=255))
	def test_any_single_byte_change_is_refused(self, position, value):
		token = sign(KEY, "cand", "p", NOW + 60)
		position %= len(token)
		if token[position] == chr(value) or not chr(value).isprintable():
			return
		tampered = token[:position] + chr(value) + token[position + 1 :]
		try:
			payload = verify(KEY, tampered, "p", NOW)
		except InvalidToken:
			return
		# base64 padding bits can absorb a change that decodes to the same bytes
		self.assertEqual(payload["s"], "cand")


class TestCanonicalTokens(unittest.TestCase):
	def test_padded_or_re_encoded_variants_of_a_genuine_token_are_refused(self):
		token = sign(KEY, "cand123", "preferences", NOW + 60)
		body, mac = token.split(".")
		self.assertEqual(verify(KEY, token, "preferences", NOW)["s"], "cand123")
		variants = [f"{body}.{mac}=", f"{body}.{mac}==", f"{body}=.{mac}", f" {token}", f"{token}\n"]
		# The last base64 character may carry unused bits: flipping them decodes to the same MAC.
		alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
		last = alphabet.index(mac[-1])
		variants += [f"{body}.{mac[:-1]}{alphabet[last ^ bit]}" for bit in (1, 2, 3)]
		for variant in variants:
			with self.subTest(variant=variant[-6:]), self.assertRaises(InvalidToken):
				verify(KEY, variant, "preferences", NOW)

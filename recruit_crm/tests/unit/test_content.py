"""Only safe, known video embeds (no frappe)."""

import unittest

from recruit_crm.domain.content import embed_url


class TestEmbedUrl(unittest.TestCase):
	def test_youtube_links_become_nocookie_embeds(self):
		expected = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
		for url in (
			"https://www.youtube.com/watch?v=dQw4w9WgXcQ",
			"https://youtu.be/dQw4w9WgXcQ",
			"https://m.youtube.com/watch?v=dQw4w9WgXcQ&t=10",
			"https://www.youtube.com/embed/dQw4w9WgXcQ",
		):
			with self.subTest(url=url):
				self.assertEqual(embed_url(url), expected)

	def test_vimeo_links_become_do_not_track_embeds(self):
		self.assertEqual(
			embed_url("https://vimeo.com/76979871"), "https://player.vimeo.com/video/76979871?dnt=1"
		)

	def test_other_hosts_and_schemes_are_refused(self):
		for url in (
			"https://evil.example/watch?v=dQw4w9WgXcQ",
			"javascript:alert(1)",
			"https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
			"https://www.youtube.com/watch?v=<script>",
			"https://vimeo.com/abc",
			"",
			None,
		):
			with self.subTest(url=url):
				self.assertIsNone(embed_url(url))

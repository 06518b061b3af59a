"""Career-site rules: uploads by content, JobPosting data, share links, attribution (no frappe)."""

import io
import unittest
import zipfile
from datetime import date, datetime
from urllib.parse import parse_qs, unquote, urlparse

from recruit_crm.domain.careers import clean_attribution, job_posting, schema_employment_type, share_links
from recruit_crm.domain.uploads import RejectedUpload, sniff_resume

MB = 1024 * 1024


def _zip(files: dict[str, bytes]) -> bytes:
	buf = io.BytesIO()
	with zipfile.ZipFile(buf, "w") as z:
		for name, data in files.items():
			z.writestr(name, data)
	return buf.getvalue()


class TestSniffResume(unittest.TestCase):
	def test_documents_are_recognised_by_content(self):
		self.assertEqual(sniff_resume(b"%PDF-1.7\n...", MB), "pdf")
		self.assertEqual(sniff_resume(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", MB), "doc")
		self.assertEqual(sniff_resume(b"{\\rtf1\\ansi hello}", MB), "rtf")
		self.assertEqual(sniff_resume("Jane Doe\nEngineer at Ümlaut".encode(), MB), "txt")
		self.assertEqual(
			sniff_resume(_zip({"[Content_Types].xml": b"x", "word/document.xml": b"x"}), MB), "docx"
		)
		self.assertEqual(
			sniff_resume(_zip({"mimetype": b"application/vnd.oasis.opendocument.text"}), MB), "odt"
		)

	def test_dangerous_or_unknown_content_is_refused_whatever_its_name(self):
		for content in (
			b"MZ\x90\x00\x03\x00\x00\x00",  # Windows executable
			b"\x7fELF\x02\x01\x01",
			b"<html><script>alert(1)</script></html>",
			b"  <svg onload=alert(1)>",
			b"\x89PNG\r\n\x1a\n....",
			_zip({"payload.exe": b"MZ"}),
			b"PK\x03\x04 not really a zip",
		):
			with self.subTest(content=content[:12]), self.assertRaises(RejectedUpload):
				sniff_resume(content, MB)

	def test_empty_and_oversized_files_are_refused(self):
		with self.assertRaises(RejectedUpload):
			sniff_resume(b"", MB)
		with self.assertRaises(RejectedUpload) as ctx:
			sniff_resume(b"%PDF-" + b"0" * MB, MB)
		self.assertIn("1 MB", str(ctx.exception))


class TestResumeBombsAndPolyglots(unittest.TestCase):
	def _bomb(self, member: str, inflated_mb: int, extra: dict[str, bytes] | None = None) -> bytes:
		"""A zip whose one member inflates to `inflated_mb` MB of zeros (written in chunks)."""
		buf = io.BytesIO()
		with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
			for name, data in (extra or {}).items():
				z.writestr(name, data)
			with z.open(member, "w", force_zip64=True) as out:
				chunk = b"\0" * MB
				for _ in range(inflated_mb):
					out.write(chunk)
		return buf.getvalue()

	def test_a_zip_member_is_never_inflated_in_full(self):
		import tracemalloc

		bomb = self._bomb("mimetype", 64)
		self.assertLess(len(bomb), MB, "the bomb itself is small")
		tracemalloc.start()
		try:
			with self.assertRaises(RejectedUpload):
				sniff_resume(bomb, 5 * MB)
			_current, peak = tracemalloc.get_traced_memory()
		finally:
			tracemalloc.stop()
		self.assertLess(peak, 4 * MB, f"sniffing allocated {peak / MB:.1f} MB")

	def test_archives_built_to_inflate_are_refused_from_their_directory(self):
		docx = self._bomb("word/document.xml", 16, {"[Content_Types].xml": b"x"})
		with self.assertRaises(RejectedUpload):
			sniff_resume(docx, 5 * MB)
		many = _zip({f"m{i}.xml": b"x" for i in range(2500)})
		with self.assertRaises(RejectedUpload) as ctx:
			sniff_resume(many, 5 * MB)
		self.assertIn("too many parts", str(ctx.exception))

	def test_a_real_sized_odt_still_passes(self):
		odt = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>" * 5000})
		self.assertEqual(sniff_resume(odt, MB), "odt")

	def test_documents_that_are_also_web_pages_are_refused(self):
		for content in (
			b"%PDF-1.4\n<html><body><script>alert(document.domain)</script></body></html>\n%%EOF",
			b"%PDF-1.7\n1 0 obj<<>>endobj\n<!DOCTYPE html><p>x",
			b"%PDF-1.7\n<svg onload=alert(1)>",
			b"{\\rtf1 <iframe src=//evil>}",
			b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 < script >alert(1)",
		):
			with self.subTest(content=content[:24]), self.assertRaises(RejectedUpload):
				sniff_resume(content, MB)


class TestJobPosting(unittest.TestCase):
	def test_required_google_fields_are_present(self):
		data = job_posting(
			title="Data Analyst",
			description_html="<p>Analyse</p>",
			url="https://x.org/careers/acme/data-analyst",
			posted_on=datetime(2026, 11, 1, 9, 30, 15, 123),
			company="Acme",
			company_url="https://x.org",
			logo_url="https://x.org/logo.png",
			closes_on=date(2026, 12, 31),
			employment_type="Full-time",
			location="Lyon",
			country_code="fr",
			salary=(3000, 4000, "EUR", "Month"),
		)
		self.assertEqual(data["@type"], "JobPosting")
		self.assertEqual(data["datePosted"], "2026-11-01T09:30:15")
		self.assertEqual(data["validThrough"], "2026-12-31")
		self.assertEqual(data["employmentType"], "FULL_TIME")
		self.assertEqual(data["jobLocation"]["address"]["addressCountry"], "FR")
		self.assertEqual(data["baseSalary"]["value"]["unitText"], "MONTH")

	def test_remote_jobs_are_telecommute(self):
		data = job_posting(
			title="t",
			description_html="d",
			url="u",
			posted_on=None,
			company="c",
			company_url="u",
			is_remote=True,
			country_code="us",
		)
		self.assertEqual(data["jobLocationType"], "TELECOMMUTE")
		self.assertNotIn("jobLocation", data)

	def test_unknown_employment_type_is_other(self):
		self.assertEqual(schema_employment_type("Seasonal"), "OTHER")
		self.assertIsNone(schema_employment_type(None))


class TestShareLinks(unittest.TestCase):
	def test_every_channel_gets_a_link_tracked_to_that_channel_and_sharer(self):
		links = share_links(
			"https://x.org/careers/acme/dev", "Dev & Ops", campaign="spring", referrer="tok123"
		)
		self.assertEqual(set(links), {"linkedin", "x", "facebook", "whatsapp", "email", "direct"})
		linkedin_target = unquote(parse_qs(urlparse(links["linkedin"]).query)["url"][0])
		params = parse_qs(urlparse(linkedin_target).query)
		self.assertEqual(
			params,
			{
				"utm_source": ["linkedin"],
				"utm_medium": ["referral"],
				"utm_campaign": ["spring"],
				"ref": ["tok123"],
			},
		)


class TestAttribution(unittest.TestCase):
	def test_only_known_short_plain_values_survive(self):
		self.assertEqual(
			clean_attribution(
				{
					"utm_source": "linkedin",
					"utm_medium": "<script>",
					"utm_campaign": "x" * 200,
					"evil": "1",
					"ref": "abc.DEF-1",
				}
			),
			{"utm_source": "linkedin", "ref": "abc.DEF-1"},
		)

	def test_signed_referral_tokens_survive_but_not_markup(self):
		token = "eyJlIjoxOTUzMzI4NjEzLCJwIjoicmVmZXJyYWwiLCJzIjoiX1QtRW1wbG95ZWUtMDAwMDMifQ.hsHxrcfhNtK0mOLvDBp23w-4VfZzlE2TIi07lonFyzM"
		self.assertEqual(clean_attribution({"ref": token}), {"ref": token})
		self.assertEqual(clean_attribution({"ref": "<img src=x>"}), {})


class TestChannels(unittest.TestCase):
	def test_known_channels_are_credited_by_name_and_the_rest_is_other(self):
		from recruit_crm.domain.careers import OTHER_CHANNEL, channel_of

		self.assertEqual(channel_of("LinkedIn"), "LinkedIn")
		self.assertEqual(channel_of("x"), "X (Twitter)", "the career site's own share link for X")
		self.assertEqual(channel_of(""), "(none)")
		for junk in ("xx", "<script>", "free-money", "linkedin2"):
			with self.subTest(junk=junk):
				self.assertEqual(channel_of(junk), OTHER_CHANNEL)
		self.assertEqual(channel_of("uni-board", frozenset({"uni-board"})), "uni-board")

	def test_a_posting_never_names_the_company_as_its_town(self):
		data = job_posting(
			title="t", description_html="d", url="u", posted_on=None, company="Acme Ltd", company_url="u"
		)
		self.assertNotIn("jobLocation", data, "nothing known about the place: nothing said")
		with_country = job_posting(
			title="t", description_html="d", url="u", posted_on=None, company="Acme Ltd", company_url="u",
			country_code="de",
		)  # fmt: skip
		self.assertEqual(
			with_country["jobLocation"]["address"], {"@type": "PostalAddress", "addressCountry": "DE"}
		)

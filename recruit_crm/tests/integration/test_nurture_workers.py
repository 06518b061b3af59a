"""Two real sending worker processes on one campaign: the claim (named lock per claim token,
SELECT ... FOR UPDATE SKIP LOCKED) must hand every message to exactly one of them.

The workers commit, so this test commits and removes what it created.
"""

import re
import time
from urllib.parse import parse_qs, urlsplit

import frappe

from recruit_crm.benchmarks import nurture_fixtures as fx
from recruit_crm.benchmarks.delivery_workers import send_with_workers
from recruit_crm.services.engagement import tracking
from recruit_crm.services.portal import tokens
from recruit_crm.tests.integration.nurture_case import MESSAGE, NurtureCase


def _token(url: str) -> str:
	return parse_qs(urlsplit(url.replace("&amp;", "&")).query)["t"][0]


def _payload(url: str, purpose: str) -> dict:
	"""A link's verified token payload, without its expiry time."""
	payload = tokens.read_token(_token(url), purpose)
	payload.pop("e")
	return payload


class TestConcurrentSenders(NurtureCase):
	def test_two_workers_send_every_message_exactly_once(self):
		prefix = f"twow{int(time.time())}"
		campaign = None
		try:
			people = fx.make_people(300, prefix)
			campaign = fx.make_campaign(self.account, f"Two workers {prefix}")
			self.assertEqual(fx.queue_for(campaign, people), 300)
			frappe.db.commit()  # nosemgrep: the worker processes read these rows
			report = send_with_workers(campaign, self.sink, count=2, batch=20)
			tokens = frappe.db.sql(
				f"select distinct claimed_by from `tab{MESSAGE}` where nurture_campaign = %s",
				campaign,
				pluck=True,
			)
		finally:
			fx.cleanup(campaign, prefix)
		self.assertEqual(report["messages"], 300, report)
		self.assertEqual(report["by_status"], {"Sent": 300}, report)
		self.assertEqual(report["received_by_server"], 300, report)
		self.assertEqual(report["distinct_message_ids"], 300, report)
		self.assertEqual(report["duplicates"], 0, report)
		self.assertEqual(report["lost"], 0, report)
		self.assertEqual(len(tokens), 2, "both workers took part")


class TestSentLinks(NurtureCase):
	def test_tracked_links_pixel_and_unsubscribe_carry_the_endpoints_tokens(self):
		person = self.person()
		campaign = self.campaign()
		self.launch_with(campaign, [person])
		self.send()
		mail = self.received()[0]
		html = self.html_of(mail)
		message = self.messages(campaign)[0].name
		clicks = re.findall(r'href="([^"]*email_click\?t=[^"]+)"', html)
		self.assertTrue(clicks, "links are tracked")
		context = {"reference_doctype": MESSAGE, "reference_name": message, "nurture_campaign": campaign.name}
		for url in clicks:
			# what the tracking module's own link builder makes for this row (expiry aside)
			theirs = tracking.click_url(person.name, "https://example.org/roles", **context)
			self.assertEqual(url.split("?t=")[0], theirs.split("?t=")[0])
			self.assertEqual(_payload(url, tracking.CLICK), _payload(theirs, tracking.CLICK))
			self.assertEqual(_payload(url, tracking.CLICK)["x"]["rn"], message)
		pixel = re.search(r'src="([^"]*email_open\?t=[^"]+)"', html).group(1)
		theirs = tracking.open_pixel_url(person.name, **context)
		self.assertEqual(pixel.split("?t=")[0], theirs.split("?t=")[0])
		self.assertEqual(_payload(pixel, tracking.OPEN), _payload(theirs, tracking.OPEN))
		one_click = _token(mail["List-Unsubscribe"].strip("<>"))
		self.assertEqual(tokens.read_token(one_click, tokens.UNSUBSCRIBE)["s"], person.name)
		footer = re.search(r'href="([^"]*/careers/unsubscribe\?t=[^"]+)"', html).group(1)
		self.assertEqual(_token(footer), one_click, "one token per person for both links")

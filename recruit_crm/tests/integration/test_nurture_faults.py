"""Nurture delivery under network faults: the mail server going away, the sending worker's
database connection cut mid-batch, and a worker whose claim was taken over while it was stuck.

A loopback fault proxy (benchmarks/fault_proxy.py) sits between the worker and the faulty
server; the SMTP server is a real one that counts Message-IDs. The senders commit, so these
tests commit and remove what they created.
"""

import time
from datetime import timedelta

import frappe
from frappe.utils import now_datetime, random_string

from recruit_crm.benchmarks.fault_proxy import FaultProxy
from recruit_crm.benchmarks.nurture_faults import PROXY_ACCOUNT, run_db_cuts, run_smtp_outage
from recruit_crm.benchmarks.smtp_sink import upsert_loopback_account
from recruit_crm.services.nurture import claims, delivery, smtp_sessions
from recruit_crm.services.nurture.rendering import Renderer
from recruit_crm.tests.factories import make_nurture_campaign
from recruit_crm.tests.integration.nurture_case import MESSAGE, SINK_PORT, NurtureCase


class TestMailServerOutage(NurtureCase):
	def test_an_outage_mid_campaign_delays_mail_but_loses_and_duplicates_none(self):
		report = run_smtp_outage(
			messages=300, outage=5.0, sink_port=SINK_PORT + 2, lease=3.0, batch=50, progress=lambda *_: None
		)
		self.assertEqual(report["by_status"].get("Failed", 0), 0, "an outage fails no message")
		self.assertEqual(report["duplicates"], 0, report)
		self.assertEqual(report["lost"], 0, report)
		self.assertTrue(report["accounted_for"], report)
		# an Unknown is a message whose session was cut mid-DATA: at most one per session cut
		self.assertLessEqual(report["unknown"], report["sessions_cut"], report)
		self.assertEqual(report["by_status"].get("Sent", 0) + report["unknown"], 300, report)
		self.assertEqual(
			report["received_by_server"],
			report["by_status"].get("Sent", 0) + report["unknown_that_server_received"],
			"every Sent message reached the server once",
		)
		self.assertEqual(report["received_during_outage"], 0, "the server really was away")
		# backoff: a handful of connection attempts in 5 s (0, 0.25, 0.5, 1, 2 s apart), not a storm
		self.assertGreaterEqual(report["connect_attempts_refused"], 2, report)
		self.assertLessEqual(report["connect_attempts_refused"], 10, report)
		self.assertEqual(report["recovery_took_during_outage"], 0, "the waiting worker renewed its 3 s lease")

	def test_a_worker_gives_its_claim_back_when_the_server_stays_away(self):
		people = [self.person() for _ in range(3)]
		with FaultProxy(SINK_PORT) as proxy:
			campaign = self.proxied_campaign(proxy)
			self.launch_with(campaign, people)
			proxy.refuse()
			result = delivery.send_due(until_empty=True, smtp_patience=1.0)
			frappe.db.commit()  # nosemgrep: see the worker's writes
			rows = frappe.get_all(
				MESSAGE,
				filters={"nurture_campaign": campaign.name},
				fields=["status", "due_at", "attempt_count", "claimed_by"],
			)
			self.assertEqual(result.get("smtp_unavailable"), 1, result)
			self.assertEqual({r.status for r in rows}, {"Queued"}, "back in the queue, not failed")
			self.assertTrue(all(r.due_at > now_datetime() for r in rows), "due again later")
			self.assertEqual({(r.attempt_count, r.claimed_by) for r in rows}, {(0, None)})
			self.assertEqual(self.sink.messages, 0)
			self.assertGreaterEqual(proxy.stats()["refused"], 2, "it retried before giving up")

			proxy.resume()
			frappe.db.set_value(MESSAGE, {"nurture_campaign": campaign.name}, "due_at", now_datetime())
			frappe.db.commit()  # nosemgrep
			self.send()
		self.assertEqual(self.sink.messages, 3)
		self.assertEqual(len(self.sink.ids), 3, "each once")
		self.assertEqual({r.status for r in self.messages(campaign)}, {"Sent"})

	def test_a_session_the_server_closed_while_idle_is_reopened_without_an_unknown(self):
		people = [self.person() for _ in range(2)]
		token = "idle-" + random_string(6)
		with FaultProxy(SINK_PORT) as proxy:
			campaign = self.proxied_campaign(proxy)
			self.launch_with(campaign, people)
			accounts = smtp_sessions.Accounts()
			claims.hold_worker_lock(token)
			try:
				opened = proxy.stats()["accepted"]
				accounts.session(PROXY_ACCOUNT)  # a session from an earlier batch...
				self.assertEqual(proxy.cut(), 1)  # ...that the server has since closed
				batch = claims.claim(token, 10)
				counts = delivery.send_batch(
					batch, token, accounts, Renderer(), claims.Lease(token, claims.LEASE, time.monotonic())
				)
				frappe.db.commit()  # nosemgrep: see the worker's writes
			finally:
				accounts.close()
				claims.release_worker_lock(token)
			self.assertEqual(proxy.stats()["accepted"] - opened, 2, "the first session and one new one")
		self.assertEqual((counts["sent"], counts.get("unknown", 0), counts["smtp_retries"]), (2, 0, 1))
		self.assertEqual({r.status for r in self.messages(campaign)}, {"Sent"})
		self.assertEqual(self.sink.messages, 2)

	def proxied_campaign(self, proxy: FaultProxy):
		"""A campaign whose Email Account sends through `proxy` to this class's SMTP sink."""
		account = upsert_loopback_account(PROXY_ACCOUNT, proxy.port, "faults@bench.localhost")
		proxy.cut()  # a new account's validation leaves a session of its own open
		doc = make_nurture_campaign(account, [{"step_type": "Send Email", "email_template": self.template}])
		self.campaigns.append(doc.name)
		frappe.db.commit()  # nosemgrep: the sender reads the account
		return doc


class TestDatabaseConnectionLoss(NurtureCase):
	def test_cutting_the_workers_database_connection_mid_batch_loses_and_duplicates_nothing(self):
		report = run_db_cuts(
			messages=300, cuts=3, sink_port=SINK_PORT + 3, lease=5.0, batch=50, progress=lambda *_: None
		)
		self.assertEqual(report["duplicates"], 0, report)
		self.assertEqual(report["lost"], 0, report)
		self.assertTrue(report["accounted_for"], report)
		self.assertEqual(report["messages"], 300)
		self.assertGreaterEqual(report["sessions_cut"], 2, "the connection was cut mid-campaign")
		self.assertLessEqual(report["unknown"], report["sessions_cut"], report)
		self.assertEqual(report["by_status"].get("Sent", 0) + report["unknown"], 300, report)


class TestLostClaim(NurtureCase):
	def test_a_worker_whose_claim_was_taken_over_sends_nothing_more(self):
		people = [self.person() for _ in range(3)]
		campaign = self.campaign()
		self.launch_with(campaign, people)
		slow = "slow-worker-" + random_string(6)
		claims.hold_worker_lock(slow)  # alive, but stuck past its lease
		try:
			lease = timedelta(seconds=0.5)
			claimed_at = time.monotonic()
			batch = claims.claim(slow, 10, lease=lease)
			self.assertEqual(len(batch), 3)
			time.sleep(0.7)
			self.send()  # another worker: its recovery takes the expired claim, then sends what it released
			self.assertEqual(self.sink.messages, 2)
			accounts = smtp_sessions.Accounts()
			try:
				with self.assertRaises(claims.WorkerLostClaim):
					delivery.send_batch(
						batch, slow, accounts, Renderer(), claims.Lease(slow, lease, claimed_at)
					)
			finally:
				accounts.close()
				frappe.db.rollback()
		finally:
			claims.release_worker_lock(slow)
		rows = self.messages(campaign)
		self.assertEqual([r.status for r in rows], ["Unknown", "Sent", "Sent"])
		self.assertEqual(self.sink.messages, 2, "the stuck worker sent nothing once its claim was gone")
		self.assertNotIn(f"rcn.{rows[0].name}@{frappe.local.site}", self.sink.ids, "so retrying it is safe")
		self.assertEqual(max(self.sink.ids.values()), 1)

"""The Candidate Readiness report on a real site: the stage mix, movement in the period and the
follow-up queue (hot or ready with no personal contact), filtered by pool and recruiter."""

import frappe
from frappe.desk.query_report import run
from frappe.utils import add_days, random_string, today

from recruit_crm.services.engagement import touchpoints
from recruit_crm.services.pools import membership
from recruit_crm.tests.factories import make_candidate, make_talent_pool
from recruit_crm.tests.integration import RCTestCase

REPORT = "Candidate Readiness"


class TestReadinessReport(RCTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		cls.pool = make_talent_pool(pool_name=f"RCT Readiness {random_string(6)}").name
		# hot, and a recruiter met them: contacted
		cls.hot = make_candidate(full_name="Hot Contacted", recruiter="Administrator").name
		touchpoints.record(cls.hot, "Email Replied")
		touchpoints.record(cls.hot, "Meeting", recruiter="Administrator")
		# ready (replied, applied and a meeting nobody on our side logged): nobody talked to them
		cls.ready = make_candidate(full_name="Ready Waiting").name
		touchpoints.record(cls.ready, "Email Replied")
		touchpoints.record(cls.ready, "Applied")
		touchpoints.record(cls.ready, "Meeting")
		# warm from a careers-page visit, with only a recruiter's note (a note is not contact)
		cls.warm = make_candidate(full_name="Warm Visitor").name
		touchpoints.record(cls.warm, "Portal Visit")
		touchpoints.record(cls.warm, "Note", recruiter="Administrator")
		cls.cold = make_candidate(full_name="Cold Never").name
		cls.outsider = make_candidate(full_name="Not In The Pool").name
		touchpoints.record(cls.outsider, "Email Replied")
		membership.add_members(cls.pool, [cls.hot, cls.ready, cls.warm, cls.cold], "test")

	def rows(self, **filters) -> dict[str, dict]:
		result = run(REPORT, filters={"talent_pool": self.pool, **filters})
		return {row["stage"]: row for row in result["result"]}

	def test_the_mix_movement_and_follow_up_queue_of_a_pool(self):
		stages = {
			frappe.db.get_value("RC Candidate", c, "readiness_stage")
			for c in (self.hot, self.ready, self.warm, self.cold)
		}
		self.assertEqual(stages, {"Hot", "Ready", "Warm", "Cold"}, "the fixtures cover every stage")
		rows = self.rows()
		self.assertEqual(list(rows), ["Ready", "Hot", "Warm", "Cold"])
		self.assertEqual({s: r["candidates"] for s, r in rows.items()}, dict.fromkeys(rows, 1))
		self.assertEqual({s: r["share"] for s, r in rows.items()}, dict.fromkeys(rows, 25.0))
		self.assertEqual(
			{s: r["not_contacted"] for s, r in rows.items()},
			{"Ready": 1, "Hot": 0, "Warm": 1, "Cold": 1},
		)
		# Hot Contacted: Cold -> Hot; Ready Waiting: Cold -> Hot -> Ready; Warm Visitor: Cold -> Warm
		self.assertEqual(
			{s: (r["entered"], r["left"], r["net"]) for s, r in rows.items()},
			{"Ready": (1, 0, 1), "Hot": (2, 1, 1), "Warm": (1, 0, 1), "Cold": (0, 3, -3)},
		)
		self.assertGreater(rows["Ready"]["score"], rows["Hot"]["score"])
		self.assertEqual(rows["Cold"]["score"], 0)
		summary = {
			s["label"]: s["value"] for s in run(REPORT, filters={"talent_pool": self.pool})["report_summary"]
		}
		self.assertEqual(summary["Candidates"], 4)
		self.assertEqual(summary["Hot or Ready, no personal contact in 14 days"], 1)

	def test_recruiter_and_period_filters(self):
		mine = self.rows(recruiter="Administrator")
		self.assertEqual({s: r["candidates"] for s, r in mine.items() if r["candidates"]}, {"Hot": 1})
		later = self.rows(from_date=add_days(today(), 1), to_date=add_days(today(), 2))
		self.assertEqual({(r["entered"], r["left"]) for r in later.values()}, {(0, 0)})
		self.assertEqual(sum(r["candidates"] for r in later.values()), 4, "the mix is today's")
		with self.assertRaises(frappe.ValidationError):
			self.rows(from_date=today(), to_date=add_days(today(), -1))

	def test_without_a_pool_every_candidate_counts_and_the_anonymised_do_not(self):
		everyone = sum(r["candidates"] for r in run(REPORT, filters={})["result"])
		expected = frappe.db.count("RC Candidate", {"is_anonymized": 0})
		self.assertEqual(everyone, expected)

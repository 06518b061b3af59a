"""The read paths run on a read replica: with `read_from_replica` set, the app's read-only endpoints
and reports are served through a MariaDB user that may only SELECT, so they provably take no
write locks and write nothing; a write on that path is refused by the database itself."""

import os
from contextlib import contextmanager
from unittest.mock import patch

import pymysql

import frappe

from recruit_crm.api import candidate as candidate_api
from recruit_crm.api import nurture_campaign, pipeline, pipeline_automation, platform_overrides, privacy
from recruit_crm.api import rediscovery as rediscovery_api
from recruit_crm.api import talent_pool as talent_pool_api
from recruit_crm.services.pipeline import transitions
from recruit_crm.tests.factories import (
	make_candidate,
	make_job_applicant,
	make_job_opening,
	make_talent_pool,
)
from recruit_crm.tests.integration import RCTestCase

REPLICA_USER = "rc_replica_ro"
REPLICA_PASSWORD = "rc-replica-ro-test"
RULES = {"match": "all", "conditions": [{"field": "total_experience_years", "operator": ">=", "value": 0}]}


def _root_connection():
	return pymysql.connect(
		host=frappe.conf.db_host or "127.0.0.1",
		port=int(frappe.conf.db_port or 3306),
		user=os.environ.get("RC_DB_ROOT_USER", "root"),
		password=os.environ.get("RC_DB_ROOT_PASSWORD", ""),
	)


class TestReadReplica(RCTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		try:
			root = _root_connection()
		except pymysql.MySQLError as e:
			raise cls.failureException(
				f"a MariaDB root login is needed to create the replica user: {e}"
			) from e
		with root.cursor() as cursor:
			for host in ("127.0.0.1", "localhost", "%"):
				cursor.execute(
					f"create user if not exists '{REPLICA_USER}'@'{host}' identified by '{REPLICA_PASSWORD}'"
				)
				cursor.execute(f"grant select on `{frappe.conf.db_name}`.* to '{REPLICA_USER}'@'{host}'")
		root.close()
		# What the endpoints read must be committed: the replica connection sees nothing else.
		person = make_candidate()
		cls.opening = make_job_opening().name
		cls.applicant = make_job_applicant(email=person.email, job_opening=cls.opening).name
		cls.candidate = frappe.db.get_value("Job Applicant", cls.applicant, "rc_candidate")
		transitions.move([cls.applicant], "Screening", notify=False)
		cls.pool = make_talent_pool().name
		frappe.db.commit()  # nosemgrep: the replica connection reads only committed rows

	@classmethod
	def tearDownClass(cls):
		root = _root_connection()
		with root.cursor() as cursor:
			for host in ("127.0.0.1", "localhost", "%"):
				cursor.execute(f"drop user if exists '{REPLICA_USER}'@'{host}'")
		root.close()
		super().tearDownClass()

	@contextmanager
	def replica(self):
		"""The site's config says "read from a replica", whose login may only SELECT; counts how
		often a read-only path switched to it."""
		conf = {
			"read_from_replica": 1,
			"replica_host": frappe.conf.db_host or "127.0.0.1",
			"replica_db_port": int(frappe.conf.db_port or 3306),
			"different_credentials_for_replica": 1,
			"replica_db_name": REPLICA_USER,
			"replica_db_password": REPLICA_PASSWORD,
		}
		switches = []
		original = frappe.connect_replica

		def counting():
			switched = original()
			switches.append(switched)
			return switched

		primary = frappe.local.db
		with patch.dict(frappe.local.conf, conf), patch.object(frappe, "connect_replica", counting):
			try:
				yield switches
			finally:
				frappe.local.db = primary
				for attr in ("replica_db", "primary_db"):
					if hasattr(frappe.local, attr):
						delattr(frappe.local, attr)

	def test_a_write_on_the_replica_path_is_refused_by_the_database(self):
		@frappe.read_only()
		def sneaky_write():
			frappe.db.sql("update `tabRC Candidate` set modified = modified where name = %s", self.candidate)

		with self.replica() as switches, self.assertRaises(pymysql.err.OperationalError) as refused:
			sneaky_write()
		self.assertEqual(refused.exception.args[0], 1142, "UPDATE command denied to the replica user")
		self.assertEqual(switches, [True])
		frappe.db.sql("select 1")  # the primary connection is back and usable

	def test_the_read_endpoints_run_on_the_replica_and_answer_as_on_the_primary(self):
		automation = frappe.db.get_value("RC Pipeline Automation", {}, "name")
		calls = {
			"pool preview": lambda: talent_pool_api.preview_count(RULES)["count"],
			"pool insights": lambda: sorted(talent_pool_api.insights(self.pool)),
			"candidate's pools": lambda: talent_pool_api.candidate_pools(self.candidate),
			"Find Candidates": lambda: rediscovery_api.find_candidates(self.opening)["considered"],
			"campaign audience preview": lambda: nurture_campaign.audience_preview(RULES)["count"],
			"campaigns to enrol in": nurture_campaign.campaigns_for_enrolment,
			"pipeline board": lambda: [c["name"] for c in pipeline.board(self.opening)["cards"]],
			"pipeline states": pipeline.states,
			"stage history": lambda: [s["state"] for s in pipeline.stage_history(self.applicant)["stays"]],
			"candidate's applications": lambda: [a["name"] for a in pipeline.candidate_applications(self.candidate)],
			"automation preview": lambda: sorted(pipeline_automation.preview(automation)),
			"applicant summary": lambda: sorted(candidate_api.get_summary(self.applicant)),
			"consent ledger": lambda: privacy.consent_ledger(self.candidate),
			"candidate count": lambda: platform_overrides.get_count("RC Candidate"),
			"Waiting on Us report": lambda: len(
				frappe.get_attr("frappe.desk.query_report.run")("Waiting on Us", filters={})["result"]
			),
		}  # fmt: skip
		for label, call in calls.items():
			with self.subTest(label):
				on_primary = call()
				with self.replica() as switches:
					on_replica = call()
				self.assertIn(True, switches, f"{label} did not read from the replica")
				self.assertEqual(on_replica, on_primary)

"""Every recruiter-home card and decision report runs read-only: on a site that reads from a
replica, each is served through a MariaDB login that may only SELECT, and answers as on the
primary (see test_read_replica for the mechanism)."""

import frappe
from frappe.desk.query_report import run
from frappe.utils import add_days, today

from recruit_crm.tests.integration import RCTestCase
from recruit_crm.tests.integration import test_read_replica as rr


class TestAnalyticsOnTheReplica(RCTestCase):
	"""Every report and card runs read-only: on a site that reads from a replica, they are served
	through a login that may only SELECT, and answer as on the primary."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		frappe.set_user("Administrator")
		root = rr._root_connection()
		with root.cursor() as cursor:
			for host in ("127.0.0.1", "localhost", "%"):
				cursor.execute(
					f"create user if not exists '{rr.REPLICA_USER}'@'{host}' identified by '{rr.REPLICA_PASSWORD}'"
				)
				cursor.execute(f"grant select on `{frappe.conf.db_name}`.* to '{rr.REPLICA_USER}'@'{host}'")
		root.close()

	@classmethod
	def tearDownClass(cls):
		root = rr._root_connection()
		with root.cursor() as cursor:
			for host in ("127.0.0.1", "localhost", "%"):
				cursor.execute(f"drop user if exists '{rr.REPLICA_USER}'@'{host}'")
		root.close()
		super().tearDownClass()

	replica = rr.TestReadReplica.replica

	def test_reports_and_cards_run_on_the_replica(self):
		year = {"from_date": add_days(today(), -365), "to_date": today()}
		calls = {
			**{
				name: (lambda name=name: run(name, filters=year)["result"])
				for name in (
					"Recruitment Funnel",
					"Source of Hire",
					"Time to Hire and Fill",
					"Nurture Performance",
					"Talent Pool Health",
					"Recruiter Activity",
				)
			},
			"My Work": lambda: run("My Work", filters={"view": "Applicants by Stage"})["result"],
			**{
				method: (lambda method=method: frappe.get_attr(method)()["value"])
				for method in frappe.get_all(
					"Number Card", filters={"module": "Recruit CRM", "type": "Custom"}, pluck="method"
				)
			},
		}
		on_primary = {name: call() for name, call in calls.items()}
		for name, call in calls.items():
			with self.replica() as switches:
				self.assertEqual(frappe.as_json(call()), frappe.as_json(on_primary[name]), name)
			# the outermost read-only call switches; nested ones (run -> execute) find it switched
			self.assertEqual(switches[:1], [True], f"{name} switched to the replica")

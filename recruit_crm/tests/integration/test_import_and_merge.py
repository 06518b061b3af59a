"""Bulk import (Data Import and the fast importer) and merging two records of one person."""

import frappe
from frappe.core.doctype.data_import.importer import Importer
from frappe.utils import random_string

from recruit_crm.services.candidates.bulk_import import import_candidates, read_csv
from recruit_crm.tests.factories import ensure_skill, make_candidate, make_job_applicant, unique_email
from recruit_crm.tests.integration import RCTestCase


class TestDataImport(RCTestCase):
	"""Frappe's own Data Import tool, as a recruiter uses it from the desk."""

	def _run_import(self, csv_text: str):
		file = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"rc-import-{frappe.generate_hash(length=6)}.csv",
				"content": csv_text,
				"is_private": 1,
			}
		).insert(ignore_permissions=True)
		data_import = frappe.get_doc(
			{
				"doctype": "Data Import",
				"reference_doctype": "RC Candidate",
				"import_type": "Insert New Records",
				"import_file": file.file_url,
			}
		).insert(ignore_permissions=True)
		Importer("RC Candidate", data_import=data_import).import_data()
		return frappe.get_all(
			"Data Import Log",
			filters={"data_import": data_import.name},
			fields=["success", "docname", "messages", "row_indexes"],
			order_by="log_index asc",
		)

	def test_good_rows_import_bad_rows_report_duplicates_merge(self):
		existing = make_candidate(full_name="Known Person", email=unique_email("known"))
		fresh = unique_email("fresh")
		csv_text = "\n".join(
			[
				"Full Name,Email,Current Title,Location",
				f"Fresh Person,{fresh},Engineer,Lyon",
				"Broken Email,not-an-email,Engineer,Paris",
				f"Same Fresh,{fresh.upper()},,Nice",
				f"Known Again,{existing.email.upper()},Architect,Berlin",
				f",{unique_email('noname')},Engineer,Rome",
			]
		)
		logs = self._run_import(csv_text)
		self.assertEqual(len(logs), 5, "every row is accounted for in the import log")
		by_row = {frappe.parse_json(log.row_indexes)[0]: log for log in logs}
		self.assertTrue(by_row[2].success)
		self.assertFalse(by_row[3].success)
		self.assertIn("not a valid email", by_row[3].messages)
		self.assertTrue(by_row[4].success, "an in-file duplicate merges into the first row's candidate")
		self.assertEqual(by_row[4].docname, by_row[2].docname)
		self.assertTrue(by_row[5].success)
		self.assertEqual(by_row[5].docname, existing.name)
		self.assertFalse(by_row[6].success, "a missing required value is reported")

		fresh_doc = frappe.get_doc("RC Candidate", by_row[2].docname)
		self.assertEqual((fresh_doc.full_name, fresh_doc.location), ("Fresh Person", "Lyon"))
		existing.reload()
		self.assertEqual(existing.full_name, "Known Person", "an import never overwrites known values")
		self.assertEqual((existing.current_title, existing.location), ("Architect", "Berlin"))
		self.assertEqual(frappe.db.count("RC Candidate", {"email": fresh}), 1)


class TestBulkImporter(RCTestCase):
	def test_every_row_ends_created_merged_folded_or_rejected(self):
		existing = make_candidate(full_name="Existing", email=unique_email("exist"), phone="+1 111")
		new_email = unique_email("new")
		ensure_skill("Python")
		rows = [
			{
				"email": new_email,
				"full_name": "New One",
				"skills": "Python:Expert:4; RC Brand New Skill",
				"tags": "remote",
			},
			{
				"email": f" {new_email.upper()} ",
				"full_name": "Dup",
				"location": "Oslo",
				"skills": "Python:Beginner",
			},
			{"email": existing.email, "full_name": "Renamed", "phone": "+1 999", "current_title": "Lead"},
			{"email": "bad@", "full_name": "Bad"},
			{"email": unique_email("c"), "country": "Atlantis"},
			{"email": unique_email("d"), "education_level": "Wizard"},
			{"email": unique_email("e"), "full_name": "'); drop table `tabRC Candidate`; --"},
		]
		report = import_candidates(rows)
		self.assertEqual((report.created, report.merged_into_existing, report.duplicates_in_file), (2, 1, 1))
		self.assertEqual([e.row_number for e in report.errors], [4, 5, 6])
		self.assertIn("Unknown country", report.errors[1].reason)
		self.assertEqual(
			report.created + report.merged_into_existing + report.duplicates_in_file + len(report.errors),
			len(rows),
		)

		new = frappe.get_doc("RC Candidate", {"email": new_email})
		self.assertEqual((new.full_name, new.location), ("New One", "Oslo"))
		self.assertEqual(
			{(s.skill, s.proficiency) for s in new.skills},
			{("Python", "Expert"), ("RC Brand New Skill", "Intermediate")},
		)
		self.assertTrue(frappe.db.exists("Skill", "RC Brand New Skill"))
		self.assertIn("remote", new.get("_user_tags"))
		self.assertTrue(
			frappe.db.exists(
				"Tag Link", {"document_type": "RC Candidate", "document_name": new.name, "tag": "remote"}
			)
		)

		existing.reload()
		self.assertEqual(
			(existing.full_name, existing.phone, existing.current_title), ("Existing", "+1 111", "Lead")
		)
		self.assertTrue(
			frappe.db.exists("RC Candidate", {"full_name": "'); drop table `tabRC Candidate`; --"})
		)

	def test_values_are_stored_exactly_as_given(self):
		"""The bulk writer renders values itself: quotes, backslashes, `%`, SQL words and non-ASCII
		text come back unchanged, and a second import of the same person merges instead."""
		email = unique_email("literal")
		name = 'O\'Brien \\ 100% ifnull(x) "Ünïcødé" ✓\nsecond line'
		row = {
			"email": email,
			"full_name": name,
			"total_experience_years": 2.5,
			"skills": "Python:Expert:1.5",
		}
		ensure_skill("Python")
		report = import_candidates([dict(row)])
		self.assertEqual(report.created, 1)
		self.assertEqual(report.created_by_email, {email: report.created_names[0]})
		self.assertNotIn("created_by_email", report.as_dict())
		stored = frappe.db.get_value(
			"RC Candidate", report.created_names[0], ["full_name", "total_experience_years"], as_dict=True
		)
		self.assertEqual((stored.full_name, stored.total_experience_years), (name, 2.5))
		self.assertEqual(
			frappe.get_all(
				"RC Candidate Skill",
				filters={"parent": report.created_names[0]},
				fields=["skill", "proficiency", "years", "idx"],
			),
			[{"skill": "Python", "proficiency": "Expert", "years": 1.5, "idx": 1}],
		)

		again = import_candidates([dict(row, skills="Python:Beginner; SQL", tags="remote")])
		self.assertEqual((again.created, again.merged_into_existing, again.created_by_email), (0, 1, {}))
		skills = frappe.get_all(
			"RC Candidate Skill",
			filters={"parent": report.created_names[0]},
			fields=["skill", "idx"],
			order_by="idx",
		)
		self.assertEqual([(s.skill, s.idx) for s in skills], [("Python", 1), ("SQL", 2)])

	def test_csv_headers_may_be_labels(self):
		rows = read_csv(
			"Email,Full Name,Current Title,Skills\r\nx@example.org,X Person,Dev,SQL:Advanced:2\r\n"
		)
		self.assertEqual(
			rows,
			[
				{
					"email": "x@example.org",
					"full_name": "X Person",
					"current_title": "Dev",
					"skills": "SQL:Advanced:2",
				}
			],
		)


class TestMerge(RCTestCase):
	def test_merge_keeps_every_application_and_history(self):
		from recruit_crm.api.candidate import merge

		ensure_skill("SQL")
		ensure_skill("Go")
		target = make_candidate(
			full_name="Jane Doe",
			email=unique_email("jane"),
			skills=[{"skill": "SQL", "proficiency": "Beginner"}],
		)
		source = make_candidate(
			full_name="J. Doe",
			email=unique_email("jdoe"),
			phone="+33 1 23",
			skills=[{"skill": "SQL", "proficiency": "Expert"}, {"skill": "Go", "proficiency": "Advanced"}],
		)
		app_target = make_job_applicant(email=target.email)
		app_source = make_job_applicant(email=source.email)
		source.add_comment("Comment", "Met at the meetup")

		merge(source.name, target.name)

		self.assertFalse(frappe.db.exists("RC Candidate", source.name))
		target.reload()
		self.assertEqual(target.full_name, "Jane Doe", "the kept record's values win")
		self.assertEqual(target.phone, "+33 1 23", "blanks are filled from the duplicate")
		self.assertEqual(
			{(s.skill, s.proficiency) for s in target.skills}, {("SQL", "Expert"), ("Go", "Advanced")}
		)
		self.assertIn(source.email, [e.email for e in target.alternate_emails])
		self.assertEqual(frappe.db.get_value("Job Applicant", app_source.name, "rc_candidate"), target.name)
		self.assertEqual(frappe.db.get_value("Job Applicant", app_target.name, "rc_candidate"), target.name)
		self.assertEqual(target.application_count, 2)
		self.assertTrue(
			frappe.db.exists(
				"Comment",
				{
					"reference_doctype": "RC Candidate",
					"reference_name": target.name,
					"content": "Met at the meetup",
				},
			)
		)
		# A later application from the old address finds the merged person.
		self.assertEqual(make_job_applicant(email=source.email).rc_candidate, target.name)

	def test_merging_a_record_into_itself_is_refused(self):
		from recruit_crm.api.candidate import merge

		doc = make_candidate()
		with self.assertRaises(frappe.ValidationError):
			merge(doc.name, doc.name)


class TestFoundFromTheSearchBar(RCTestCase):
	def test_imported_and_backfilled_candidates_are_in_the_desk_search_at_once(self):
		from frappe.utils.global_search import search

		tag = f"rcsearch{random_string(8).lower()}"
		report = import_candidates(
			[
				{
					"full_name": f"Searchable {tag}",
					"email": f"{tag}@example.org",
					"skills": "Python:Expert:3; SQL",
				}
			]
		)
		name = report.created_names[0]
		try:
			# The search index is MyISAM (not rolled back with the test): look for this tag only.
			self.assertEqual(
				[r.name for r in search(tag, doctype="RC Candidate")], [name], "found from the search bar"
			)
			candidate = frappe.get_doc("RC Candidate", name)
			self.assertEqual(candidate.top_skills, "Python, SQL", "top skills kept by the bulk path too")
			candidate.full_name = f"Renamed {tag}x"
			candidate.save()
			self.assertEqual([r.name for r in search(f"{tag}x", doctype="RC Candidate")], [name])
		finally:
			frappe.db.rollback()
			frappe.db.sql("delete from `__global_search` where name = %s", name)

	def test_a_rolled_back_import_leaves_nobody_in_the_search_bar(self):
		"""The search index is MyISAM and keeps its rows through a rollback: the import removes
		the rows of the people it created when its transaction rolls back."""
		tag = f"rcghost{random_string(8).lower()}"
		report = import_candidates(
			[{"full_name": f"Ghost {tag} {i}", "email": f"{tag}.{i}@example.org"} for i in range(3)]
		)
		indexed = "select count(*) from `__global_search` where doctype = 'RC Candidate' and name in %s"
		names = tuple(report.created_names)
		try:
			self.assertEqual(frappe.db.sql(indexed, (names,))[0][0], 3)
			frappe.db.rollback()
			self.assertFalse(frappe.db.exists("RC Candidate", names[0]))
			self.assertEqual(frappe.db.sql(indexed, (names,))[0][0], 0, "no ghosts in the search bar")
		finally:
			frappe.db.sql("delete from `__global_search` where name in %s", (names,))

	def test_a_large_import_indexes_beside_its_transaction_and_still_forgets_on_rollback(self):
		"""Past one chunk the search rows go through a second connection (`side_writer`): every
		created person is found at once, and a rollback still leaves no ghosts."""
		from unittest.mock import patch

		from recruit_crm.services import _sql
		from recruit_crm.services.candidates import bulk_import

		tag = f"rcbig{random_string(8).lower()}"
		count = bulk_import.CHUNK + 50
		opened = []

		class Spy(_sql.SideWriter):
			def __init__(self, *args, **kwargs):
				super().__init__(*args, **kwargs)
				opened.append(self)

		with patch.object(_sql, "SideWriter", Spy):
			report = import_candidates(
				[{"full_name": f"Big {tag} {i}", "email": f"{tag}.{i}@example.org"} for i in range(count)]
			)
		names = tuple(report.created_names)
		indexed = "select count(*) from `__global_search` where doctype = 'RC Candidate' and name in %s"
		try:
			self.assertEqual(len(opened), 1, "one side connection for the whole import")
			self.assertEqual(opened[0].affected, count, "every search row went through it")
			self.assertEqual(frappe.db.sql(indexed, (names,))[0][0], count)
			frappe.db.rollback()
			self.assertEqual(frappe.db.sql(indexed, (names,))[0][0], 0, "no ghosts in the search bar")
		finally:
			frappe.db.sql("delete from `__global_search` where name in %s", (names,))

	def test_top_skills_in_sql_match_the_domain(self):
		from recruit_crm.domain.candidates import top_skills
		from recruit_crm.services.candidates.records import refresh_top_skills

		doc = make_candidate(skills=[
			{"skill": ensure_skill("RCT Go"), "proficiency": "Expert", "years": 5},
			{"skill": ensure_skill("RCT Python"), "proficiency": "Expert", "years": 2},
			{"skill": ensure_skill("RCT SQL"), "proficiency": "Intermediate", "years": 9},
			{"skill": ensure_skill("RCT Rust"), "proficiency": "Beginner", "years": 1},
		])  # fmt: skip
		expected = top_skills(r.as_dict() for r in doc.skills)
		frappe.db.set_value("RC Candidate", doc.name, "top_skills", None)
		refresh_top_skills([doc.name])
		self.assertEqual(frappe.db.get_value("RC Candidate", doc.name, "top_skills"), expected)
		self.assertEqual(expected, "RCT Go, RCT Python, RCT SQL")
		frappe.db.rollback()

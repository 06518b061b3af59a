"""The side writer: multi-row writes on a second connection, in a thread, committed on their own."""

import pymysql

import frappe
from frappe.utils import random_string

from recruit_crm.services._sql import multi_row_insert, side_writer
from recruit_crm.tests.integration import RCTestCase

COLUMNS = ("name", "description", "status", "priority", "allocated_to")


class TestSideWriter(RCTestCase):
	def setUp(self):
		self.prefix = f"rcside-{random_string(8).lower()}"

	def tearDown(self):
		frappe.db.rollback()
		frappe.db.sql("delete from `tabToDo` where name like %s", f"{self.prefix}%")
		frappe.db.commit()  # nosemgrep: the side connection committed these rows on its own

	def rows(self, count: int, start: int = 0) -> list[tuple]:
		return [
			(f"{self.prefix}-{i:05d}", f"side row {i} 'quoted' \\ back", "Open", "Low", None)
			for i in range(start, start + count)
		]

	def stored(self) -> list[tuple]:
		return [
			tuple(r)
			for r in frappe.db.sql(
				f"select {', '.join(COLUMNS)} from `tabToDo` where name like %s order by name",
				f"{self.prefix}%",
			)
		]

	def test_rows_are_written_exactly_and_committed_when_the_block_ends(self):
		rows = self.rows(25)
		with side_writer() as side:
			handed = multi_row_insert("ToDo", COLUMNS, rows, chunk=10, writer=side)
			multi_row_insert("ToDo", COLUMNS, self.rows(1, start=100))  # this connection goes on
		self.assertEqual(handed, 25)
		frappe.db.rollback()  # the side's rows do not depend on this transaction
		self.assertEqual(self.stored(), rows, "every row, with its quotes and backslashes, in order")

	def test_a_failed_statement_is_raised_and_the_side_rolled_back(self):
		with self.assertRaises(pymysql.err.IntegrityError), side_writer() as side:
			multi_row_insert("ToDo", COLUMNS, self.rows(3), writer=side)
			multi_row_insert("ToDo", COLUMNS, self.rows(1), writer=side)  # the same names again
		self.assertEqual(self.stored(), [], "nothing of the side's work is kept")
		self.assertEqual(frappe.db.sql("select 1")[0][0], 1, "this connection is still usable")

	def test_a_failure_in_the_block_rolls_the_side_back(self):
		with self.assertRaises(ZeroDivisionError), side_writer() as side:
			multi_row_insert("ToDo", COLUMNS, self.rows(3), writer=side)
			1 / 0  # noqa: B018
		self.assertEqual(self.stored(), [])

	def test_not_enabled_writes_inline_in_this_transaction(self):
		with side_writer(enabled=False) as side:
			self.assertIsNone(side)
			multi_row_insert("ToDo", COLUMNS, self.rows(2), writer=side)
		self.assertEqual(len(self.stored()), 2)
		frappe.db.rollback()
		self.assertEqual(self.stored(), [], "inline rows belong to this transaction")

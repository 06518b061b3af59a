"""The domain package must stay free of frappe so it is tested without a site."""

import ast
import pathlib
import unittest

DOMAIN = pathlib.Path(__file__).resolve().parents[2] / "domain"


class TestDomainIsPure(unittest.TestCase):
	def test_no_domain_module_imports_frappe(self):
		offenders = []
		for path in sorted(DOMAIN.glob("*.py")):
			for node in ast.walk(ast.parse(path.read_text())):
				names = []
				if isinstance(node, ast.Import):
					names = [a.name for a in node.names]
				elif isinstance(node, ast.ImportFrom):
					names = [node.module or ""]
				offenders += [
					f"{path.name}: {n}" for n in names if n.split(".")[0] in ("frappe", "erpnext", "hrms")
				]
		self.assertGreater(len(list(DOMAIN.glob("*.py"))), 1)
		self.assertEqual(offenders, [], "domain/ must not import frappe, erpnext or hrms")

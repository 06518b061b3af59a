"""Integration tests: run on a real site with `bench --site SITE run-tests --app recruit_crm`."""

try:  # Frappe v16+
	from frappe.tests import IntegrationTestCase as _Base
except ImportError:  # Frappe v15
	from frappe.tests.utils import FrappeTestCase as _Base


class RCTestCase(_Base):
	"""Base class for recruit_crm integration tests (rolled back after each class)."""

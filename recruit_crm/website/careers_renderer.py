"""Fast, cacheable routing for the career site.

- `/careers/<company>/<job>`, `/careers/stories/<story>`, `/careers/events/<event>` and
  `/careers/drives/<drive>`: Frappe never caches pages reached
  through `website_route_rules` with arguments, so these paths are rendered here from the www
  templates under their real path, which Frappe's page cache keys on (one cached page per job).
- Every `/careers...` path skips Frappe's generic route resolution (it rebuilds werkzeug route maps
  for route rules and web forms on every request, several milliseconds each) because this
  renderer claims it first.
"""

import frappe
from frappe.website.page_renderers.not_found_page import NotFoundPage
from frappe.website.page_renderers.template_page import TemplatePage
from frappe.website.path_resolver import resolve_path as frappe_resolve_path

PREFIX = "careers"
# Second path segments that are pages of their own, not companies.
RESERVED = {
	"applications",
	"community",
	"community-confirm",
	"preferences",
	"unsubscribe",
	"index",
	"job",
	"story",
	"event",
	"event-confirm",
	"event-cancel",
	"events",
	"drive",
	"drives",
}


def resolve_path(path: str) -> str:
	"""`website_path_resolver` hook: career paths are already final; others resolve as usual."""
	if path == PREFIX or path.startswith(PREFIX + "/"):
		frappe.local.path = path
		return path
	return frappe_resolve_path(path)


class CareersPage(TemplatePage):
	def __init__(self, path, http_status_code=None):
		self.parts = (path or "").strip("/").split("/")
		self.kind = self._kind()
		super().__init__(path=path, http_status_code=http_status_code)

	def _kind(self) -> str | None:
		parts = self.parts
		if parts[0] != PREFIX or not all(parts):
			return None
		if len(parts) == 3:
			if parts[1] == "stories":
				return "story"
			if parts[1] == "events":
				return "event"
			if parts[1] == "drives":
				return "drive"
			return None if parts[1] in RESERVED else "job"
		if len(parts) <= 2 and parts[-1] not in ("job", "story", "events", "drives"):
			return "page"
		return None

	def set_template_path(self):
		if not self.kind:
			return
		if self.kind == "page":
			return super().set_template_path()
		real_path, self.path = self.path, f"{PREFIX}/{self.kind}"
		try:
			super().set_template_path()
		finally:
			self.path = real_path

	def can_render(self):
		return bool(self.kind) and super().can_render()

	def render(self):
		if self.kind == "story":
			frappe.form_dict.update({"story": self.parts[2]})
		elif self.kind == "event":
			frappe.form_dict.update({"event": self.parts[2]})
		elif self.kind == "drive":
			frappe.form_dict.update({"drive": self.parts[2]})
		elif self.kind == "job":
			frappe.form_dict.update({"company": self.parts[1], "job": self.parts[2]})
		try:
			return super().render()
		except frappe.PageDoesNotExistError:
			# A plain 404 (Frappe's own handler would answer with the status it was given: 200).
			return NotFoundPage(self.path, http_status_code=404).render()

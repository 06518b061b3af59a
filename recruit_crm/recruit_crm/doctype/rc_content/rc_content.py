# Copyright (c) 2026, recruit_crm contributors
# License: GNU General Public License v3. See license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.website.utils import cleanup_page_name

from recruit_crm.domain.content import embed_url


class RCContent(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		author_name: DF.Data | None
		author_title: DF.Data | None
		body: DF.TextEditor | None
		content_type: DF.Literal["Video", "Testimonial", "Article"]
		department: DF.Link | None
		designation: DF.Link | None
		employee: DF.Link | None
		image: DF.AttachImage | None
		is_published: DF.Check
		route: DF.Data | None
		summary: DF.SmallText | None
		title: DF.Data
		video_url: DF.Data | None
		view_count: DF.Int
	# end: auto-generated types

	def validate(self) -> None:
		self.set_route()
		self.validate_video()

	def set_route(self) -> None:
		if not self.route:
			self.route = cleanup_page_name(self.title)[:100]

	def validate_video(self) -> None:
		if self.content_type == "Video" and not self.video_url:
			frappe.throw(_("A video needs its YouTube or Vimeo address."))
		if self.video_url and not embed_url(self.video_url):
			frappe.throw(_("Only YouTube and Vimeo videos can be embedded: {0}").format(self.video_url))

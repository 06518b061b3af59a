"""Rendering one nurture email: the step's template with the candidate's merge fields, branding,
tracked links and open pixel, the List-Unsubscribe headers, and the MIME message.
"""

import base64
import hashlib
import html as htmllib
import re
import time
from email.header import Header
from email.utils import formataddr, formatdate
from html import unescape

from markupsafe import escape

import frappe
from frappe.utils import get_url, nowdate
from frappe.utils.html_utils import sanitize_html
from frappe.utils.jinja import get_jenv

from recruit_crm.domain.consent import BASIS_SQL
from recruit_crm.domain.tracking import rewrite_links
from recruit_crm.domain.types import LawfulBasis
from recruit_crm.services.compliance import consent
from recruit_crm.services.engagement import tracking
from recruit_crm.services.nurture import campaigns
from recruit_crm.services.nurture.constants import MESSAGE
from recruit_crm.services.portal import careers
from recruit_crm.services.portal.tokens import UNSUBSCRIBE, make_token

_TAGS = re.compile(r"<[^>]+>")
_STYLE_OR_SCRIPT = re.compile(r"(?is)<(style|script)[^>]*>.*?</\1>")
_ANCHOR = re.compile(r'(?i)<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>')
_BREAK = re.compile(r"(?i)<br\s*/?>|</p>|</div>|</h\d>|</tr>")
_SPACES = re.compile(r"[ \t]*\n[ \t\n]*")


# What a preview's unsubscribe link points at: nothing that acts for the candidate shown.
PREVIEW_UNSUBSCRIBE = "#unsubscribe-link-in-the-sent-email"


class Renderer:
	"""Renders campaign emails; compiled templates and the branded layout are reused per batch.

	`preview=True` renders the same branded message with no live tracking (no pixel, links left
	as written) and an inert unsubscribe link: dry runs and test sends must never record opens,
	clicks or unsubscribes for the person whose email is shown.
	"""

	def __init__(self, preview: bool = False):
		self.preview = preview
		self.jenv = get_jenv()  # Frappe's sandboxed Jinja environment
		self.templates: dict[tuple, tuple] = {}
		self.layouts: dict[str, str] = {}
		self.people: dict[str, dict] = {}
		self.safe_people: dict[str, dict] = {}
		self.unsubscribe_tokens: dict[str, str] = {}
		self.site_url = get_url()
		self.domain = frappe.local.site
		self.notice: str | None = None
		# What tracking.click_url / open_pixel_url build, without a get_url() per link.
		self.click_base = get_url("/api/method/recruit_crm.api.portal.email_click?t=")
		self.open_base = get_url("/api/method/recruit_crm.api.portal.email_open?t=")

	def load_people(self, candidates: list[str]) -> None:
		missing = [c for c in candidates if c not in self.people]
		if not missing:
			return
		for p in frappe.db.sql(
			f"""select c.name, c.full_name, c.email, c.current_title, c.current_employer, c.location,
				c.country, c.crm_stage, c.readiness_stage, {BASIS_SQL} as lawful_basis
			from `tabRC Candidate` c where c.name in %(names)s""",
			{"names": missing, "today": nowdate()},
			as_dict=True,
		):
			p["first_name"] = (p.full_name or "").split(" ")[0]
			self.people[p.name] = p

	def _compiled(self, campaign, step_key: str, variant: str):
		key = (campaign.name, step_key, variant)
		if key not in self.templates:
			step = campaigns.step_by_key(campaign, step_key)
			template_name = (step.variant_email_template if variant == "B" else None) or step.email_template
			subject_src, body_src = _default_template(step)
			if template_name:
				t = frappe.get_cached_doc("Email Template", template_name)
				subject_src = t.subject or subject_src
				template_body = (t.response_html if t.use_html else t.response) or ""
				body_src = template_body + (body_src if step.step_type != "Send Email" else "")
			elif step.get("email_body") or step.get("email_subject"):
				# Written on the step itself: it plays the part an Email Template would.
				subject_src = step.get("email_subject") or subject_src
				written = step.get("email_body") or ""
				body_src = written + (body_src if step.step_type != "Send Email" else "")
			if ".__" in subject_src or ".__" in body_src:
				frappe.throw(frappe._("Illegal template"))  # same guard as frappe.render_template
			extra = _step_context(step)
			self.templates[key] = (
				self.jenv.from_string(subject_src),
				self.jenv.from_string(body_src),
				template_name,
				extra,
			)
		return self.templates[key]

	def _layout(self, campaign) -> str:
		if campaign.name not in self.layouts:
			brand = careers.settings()

			footer = sanitize_html(frappe.db.get_single_value("RC Settings", "email_footer") or "")
			self.layouts[campaign.name] = frappe.render_template(
				"recruit_crm/templates/emails/rc_nurture.html",
				{
					"brand": brand,
					"footer": footer,
					"company": brand.company or frappe.defaults.get_global_default("company") or "",
					"site_url": self.site_url,
					"logo_url": get_url(brand.logo) if brand.logo else None,
				},
			)
		return self.layouts[campaign.name]

	def render(self, row: dict, campaign=None) -> tuple[str, str, str | None]:
		"""(subject, html, email template) for one ledger row; candidate values are escaped.

		`campaign` may be given as a document (an unsaved one for previews); by default the
		stored campaign the row names is used."""
		campaign = campaign or campaigns.campaign_doc(row["nurture_campaign"])
		subject_t, body_t, template_name, extra = self._compiled(campaign, row["step_key"], row["variant"])
		person = self.people.get(row["candidate"]) or {}
		safe_person = self._safe_person(row["candidate"], person)
		campaign_ctx = {"campaign_name": campaign.campaign_name}
		subject = subject_t.render(candidate=person, doc=person, campaign=campaign_ctx, **extra)
		subject = " ".join(subject.split())[:250]  # no header injection, no runaway subjects
		body = body_t.render(candidate=safe_person, doc=safe_person, campaign=campaign_ctx, **extra)
		# Opens and clicks go through the tracking endpoints, keyed to this ledger row.
		if self.preview:
			unsubscribe = PREVIEW_UNSUBSCRIBE
		else:
			body = self._track(
				body, row["candidate"], {"rd": MESSAGE, "rn": row["name"], "nc": campaign.name}
			)
			unsubscribe = f"{self.site_url}/careers/unsubscribe?t={self._unsubscribe_token(row['candidate'])}"
		if person.get("lawful_basis") == LawfulBasis.LEGITIMATE_INTEREST.value:
			body += self._objection_notice(unsubscribe)
		html = (
			self._layout(campaign)
			.replace("<!--rc:body-->", body)
			.replace("<!--rc:unsubscribe-->", unsubscribe)
		)
		return subject, html, template_name

	def _safe_person(self, candidate: str, person: dict) -> dict:
		"""Stored values may or may not be HTML-escaped already (desk saves escape tags, bulk
		imports do not): normalised, then escaped once; per person, for all their messages."""
		safe = self.safe_people.get(candidate)
		if safe is None:
			safe = {k: (escape(unescape(v)) if isinstance(v, str) else v) for k, v in person.items()}
			if person:
				self.safe_people[candidate] = safe
		return safe

	def _unsubscribe_token(self, candidate: str) -> str:
		"""One signed unsubscribe token per person and renderer (the footer link and the
		List-Unsubscribe header carry the same one; it is valid for a year)."""
		token = self.unsubscribe_tokens.get(candidate)
		if token is None:
			token = self.unsubscribe_tokens[candidate] = make_token(candidate, UNSUBSCRIBE, ttl_days=365)
		return token

	def _track(self, body: str, candidate: str, context: dict) -> str:
		"""`tracking.track_email_html` for one ledger row: every safe absolute link through the
		click endpoint and the open pixel appended, with the same signed tokens (purpose, time
		to live, context) and URLs as `tracking.click_url` / `open_pixel_url` build."""
		context = {k: v for k, v in context.items() if v}

		def click(url: str) -> str:
			token = make_token(candidate, tracking.CLICK, tracking.CLICK_TTL_DAYS, {**context, "u": url})
			return self.click_base + token

		tracked = rewrite_links(body, click)
		pixel = self.open_base + make_token(candidate, tracking.OPEN, tracking.OPEN_TTL_DAYS, context)
		return f'{tracked}<img src="{pixel}" width="1" height="1" alt="" style="display:none">'

	def branded(self, body: str, message: str, candidate: str) -> str:
		"""A body that is not a campaign step (a pipeline email) in the same branded layout, with
		live tracking keyed to its ledger row (none in preview) and the unsubscribe link."""
		if self.preview:
			unsubscribe = PREVIEW_UNSUBSCRIBE
		else:
			body = self._track(body, candidate, {"rd": MESSAGE, "rn": message})
			unsubscribe = f"{self.site_url}/careers/unsubscribe?t={self._unsubscribe_token(candidate)}"
		layout = self._layout(frappe._dict(name="__pipeline__"))
		return layout.replace("<!--rc:body-->", body).replace("<!--rc:unsubscribe-->", unsubscribe)

	def _objection_notice(self, objection_url: str) -> str:
		"""What a message sent on legitimate interest says about it, with the one-click objection."""
		if self.notice is None:
			self.notice = str(escape(consent.legitimate_interest_notice()))
		return (
			'<p class="rc-legitimate-interest" style="margin-top:24px;font-size:12px;color:#6b7785">'
			f'{self.notice} <a href="{objection_url}" style="color:#6b7785">{escape(frappe._("Object to these emails"))}</a></p>'
		)

	def one_click_url(self, candidate: str) -> str:
		return f"{self.site_url}/api/method/recruit_crm.api.portal.unsubscribe?t={self._unsubscribe_token(candidate)}"

	def message_id(self, message: str) -> str:
		return f"rcn.{message}@{self.domain}"


# The values a campaign email's subject and body can use, as `_compiled` and `render` pass them,
# with an example each for the editor. Internal fields (email, stages) are left out on purpose.
SAMPLE_PERSON = {
	"name": None,
	"full_name": "Amara Okafor",
	"first_name": "Amara",
	"email": "amara.okafor@example.org",
	"current_title": "Senior Data Engineer",
	"current_employer": "Northwind Analytics",
	"location": "Lagos",
	"country": "Nigeria",
	"crm_stage": "Engaged",
	"readiness_stage": "Warm",
}
CANDIDATE_MERGE_FIELDS = (
	("candidate.first_name", "First name"),
	("candidate.full_name", "Full name"),
	("candidate.current_title", "Current title"),
	("candidate.current_employer", "Current employer"),
	("candidate.location", "Location"),
	("candidate.country", "Country"),
)
STEP_MERGE_FIELDS = {
	"Invite To Apply": (("job_opening.title", "Job title"), ("job_opening.url", "Link to the job page")),
	"Share Content": (
		("content.title", "Story title"),
		("content.summary", "Story summary"),
		("content.url", "Link to the story"),
	),
}


def merge_fields(step=None, campaign_name: str | None = None) -> list[dict]:
	"""The merge fields a step's email can use, each with its Jinja tag and an example value.

	`step` (a step document or dict, optional) adds the opening or story fields of Invite To Apply
	and Share Content steps, with that opening's or story's real values as examples."""
	step_type = (step or {}).get("step_type") or "Send Email"
	examples = {f"candidate.{k}": v for k, v in SAMPLE_PERSON.items()}
	examples["campaign.campaign_name"] = campaign_name or "Data Talent Autumn Campaign"
	fields = [*CANDIDATE_MERGE_FIELDS, ("campaign.campaign_name", "Campaign name")]
	extra = STEP_MERGE_FIELDS.get(step_type, ())
	if extra:
		fields += list(extra)
		context = _step_context(frappe._dict(step) if isinstance(step, dict) else step) if step else {}
		for key, value in context.items():
			for attr, example in (value or {}).items():
				examples[f"{key}.{attr}"] = example
		examples.setdefault("job_opening.title", "Data Platform Engineer")
		examples.setdefault("job_opening.url", get_url("/careers/jobs/data-platform-engineer"))
		examples.setdefault("content.title", "A day on the data team")
		examples.setdefault("content.summary", "How our data engineers spend their week.")
		examples.setdefault("content.url", get_url("/careers/stories/a-day-on-the-data-team"))
	return [
		{"field": field, "label": label, "tag": "{{ " + field + " }}", "example": examples.get(field) or ""}
		for field, label in fields
	]


def _default_template(step) -> tuple[str, str]:
	if step.step_type == "Invite To Apply":
		return (
			"{{ candidate.first_name }}, a role we think fits you: {{ job_opening.title }}",
			"<p>Hi {{ candidate.first_name }},</p><p>We are hiring for <b>{{ job_opening.title }}</b> and thought of you.</p>"
			'<p><a href="{{ job_opening.url }}" class="rc-button">See the role and apply</a></p>',
		)
	if step.step_type == "Share Content":
		return (
			"{{ content.title }}",
			'<div class="rc-card">{% if content.image %}<img src="{{ content.image }}" alt="" style="max-width:100%">{% endif %}'
			"<h3>{{ content.title }}</h3><p>{{ content.summary or '' }}</p>"
			'<p><a href="{{ content.url }}" class="rc-button">{{ content.cta }}</a></p></div>',
		)
	return ("", "")


def _step_context(step) -> dict:
	if step.step_type == "Invite To Apply" and step.job_opening:
		jo = (
			frappe.db.get_value(
				"Job Opening", step.job_opening, ["job_title", "route", "designation"], as_dict=True
			)
			or {}
		)
		return {
			"job_opening": {"title": jo.get("job_title"), "url": get_url(careers.job_path(jo.get("route")))}
		}
	if step.step_type == "Share Content" and step.content:
		c = (
			frappe.db.get_value(
				"RC Content",
				step.content,
				["title", "summary", "route", "video_url", "image", "content_type"],
				as_dict=True,
			)
			or {}
		)
		url = c.get("video_url") or get_url(f"/careers/stories/{c.get('route') or step.content}")
		cta = {"Video": "Watch the video", "Testimonial": "Read the story"}.get(
			c.get("content_type"), "Read the article"
		)
		return {
			"content": {
				"title": c.get("title"), "summary": c.get("summary"), "url": url, "cta": cta,
				"image": get_url(c["image"]) if c.get("image") else None, "content_type": c.get("content_type"),
			}
		}  # fmt: skip
	return {}


def _html_to_text(html: str) -> str:
	# Compiled once: through re.sub's pattern cache this took three times as long per message.
	text = _STYLE_OR_SCRIPT.sub("", html)
	text = _ANCHOR.sub(r"\2 (\1)", text)
	text = _BREAK.sub("\n", text)
	text = _TAGS.sub("", text)

	return _SPACES.sub("\n", htmllib.unescape(text)).strip()


_DATE: list = [0, ""]


def build_mime(
	*, sender: str, sender_name: str, recipient: str, subject: str, html: str, message_id: str,
	reply_to: str, one_click_url: str | None, attachments: list[tuple[str, str, bytes]] | None = None,
) -> bytes:  # fmt: skip
	"""A multipart/alternative message with RFC 8058 one-click unsubscribe headers (left out when
	`one_click_url` is None: a test send to a colleague unsubscribes nobody).

	`attachments` (filename, full content type, bytes), such as an interview's
	`text/calendar; method=REQUEST`, make it multipart/mixed around the alternative part."""
	boundary = "rcn-" + hashlib.md5(message_id.encode()).hexdigest()
	outer = "rcm-" + hashlib.md5(message_id.encode()).hexdigest()
	encoded_subject = subject if subject.isascii() else Header(subject, "utf-8").encode()
	second = int(time.time())
	if _DATE[0] != second:  # formatting the local time is a tenth of the MIME cost; once a second
		_DATE[:] = [second, formatdate(second, localtime=True)]
	from_header = formataddr(
		(str(Header(sender_name, "utf-8")) if not sender_name.isascii() else sender_name, sender)
	)
	headers = (
		f"From: {from_header}\r\n"
		f"To: {recipient}\r\n"
		f"Subject: {encoded_subject}\r\n"
		f"Date: {_DATE[1]}\r\n"
		f"Message-ID: <{message_id}>\r\n"
		f"Reply-To: {reply_to}\r\n"
		+ (
			f"List-Unsubscribe: <{one_click_url}>\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
			if one_click_url
			else ""
		)
		+ "MIME-Version: 1.0\r\n"
		+ (f'Content-Type: multipart/mixed; boundary="{outer}"\r\n\r\n--{outer}\r\n' if attachments else "")
		+ f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n\r\n'
	)
	text = base64.encodebytes(_html_to_text(html).encode()).replace(b"\n", b"\r\n")
	body = base64.encodebytes(html.encode()).replace(b"\n", b"\r\n")
	raw = (
		headers.encode()
		+ f"--{boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n".encode()
		+ text
		+ f"--{boundary}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n".encode()
		+ body
		+ f"--{boundary}--\r\n".encode()
	)
	if not attachments:
		return raw
	for filename, content_type, data in attachments:
		safe_name = "".join(ch for ch in filename if ch.isalnum() or ch in "._-") or "attachment"
		raw += (
			f"--{outer}\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: base64\r\n"
			f'Content-Disposition: attachment; filename="{safe_name}"\r\n\r\n'
		).encode() + base64.encodebytes(data).replace(b"\n", b"\r\n")
	return raw + f"--{outer}--\r\n".encode()

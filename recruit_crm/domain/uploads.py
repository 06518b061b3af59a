"""What a candidate may upload as a resume: checked by content, never by file name."""

from __future__ import annotations

import io
import re
import zipfile

RESUME_KINDS = {
	"pdf": "application/pdf",
	"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"doc": "application/msword",
	"odt": "application/vnd.oasis.opendocument.text",
	"rtf": "application/rtf",
	"txt": "text/plain",
}


class RejectedUpload(ValueError):
	"""The file is not an accepted resume; the message is safe to show the candidate."""


def sniff_resume(content: bytes, max_bytes: int) -> str:
	"""The resume kind (a key of RESUME_KINDS) detected from the bytes themselves.

	Raises RejectedUpload for empty, oversized or unrecognised content (executables, HTML,
	images, archives that are not documents), whatever the file is called.
	"""
	if not content:
		raise RejectedUpload("The file is empty.")
	if len(content) > max_bytes:
		raise RejectedUpload(f"The file is larger than {max_bytes // (1024 * 1024)} MB.")
	head = content[:8]
	if head.startswith(b"%PDF-"):
		_refuse_markup(content)
		return "pdf"
	if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
		_refuse_markup(content)
		return "doc"
	if head.startswith(b"{\\rtf"):
		_refuse_markup(content)
		return "rtf"
	if head.startswith(b"PK\x03\x04"):
		return _sniff_zip_document(content)
	return _sniff_text(content)


# Office documents are zip archives. Nothing here inflates more than a few bytes of any member,
# and archives that look built to inflate (too many members, absurd ratios or sizes) are refused
# from their central directory alone, before any member is read.
MAX_ZIP_MEMBERS = 2000
MAX_ZIP_INFLATED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200
MIMETYPE_READ_BYTES = 128
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def _sniff_zip_document(content: bytes) -> str:
	try:
		with zipfile.ZipFile(io.BytesIO(content)) as archive:
			members = archive.infolist()
			_refuse_inflation_bombs(members)
			names = {m.filename for m in members}
			if "word/document.xml" in names and "[Content_Types].xml" in names:
				return "docx"
			if "mimetype" in names:
				with archive.open("mimetype") as member:
					if member.read(MIMETYPE_READ_BYTES).strip() == ODT_MIMETYPE:
						return "odt"
	except RejectedUpload:
		raise
	except (zipfile.BadZipFile, KeyError, RuntimeError, ValueError, EOFError, NotImplementedError) as e:
		raise RejectedUpload("The document is damaged.") from e
	raise RejectedUpload("Only PDF, Word, OpenDocument, RTF or plain-text resumes are accepted.")


def _refuse_inflation_bombs(members: list[zipfile.ZipInfo]) -> None:
	if len(members) > MAX_ZIP_MEMBERS:
		raise RejectedUpload("The document has too many parts.")
	inflated = 0
	for member in members:
		inflated += member.file_size
		ratio = member.file_size / max(member.compress_size, 1)
		if ratio > MAX_ZIP_RATIO and member.file_size > 1024 * 1024:
			raise RejectedUpload("The document is damaged.")
	if inflated > MAX_ZIP_INFLATED_BYTES:
		raise RejectedUpload("The document is damaged.")


# Markup that makes a browser render a file as a web page. A resume carrying it is a polyglot
# (e.g. a "PDF" that is also HTML), whatever its first bytes say.
_MARKUP = re.compile(rb"<\s*(?:script|html|body|iframe|svg|object|embed|!doctype\s+html)\b", re.IGNORECASE)


def _refuse_markup(content: bytes) -> None:
	if _MARKUP.search(content):
		raise RejectedUpload("Only PDF, Word, OpenDocument, RTF or plain-text resumes are accepted.")


_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13)) + b"\x7f"


def _sniff_text(content: bytes) -> str:
	if any(c in _CONTROL for c in content[:4096]):
		raise RejectedUpload("Only PDF, Word, OpenDocument, RTF or plain-text resumes are accepted.")
	try:
		text = content[:65536].decode("utf-8")
	except UnicodeDecodeError as e:
		raise RejectedUpload("Only PDF, Word, OpenDocument, RTF or plain-text resumes are accepted.") from e
	lowered = text.lstrip().lower()
	if lowered.startswith(("<!doctype", "<html", "<svg", "<?xml", "<script")):
		raise RejectedUpload("Only PDF, Word, OpenDocument, RTF or plain-text resumes are accepted.")
	return "txt"

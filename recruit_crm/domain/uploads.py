"""What a candidate may upload as a resume: checked by content, never by file name."""

from __future__ import annotations

import io
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
		return "pdf"
	if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
		return "doc"
	if head.startswith(b"{\\rtf"):
		return "rtf"
	if head.startswith(b"PK\x03\x04"):
		return _sniff_zip_document(content)
	return _sniff_text(content)


def _sniff_zip_document(content: bytes) -> str:
	try:
		with zipfile.ZipFile(io.BytesIO(content)) as archive:
			names = set(archive.namelist())
			if "word/document.xml" in names and "[Content_Types].xml" in names:
				return "docx"
			if (
				"mimetype" in names
				and archive.read("mimetype").strip() == b"application/vnd.oasis.opendocument.text"
			):
				return "odt"
	except (zipfile.BadZipFile, KeyError, RuntimeError, ValueError) as e:
		raise RejectedUpload("The document is damaged.") from e
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

"""Interview Feedback events: submitted feedback is a touchpoint."""

from recruit_crm.services.engagement.capture import capture_document


def on_submit(doc, method=None) -> None:
	capture_document(doc)

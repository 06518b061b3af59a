"""Frappe doctypes and requests: emails, error logs, privacy requests, the request lifecycle."""

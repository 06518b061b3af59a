"""Hiring drives: a drive's figures (`stats`), its events' sign-up (`events`) and what happens at
and after an event (`attendance`: check-in, invitations, follow-up)."""

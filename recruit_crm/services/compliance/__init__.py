"""Candidate data is HR data: the consent ledger and contact flags (`consent`), everything about
one person (`footprint`), its export (`export`) and erasure (`erasure`), retention, and consent
renewal before it lapses (`renewal`)."""

"""Every interaction with a person and what it says about their interest: the append-only
touchpoint record (`touchpoints`), capture from platform documents (`capture`, `capture_sweep`),
tracked links, pixels and portal events (`tracking`), and the decaying score (`scoring`)."""

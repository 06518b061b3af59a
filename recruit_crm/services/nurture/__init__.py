"""Nurture campaigns. Shared names and SQL (`constants`); a campaign as the engine reads it
(`campaigns`) and its lifecycle (`lifecycle`); who is in it (`audience`); the minute tick
(`engine`); sending: claim (`claims`), render (`rendering`), send and record (`delivery`); what
people do to sequences (`operator`); numbers and dry runs (`reports`)."""

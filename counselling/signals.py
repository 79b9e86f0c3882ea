"""Signals the counselling app sends for apps above it, which connect receivers in their `AppConfig.ready`.

Counselling imports no app above it; what those apps must do when a case
changes (recount the reports, ...) they hook in here.
"""

from __future__ import annotations

import django.dispatch

# A transfer was accepted: the case (and its client) now belong to the receiving centre. Sent by
# `counselling.services.decide_transfer` inside its transaction (receivers write there too: queue work through
# the outbox, never call a broker directly), with sender=Transfer and the keyword
# arguments transfer (the `Transfer`), opened_on (the case's opening date) and end (today's date): the days
# whose counts by centre changed.
case_transferred = django.dispatch.Signal()

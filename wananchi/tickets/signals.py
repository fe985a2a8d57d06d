"""Domain signals of the tickets domain: sent with the ticket as sender and the change's instant as `now`, once
the change is written (flushed), in its transaction.

They carry the side effects whose order does not matter, such as the outbox's messages. What a ticket needs
to be valid (its due dates, its history) is written by the change itself, never by a receiver: blinker keeps
receivers in no order that may be relied on.
"""

from blinker import Namespace

_signals = Namespace()

ticket_submitted = _signals.signal("ticket-submitted")
citizen_message_added = _signals.signal("citizen-message-added")
ticket_assigned = _signals.signal("ticket-assigned")
ticket_replied = _signals.signal("ticket-replied")
information_requested = _signals.signal("information-requested")
ticket_resolved = _signals.signal("ticket-resolved")
ticket_transferred = _signals.signal("ticket-transferred")
ticket_rated = _signals.signal("ticket-rated")
ticket_appealed = _signals.signal("ticket-appealed")
ticket_reopened = _signals.signal("ticket-reopened")
ticket_closed = _signals.signal("ticket-closed")
ticket_merged = _signals.signal("ticket-merged")
tracking_code_reissued = _signals.signal("tracking-code-reissued")

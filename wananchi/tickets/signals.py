"""Domain signals of the tickets domain, sent after a change is flushed, in the same transaction."""

from blinker import Namespace

_signals = Namespace()

ticket_submitted = _signals.signal("ticket-submitted")
citizen_message_added = _signals.signal("citizen-message-added")

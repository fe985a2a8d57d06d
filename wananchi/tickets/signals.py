"""Domain signals of the tickets domain: sent with the ticket as sender, after the change is flushed."""

from blinker import Namespace

_signals = Namespace()

ticket_submitted = _signals.signal("ticket-submitted")
citizen_message_added = _signals.signal("citizen-message-added")

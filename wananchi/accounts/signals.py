"""Domain signals of the accounts domain: sent with the user as sender, after the change is written, in the same
transaction."""

from blinker import Namespace

_signals = Namespace()

# A user's password was changed (reason="changed") or set through a reset link (reason="reset").
password_changed = _signals.signal("password-changed")
# An active user asked for a password-reset link (now=the time of the request); the link is made when it is sent.
password_reset_requested = _signals.signal("password-reset-requested")

"""Signals of the SLA domain; notifications subscribe to them."""

from blinker import Namespace

_signals = Namespace()

escalation_step_taken = _signals.signal("escalation-step-taken")

"""Signals of the personal-data domain, sent once a change is written (flushed), in its transaction; only side
effects whose order does not matter (the citizen's message) subscribe to them."""

from blinker import Namespace

_signals = Namespace()

# A citizen asked to correct or erase their personal data, on their ticket's page or through an officer; it waits for
# the supervisor's decision (sender: the DataRequest).
data_request_received = _signals.signal("data-request-received")

# A supervisor decided a request about a ticket's personal data (sender: the DataRequest; `recipients`: the
# citizen's (channel, address) pairs as they were before the decision, since a granted erasure clears them).
data_request_decided = _signals.signal("data-request-decided")

# The daily retention job runs (sender: the instant it runs at; `commit`: commits a batch): a lower layer's data
# that this domain cannot name (the phone channels' SMS received) is erased by its receiver, which returns
# {what: how many} for the job's line in the audit log.
retention_due = _signals.signal("retention-due")

"""What happens to an apprentice that the features built on apprentices must act on.

Apprentices cannot import scheduling (scheduling builds on apprentices), so they announce.
"""

from blinker import Namespace

_signals = Namespace()

#: Sent inside the withdrawing transaction, before the status changes, with the apprentice as
#: sender and `reason=`. Scheduling cancels every booking that has not started and queues the
#: calendar cancellations (epa.scheduling.services.cancel_on_withdrawal).
withdrawn = _signals.signal("apprentice-withdrawn")

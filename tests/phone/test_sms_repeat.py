"""The same SMS text sent twice in a day from one phone is answered with the first ticket's reference."""

from __future__ import annotations

from tests.notifications.conftest import sms_gateway  # noqa: F401 - the outbound SMS gateway on loopback
from tests.phone.conftest import send_sms
from tests.phone.test_sms import texts_to, tickets


def test_an_sms_sent_twice_is_answered_with_the_first_reference(live_server, setting, db, sms_gateway):  # noqa: F811
    text = "Maji hayatoki mtaani kwetu kwa wiki mbili sasa, naomba msaada"
    assert send_sms(live_server, text)[0] == 200
    [first] = tickets(db)
    assert send_sms(live_server, text)[0] == 200
    assert tickets(db) == [first]
    [receipt, answer] = texts_to(sms_gateway)
    assert first.reference in receipt and first.reference in answer
    assert send_sms(live_server, "Umeme umekatika tangu jana usiku mtaa mzima")[0] == 200
    assert len(tickets(db)) == 2

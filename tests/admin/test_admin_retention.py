"""Administration of retention periods: added, changed and deleted, each recorded; the rules refused politely."""

from __future__ import annotations

from sqlalchemy import select

from tests.admin.test_admin_pages import entries, press, submit_form
from tests.world import World
from wananchi.privacy.models import RetentionPeriod
from wananchi.tickets.models import TicketType


def test_a_period_is_added_changed_and_deleted_and_each_change_recorded(db, world: World, admin_client, admin):
    page = admin_client.get("/utawala/uhifadhi")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<h1>Muda wa kuhifadhi taarifa binafsi</h1>" in html and "siku 730" in html

    added = submit_form(
        admin_client, "/utawala/uhifadhi/mpya", institution=str(world.agency.id), ticket_type="complaint", days="1825"
    )
    assert added.status_code == 303
    period = db.session.scalar(select(RetentionPeriod))
    assert (period.institution_id, period.ticket_type, period.days) == (world.agency.id, TicketType.COMPLAINT, 1825)
    assert entries(db, "create_retention_period")[0].changes["days"] == [None, 1825]
    listed = admin_client.get("/utawala/uhifadhi").get_data(as_text=True)
    assert "Lalamiko" in listed and "1,825" in listed

    again = submit_form(
        admin_client, "/utawala/uhifadhi/mpya", institution=str(world.agency.id), ticket_type="complaint", days="90"
    )
    assert again.status_code == 422 and "tayari upo" in again.get_data(as_text=True)
    for fields, status in (
        ({"institution": "", "ticket_type": "", "days": "365"}, 422),  # names nothing
        ({"institution": "", "ticket_type": "question", "days": "5"}, 422),  # too short
        ({"institution": "", "ticket_type": "question", "days": "mwaka"}, 422),
        ({"institution": "999999", "ticket_type": "question", "days": "365"}, 422),
    ):
        assert submit_form(admin_client, "/utawala/uhifadhi/mpya", **fields).status_code == status
    assert db.session.scalar(select(RetentionPeriod.id).where(RetentionPeriod.id != period.id)) is None

    changed = submit_form(
        admin_client, f"/utawala/uhifadhi/{period.id}", institution=str(world.agency.id), ticket_type="", days="365"
    )
    assert changed.status_code == 303
    db.session.expire_all()
    assert (period.ticket_type, period.days) == (None, 365)
    assert entries(db, "update_retention_period")[0].changes == {
        "ticket_type": ["complaint", None],
        "days": [1825, 365],
    }

    deleted = press(admin_client, f"/utawala/uhifadhi/{period.id}", f"/utawala/uhifadhi/{period.id}/futa")
    assert deleted.status_code == 303 and db.session.scalar(select(RetentionPeriod)) is None
    assert entries(db, "delete_retention_period")[0].actor_id == admin.id
    audit = admin_client.get("/utawala/kumbukumbu").get_data(as_text=True)
    assert "Muda wa kuhifadhi umeongezwa" in audit and "Muda wa kuhifadhi umefutwa" in audit

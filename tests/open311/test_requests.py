"""Service requests over real HTTP: POST with an integration key, GET with the spec's filters, privacy."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from tests.open311.conftest import Keys, Open311Client, json_record, xml_record
from tests.world import World
from wananchi.core.db import utcnow
from wananchi.open311.serializers import w3c_datetime
from wananchi.tickets.models import (
    Channel,
    Identity,
    MessageKind,
    Ticket,
    TicketMessage,
    TicketStatus,
    TicketType,
)

REQUEST_FIELDS = {
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
}
DESCRIPTION = "Taka hazijakusanywa mtaani kwetu kwa wiki tatu sasa.\nHarufu ni mbaya na watoto wanaugua."
NAME, EMAIL, PHONE = ("Asha", "Mwakyusa"), "asha.mwakyusa@example.co.tz", "0712 345 678"
CONSENT = "attribute[publication_consent]"


def valid_post(key: str, **overrides: str) -> dict[str, str]:
    """A complete POST requests form for the local service, from a named citizen."""
    data = {
        "api_key": key,
        "jurisdiction_id": "wananchi.go.tz",
        "service_code": "usafi-taka",
        "attribute[ticket_type]": "lalamiko",
        "attribute[district]": "dodoma-jiji",
        "description": DESCRIPTION,
        "first_name": NAME[0],
        "last_name": NAME[1],
        "email": EMAIL,
        "phone": PHONE,
        "address_string": "Mtaa wa Uhindini, Dodoma",
        "lat": "-6.1630",
        "long": "35.7516",
        "media_url": "https://example.org/picha.jpg",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def only_ticket(db) -> Ticket:
    db.session.expire_all()
    (ticket,) = db.session.scalars(select(Ticket)).all()
    return ticket


# POST requests


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_post_creates_a_routed_named_ticket(api: Open311Client, db, world: World, keys: Keys, fmt: str) -> None:
    answer = api.post(f"requests.{fmt}", valid_post(keys.write))
    assert answer.status == 200, answer.body
    if fmt == "json":
        (record,) = answer.json()
    else:
        root = answer.xml()
        assert root.tag == "service_requests"
        record = xml_record(root.find("request"))  # type: ignore[arg-type]
    assert set(record) == {"service_request_id", "service_notice", "account_id"}
    assert record["account_id"] is None
    ticket = only_ticket(db)
    assert record["service_request_id"] == ticket.reference
    assert ticket.reference in record["service_notice"]
    assert world.council.name_sw in record["service_notice"]
    assert ticket.channel == Channel.API
    assert ticket.integration_key is not None and ticket.integration_key.name == "Programu ya simu"
    assert ticket.type == TicketType.COMPLAINT
    assert ticket.institution_id == world.council.id
    assert ticket.district_id == world.district.id
    assert ticket.subject == "Taka hazijakusanywa mtaani kwetu kwa wiki tatu sasa."
    assert ticket.description.startswith(DESCRIPTION) and "https://example.org/picha.jpg" in ticket.description
    # The place and coordinates fill the ticket's own fields, as the web form's do, not the description.
    assert (ticket.place, ticket.latitude, ticket.longitude) == ("Mtaa wa Uhindini, Dodoma", -6.163, 35.7516)
    assert "Uhindini" not in ticket.description and "35.75" not in ticket.description
    assert (ticket.identity, ticket.citizen_name) == (Identity.NAMED, "Asha Mwakyusa")
    assert (ticket.citizen_email, ticket.citizen_phone) == (EMAIL, "+255712345678")
    assert ticket.resolution_due_at is not None


def test_post_without_name_is_anonymous_and_english_when_asked(
    api: Open311Client, db, world: World, keys: Keys
) -> None:
    data = valid_post(
        keys.agency_write,
        first_name="",
        last_name="",
        service_code="maji-bili",
        **{"attribute[district]": "", "attribute[ticket_type]": "swali"},
    )
    answer = api.post("requests.json", data, **{"Accept-Language": "en"})
    assert answer.status == 200, answer.body
    ticket = only_ticket(db)
    assert (ticket.identity, ticket.citizen_name, ticket.citizen_email, ticket.citizen_phone) == (
        Identity.ANONYMOUS,
        None,
        None,
        None,
    )
    assert ticket.institution_id == world.agency.id
    assert ticket.type == TicketType.QUESTION
    assert ticket.language == "en"
    assert world.agency.name_en in answer.json()[0]["service_notice"]


def test_a_long_first_line_gives_a_shortened_subject(api: Open311Client, db, world: World, keys: Keys) -> None:
    words = "maji " * 60
    assert api.post("requests.json", valid_post(keys.write, description=words)).status == 200
    subject = only_ticket(db).subject
    assert 5 <= len(subject) <= 150
    assert subject.endswith("…") and subject.startswith("maji maji")


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("which", ["missing", "unknown", "revoked", "read_only"])
def test_post_needs_a_valid_write_key(api: Open311Client, db, world: World, keys: Keys, fmt: str, which: str) -> None:
    key = {"missing": "", "unknown": "wnk_" + "x" * 43, "revoked": keys.revoked, "read_only": keys.read_only}[which]
    answer = api.post(f"requests.{fmt}", valid_post(key))
    assert answer.status == 403
    if fmt == "json":
        (error,) = answer.json()
        assert error["code"] == 403 and "api_key" in error["description"]
    else:
        assert answer.xml().findtext("error/code") == "403"
    assert db.session.scalar(select(sa.func.count()).select_from(Ticket)) == 0


@pytest.mark.parametrize(
    ("overrides", "status"),
    [
        ({"service_code": ""}, 400),
        ({"service_code": "hakuna"}, 404),
        ({"attribute[ticket_type]": "complaint"}, 400),
        ({"attribute[ticket_type]": "data_request"}, 400),  # opened only by the rights flow
        ({"attribute[district]": ""}, 400),  # the service is local
        ({"attribute[district]": "atlantis"}, 400),
        ({"description": "fupi mno"}, 400),
        ({"description": "x" * 5001}, 400),
        ({"email": "si-barua-pepe"}, 400),
        ({"phone": "123"}, 400),
        ({"lat": "kaskazini"}, 400),
        ({"long": "1e999"}, 400),
        ({"first_name": "A" * 200}, 400),
    ],
)
def test_post_refuses_invalid_input_in_the_spec_format(
    api: Open311Client, db, world: World, keys: Keys, overrides: dict[str, str], status: int
) -> None:
    for fmt in ("json", "xml"):
        answer = api.post(f"requests.{fmt}", valid_post(keys.write, **overrides))
        assert answer.status == status, answer.body
        if fmt == "json":
            (error,) = answer.json()
            assert error["code"] == status and error["description"]
        else:
            assert answer.xml().findtext("error/code") == str(status)
    assert db.session.scalar(select(sa.func.count()).select_from(Ticket)) == 0


def test_error_descriptions_in_swahili_unless_english_is_asked(api: Open311Client, world: World, keys: Keys) -> None:
    data = valid_post(keys.write, description="fupi")
    (swahili,) = api.post("requests.json", data).json()
    (english,) = api.post("requests.json", data, **{"Accept-Language": "en-US,en;q=0.8"}).json()
    assert swahili["description"] == "Maelezo yanapaswa kuwa kati ya herufi 20 na 5,000."
    assert english["description"] == "The description must be between 20 and 5,000 characters."


# GET requests


def _submit(api: Open311Client, keys: Keys, key: str | None = None, **overrides: str) -> str:
    answer = api.post("requests.json", valid_post(key or keys.write, **overrides))
    assert answer.status == 200, answer.body
    return str(answer.json()[0]["service_request_id"])


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_get_one_request_every_field_and_no_contact(api: Open311Client, db, world: World, keys: Keys, fmt: str) -> None:
    reference = _submit(api, keys, **{CONSENT: "true"})
    ticket = only_ticket(db)
    now = utcnow()
    ticket.messages.append(
        TicketMessage(kind=MessageKind.REPLY, body="Gari la taka litafika Jumatatu.", created_at=now)
    )
    ticket.messages.append(TicketMessage(kind=MessageKind.NOTE, body="Ndani tu: dereva mgonjwa.", created_at=now))
    db.session.commit()

    answer = api.get(f"requests/{reference}.{fmt}")
    assert answer.status == 200
    if fmt == "json":
        (record,) = answer.json()
    else:
        root = answer.xml()
        assert root.tag == "service_requests" and len(root.findall("request")) == 1
        record = xml_record(root.find("request"))  # type: ignore[arg-type]
    assert set(record) == REQUEST_FIELDS
    ticket = only_ticket(db)
    assert record["service_request_id"] == ticket.reference
    assert record["status"] == "open"
    assert record["status_notes"] == "Gari la taka litafika Jumatatu."
    assert record["service_name"] == "Usafi na ukusanyaji wa taka"
    assert record["service_code"] == "usafi-taka"
    assert record["description"] == ticket.description
    assert record["agency_responsible"] == world.council.name_sw
    assert record["service_notice"] and world.council.name_sw in record["service_notice"]
    assert record["requested_datetime"] == w3c_datetime(ticket.created_at)
    assert record["updated_datetime"] == w3c_datetime(ticket.updated_at)
    assert record["expected_datetime"] == w3c_datetime(ticket.resolution_due_at)
    assert str(record["requested_datetime"]).endswith("+03:00")
    # Published with the text (its citizen consented): the place they wrote and the coordinates they gave.
    assert record["address"] == "Mtaa wa Uhindini, Dodoma, Dodoma Jiji, Dodoma"
    assert record["address_id"] == "dodoma-jiji"
    assert (float(record["lat"]), float(record["long"])) == (-6.163, 35.7516)
    for empty in ("zipcode", "media_url"):
        assert record[empty] is None
    for secret in (*NAME, EMAIL, "712345678", "dereva"):
        assert secret.encode() not in answer.body


def test_json_and_xml_agree_and_closed_is_closed(api: Open311Client, db, world: World, keys: Keys) -> None:
    reference = _submit(api, keys)
    ticket = only_ticket(db)
    ticket.status = TicketStatus.CLOSED
    db.session.commit()
    (from_json,) = api.get(f"requests/{reference}.json").json()
    from_xml = xml_record(api.get(f"requests/{reference}.xml").xml().find("request"))  # type: ignore[arg-type]
    assert from_xml == json_record(from_json)
    assert from_json["status"] == "closed"
    assert from_json["service_notice"] is None


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_request_is_404(api: Open311Client, world: World, fmt: str) -> None:
    for reference in ("WN-2026-999999", "si-namba"):
        answer = api.get(f"requests/{reference}.{fmt}")
        assert answer.status == 404
        code = answer.json()[0]["code"] if fmt == "json" else int(answer.xml().findtext("error/code") or 0)
        assert code == 404


def _ids(answer_json: list[dict[str, str]]) -> list[str]:
    return [record["service_request_id"] for record in answer_json]


def test_get_requests_filters(api: Open311Client, db, world: World, keys: Keys) -> None:
    local = _submit(api, keys)
    water = {"service_code": "maji-bili", "attribute[district]": ""}  # two tickets of one citizen: two texts
    national = _submit(api, keys, keys.agency_write, **water, description="Bili ya maji ya mwezi huu ni kubwa mno.")
    closed = _submit(api, keys, keys.agency_write, **water, description="Mita ya maji imeharibika tangu jana.")
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == closed))
    assert ticket is not None
    ticket.status = TicketStatus.RESOLVED
    db.session.commit()

    assert set(_ids(api.get("requests.json").json())) == {local, national, closed}
    assert _ids(api.get("requests.json", service_request_id=f"{local}, {closed},WN-2026-999999").json()) == [
        closed,
        local,
    ]
    assert _ids(api.get("requests.json", service_code="usafi-taka").json()) == [local]
    assert set(_ids(api.get("requests.json", service_code="usafi-taka,maji-bili").json())) == {local, national, closed}
    assert set(_ids(api.get("requests.json", status="open").json())) == {local, national}
    assert _ids(api.get("requests.json", status="closed").json()) == [closed]
    assert set(_ids(api.get("requests.json", status="open,closed").json())) == {local, national, closed}
    assert _ids(api.get("requests.json", service_code="maji-bili", status="open").json()) == [national]
    xml_ids = [r.findtext("service_request_id") for r in api.get("requests.xml", status="open").xml()]
    assert set(xml_ids) == {local, national}

    today = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=3))).date()
    yesterday, tomorrow = today - dt.timedelta(days=1), today + dt.timedelta(days=1)
    assert len(api.get("requests.json", start_date=yesterday.isoformat()).json()) == 3
    assert len(api.get("requests.json", end_date=today.isoformat()).json()) == 3
    assert api.get("requests.json", start_date=f"{tomorrow}T00:00:00+03:00").json() == []
    assert api.get("requests.json", end_date=f"{yesterday}T00:00:00Z").json() == []
    assert (
        len(
            api.get(
                "requests.json", start_date=f"{yesterday}T00:00:00+03:00", end_date=f"{tomorrow}T00:00:00+03:00"
            ).json()
        )
        == 3
    )


def test_date_range_refusals(api: Open311Client, world: World) -> None:
    for query in (
        {"start_date": "jana"},
        {"end_date": "2026-13-45"},
        {"start_date": "2026-01-01", "end_date": "2026-06-01"},
        {"start_date": "2026-06-01", "end_date": "2026-01-01"},
        {"status": "pending"},
    ):
        for fmt in ("json", "xml"):
            answer = api.get(f"requests.{fmt}", **query)
            assert answer.status == 400, query
            code = answer.json()[0]["code"] if fmt == "json" else int(answer.xml().findtext("error/code") or 0)
            assert code == 400


OUT_OF_RANGE = ["9999-12-31", "0001-01-01", "3000-01-01T00:00:00+03:00", "1899-12-31T23:59:59-12:00"]


def test_dates_out_of_range_are_refused_in_the_clients_language(api: Open311Client, world: World) -> None:
    for name in ("start_date", "end_date"):
        for value in [*OUT_OF_RANGE, "10000-01-01"]:
            for language, fmt in (("sw", "json"), ("en", "xml")):
                answer = api.call("GET", f"requests.{fmt}", query={name: value}, headers={"Accept-Language": language})
                assert answer.status == 400, (name, value, answer.body)
                if fmt == "json":
                    description = answer.json()[0]["description"]
                else:
                    description = answer.xml().findtext("error/description")
                if value not in OUT_OF_RANGE:  # not a date at all
                    assert "W3C" in str(description)
                elif language == "sw":
                    assert description == f"{name} lazima iwe tarehe kuanzia 1900-01-01 hadi 2999-12-31."
                else:
                    assert description == f"{name} must be a date from 1900-01-01 to 2999-12-31."


def test_the_first_and_last_days_allowed_are_answered(api: Open311Client, world: World) -> None:
    for query in (
        {"start_date": "1900-01-01"},
        {"end_date": "2999-12-31"},
        {"start_date": "2999-12-31T23:59:59-12:00"},
    ):
        answer = api.get("requests.json", **query)
        assert answer.status == 200 and answer.json() == [], query


def _bulk_tickets(db, world: World, count: int, *, start: int, age: dt.timedelta) -> None:
    """Tickets written straight into the table, `age` old and a minute apart."""
    now = utcnow()
    rows = [
        {
            "reference": f"WN-2026-{start + n:06d}",
            "tracking_code_hash": "0" * 64,
            "submission_key": f"open311-{start + n}",
            "type": TicketType.QUESTION,
            "status": TicketStatus.RECEIVED,
            "channel": Channel.WEB,
            "language": "sw",
            "category_id": world.national_service.id,
            "institution_id": world.agency.id,
            "subject": "Swali la bili",
            "description": "Swali kuhusu bili ya maji ya mwezi huu.",
            "identity": Identity.ANONYMOUS,
            "created_at": now - age - dt.timedelta(minutes=n),
            "updated_at": now - age,
            "version": 1,
            "sla_round": 0,
            "resolution_round": 0,
            "paused_minutes": 0,
        }
        for n in range(count)
    ]
    db.session.execute(sa.insert(Ticket), rows)
    db.session.commit()


def test_default_window_is_90_days(api: Open311Client, db, world: World) -> None:
    _bulk_tickets(db, world, 2, start=1, age=dt.timedelta(days=89))
    _bulk_tickets(db, world, 2, start=100, age=dt.timedelta(days=91))
    assert set(_ids(api.get("requests.json").json())) == {"WN-2026-000001", "WN-2026-000002"}
    old = api.get("requests.json", start_date=w3c_datetime(utcnow() - dt.timedelta(days=95)) or "").json()
    assert len(old) == 4
    assert _ids(api.get("requests.json", service_request_id="WN-2026-000100").json()) == ["WN-2026-000100"]


def test_at_most_1000_requests_newest_first(api: Open311Client, db, world: World) -> None:
    _bulk_tickets(db, world, 1003, start=1, age=dt.timedelta(hours=1))
    records = api.get("requests.json").json()
    assert len(records) == 1000
    assert records[0]["service_request_id"] == "WN-2026-000001"
    assert records[-1]["service_request_id"] == "WN-2026-001000"
    assert len(api.get("requests.xml").xml().findall("request")) == 1000


def test_tickets_from_the_web_form_are_listed_without_their_text(app, db, world, api):
    """A citizen who used the web form wrote for the institution alone: Open311 lists the ticket, not its words."""
    import json

    from tests.helpers import post_submission

    citizen = app.test_client()
    assert (
        post_submission(
            citizen,
            description="Mita yangu namba 556677 nyumbani kwa Asha Juma, Kinondoni.",
        ).status_code
        == 303
    )
    reference = db.session.scalar(select(Ticket.reference))
    answer = api.get(f"requests/{reference}.json")
    [record] = json.loads(answer.body)
    assert record["service_request_id"] == reference and record["status"] == "open"
    assert record["description"] is None and record["status_notes"] is None
    assert b"556677" not in answer.body and b"Asha" not in answer.body


def _reply(db, reference: str, body: str) -> Ticket:
    ticket = db.session.scalar(select(Ticket).where(Ticket.reference == reference))
    assert ticket is not None
    ticket.messages.append(TicketMessage(kind=MessageKind.REPLY, body=body, created_at=utcnow()))
    db.session.commit()
    return ticket


def _records(api: Open311Client, path: str, **query: str) -> dict[str, dict[str, str | None]]:
    """The requests of one GET, by id, from the JSON answer and, checked equal, the XML one."""
    from_json = {r["service_request_id"]: json_record(r) for r in api.get(f"{path}.json", **query).json()}
    from_xml = {r["service_request_id"]: r for r in map(xml_record, api.get(f"{path}.xml", **query).xml())}
    assert from_json == from_xml
    return from_json


def test_text_and_replies_are_published_only_with_consent_and_never_for_anonymous_tickets(
    app, api: Open311Client, db, world: World, keys: Keys
) -> None:
    from tests.helpers import post_submission

    references = {
        "named, not asked": _submit(api, keys),
        # One citizen's tickets, each with its own text (the same text again the same day would be a repeat).
        "named, declined": _submit(api, keys, description="Taka zimejaa sokoni kwa siku tano.", **{CONSENT: "false"}),
        "named, consented": _submit(api, keys, description="Gari la taka halijapita mwezi huu.", **{CONSENT: "True "}),
        "anonymous, consented": _submit(api, keys, first_name="", last_name="", **{CONSENT: "true"}),
    }
    web = app.test_client()
    hidden = {"identity": "contact_hidden", "email": EMAIL, "name": "", "phone": ""}
    assert post_submission(web, **hidden, publication_consent="y").status_code == 303
    assert post_submission(web, **hidden, subject="Bili ya pili si sahihi").status_code == 303
    web_tickets = db.session.scalars(select(Ticket).where(Ticket.channel == Channel.WEB).order_by(Ticket.id)).all()
    references["web, contact hidden, consented"] = web_tickets[0].reference
    references["web, contact hidden, not asked"] = web_tickets[1].reference
    json_api = app.test_client().post(
        "/api/v1/tickets",
        json={
            "type": "complaint",
            "category": "maji-bili",
            "subject": "Bili ya maji si sahihi",
            "description": "Bili ya mwezi huu ni kubwa kuliko matumizi yangu halisi ya maji.",
            "identity": "contact_hidden",
            "phone": PHONE,
            "publication_consent": True,
        },
    )
    assert json_api.status_code == 201, json_api.json
    references["json api, contact hidden, consented"] = json_api.json["reference"]
    published = {"named, consented", "web, contact hidden, consented", "json api, contact hidden, consented"}

    tickets = {case: _reply(db, reference, f"Jibu la taasisi: {case}.") for case, reference in references.items()}
    every = ",".join(references.values())
    for records in (_records(api, "requests"), _records(api, "requests", service_request_id=every)):
        assert set(records) == set(references.values())
        for case, ticket in tickets.items():
            record = records[ticket.reference]
            if case in published:
                assert record["description"] == ticket.description, case
                assert record["status_notes"] == f"Jibu la taasisi: {case}.", case
            else:
                assert record["description"] is None and record["status_notes"] is None, case
            assert record["status"] == "open" and record["service_code"] and record["requested_datetime"], case
    for case, reference in references.items():
        (record,) = _records(api, f"requests/{reference}").values()
        assert (record["description"] is not None) is (record["status_notes"] is not None) is (case in published)
    bodies = b"".join(api.get(f"requests.{fmt}").body for fmt in ("json", "xml"))
    for secret in (*NAME, EMAIL, "712345678"):
        assert secret.encode() not in bodies


@pytest.mark.parametrize("value", ["ndiyo", "1", "yes", "on"])
def test_consent_other_than_true_or_false_is_refused(api: Open311Client, db, world: World, keys: Keys, value: str):
    for language, message in (
        ("sw", "attribute[publication_consent] lazima iwe true au false."),
        ("en", "attribute[publication_consent] must be true or false."),
    ):
        answer = api.post("requests.json", valid_post(keys.write, **{CONSENT: value}), **{"Accept-Language": language})
        assert answer.status == 400 and answer.json()[0]["description"] == message
    assert db.session.scalar(select(sa.func.count()).select_from(Ticket)) == 0


def test_the_same_text_again_the_same_day_is_told_the_first_reference(
    api: Open311Client, db, world: World, keys: Keys
) -> None:
    assert api.post("requests.json", valid_post(keys.write)).status == 200
    first = only_ticket(db)
    again = api.post("requests.json", valid_post(keys.write, address_string="Mtaa wa Kikuyu"))
    assert again.status == 400
    (error,) = again.json()
    assert first.reference in error["description"] and DESCRIPTION not in error["description"]
    assert only_ticket(db) == first  # nothing new stored

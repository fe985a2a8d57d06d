"""A clearer submit form: fields needed only in some cases say when, the length rules are in the hints, the page
opens on the error summary, the focus ring stands out at 3:1 or more, and services are grouped by topic with the
institution that provides them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import hidden_fields, log_in, post_submission
from tests.world import PASSWORD, build_staff, build_world
from wananchi.institutions.models import Topic

SHEET = Path(__file__).resolve().parents[2] / "static" / "css" / "site.css"


@pytest.fixture
def world(db):
    world = build_world()
    world.national_service.topic = Topic.WATER
    world.local_service.topic = Topic.ENVIRONMENT
    db.session.commit()
    return world


def label(html: str, field: str) -> str:
    return re.sub(r"\s+", " ", re.search(rf'<label for="{field}">(.*?)</label>', html, re.S).group(1))


def test_fields_needed_only_in_some_cases_say_when_instead_of_optional(client, world):
    html = client.get("/wasilisha").get_data(as_text=True)
    assert "(inahitajika kwa huduma za halmashauri)" in label(html, "district")
    assert "(inahitajika kwa huduma za halmashauri)" in label(html, "place")
    assert "(inahitajika ukichagua kutaja jina lako)" in label(html, "name")
    assert "(hii au namba ya simu inahitajika, isipokuwa ukituma bila kujitambulisha)" in label(html, "email")
    assert "(hii au barua pepe inahitajika, isipokuwa ukituma bila kujitambulisha)" in label(html, "phone")
    for field in ("district", "place", "name", "email", "phone"):
        assert "si lazima" not in label(html, field)
    assert "si lazima" not in label(html, "subject") and "si lazima" not in label(html, "description")


def test_the_length_rules_are_in_the_hints(client, world):
    html = client.get("/wasilisha").get_data(as_text=True)
    for hint in (
        "Herufi 5 hadi 150.",
        "herufi 20 hadi 5,000.",
        "Herufi 200 kwa juu kabisa.",
        "Herufi 120 kwa juu kabisa.",
    ):
        assert hint in html


def test_a_returned_form_opens_on_its_error_summary(client, world):
    html = post_submission(client, subject="abc").get_data(as_text=True)
    summary = re.search(r'<div class="error-summary"[^>]*>', html).group(0)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary and "autofocus" in summary
    assert html.count("autofocus") == 1


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_focus_ring_has_at_least_3_to_1_contrast_on_white_and_on_the_header():
    sheet = SHEET.read_text()
    ring = re.search(r"a:focus,button:focus,input:focus[^{]*\{outline:3px solid (#[0-9a-f]{6})", sheet).group(1)
    header_ring = re.search(r"\.top a:focus,\.top button:focus\{outline-color:(#[0-9a-f]{6})\}", sheet).group(1)
    header = re.search(r"\.top\{background:(#[0-9a-f]{6})", sheet).group(1)
    assert contrast(ring, "#ffffff") >= 3
    assert contrast(header_ring, header) >= 3
    assert contrast("#f2b705", "#ffffff") < 3  # the yellow ring it replaces on white


def test_services_are_grouped_by_topic_with_the_institution_in_the_option(client, world):
    html = client.get("/wasilisha").get_data(as_text=True)
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', html, re.S)
    topics = [name for name, _options in groups]
    assert topics[:2] == ["Maji", "Usafi na mazingira"]  # the topics in their order, then the regions' districts
    water = dict(groups)["Maji"]
    assert re.search(r'<option value="maji-bili">Bili ya maji — DAWASA</option>', water)
    assert re.search(r'<option value="usafi-taka" data-local>Usafi na ukusanyaji wa taka — halmashauri</option>', html)
    client.get("/lugha/en")
    english = client.get("/wasilisha").get_data(as_text=True)
    assert '<optgroup label="Water">' in english and ">Water bills — DAWASA</option>" in english


def test_an_administrator_sets_the_topic_a_service_is_listed_under(client, world, db, app):
    staff = build_staff(world)
    db.session.commit()
    assert log_in(client, staff.admin.email, PASSWORD).status_code == 303
    address = f"/utawala/huduma/{world.national_service.id}"
    page = client.get(address).get_data(as_text=True)
    assert re.search(r'<select[^>]*name="topic"', page) and '<option selected value="water">Maji</option>' in page
    form = {
        **hidden_fields(page),
        "name_sw": "Bili ya maji",
        "name_en": "Water bills",
        "code": "maji-bili",
        "institution": str(world.agency.id),
        "topic": "taxes",
    }
    assert client.post(address, data=form).status_code == 303
    db.session.refresh(world.national_service)
    assert world.national_service.topic == Topic.TAXES
    form["topic"] = "kitu-kingine"
    assert client.post(address, data=form).status_code == 422

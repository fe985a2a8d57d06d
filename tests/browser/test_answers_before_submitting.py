"""A citizen typing a question that has a published answer sees it before submitting: with JavaScript as they
type (above the Submit button), without it as one stop of the form; either way the offer is recorded and the
citizen can still submit."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import func, select

from tests.browser.support import Camera
from tests.maswali.test_publishing import publish
from tests.world import World, build_staff
from wananchi.maswali.models import AnswerOffer, PublishedAnswer
from wananchi.tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OpenContext = Callable[..., BrowserContext]
QUESTION = "Bili ya maji kubwa mno"
DESCRIPTION = "Mita ya maji inasoma vibaya na bili imekuwa kubwa mno mwezi huu."


@pytest.fixture
def published(db, world: World) -> PublishedAnswer:
    staff = build_staff(world)
    answer = publish(
        world,
        staff,
        "Nifanyeje bili yangu ya maji ikiwa kubwa mno?",
        "Omba usomaji upya wa mita ya maji katika ofisi ya huduma kwa wateja; bili itarekebishwa.",
        "What do I do if my water bill is too high?",
        "Ask for the water meter to be read again at the customer service office; the bill is corrected.",
        category=world.national_service,
    )
    db.session.commit()
    return answer


def start_question(page: Page, world: World) -> None:
    page.locator("input[name='type'][value='question']").check()
    page.locator("#category").select_option(world.national_service.code)


def finish_anonymously(page: Page) -> None:
    page.locator("#description").fill(DESCRIPTION)
    page.locator("input[name='identity'][value='anonymous']").check()


def counted(db, model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(model.id)))


def test_with_javascript_the_answer_appears_above_submit_while_typing(
    site: str, new_context: OpenContext, camera: Camera, world: World, published: PublishedAnswer, db
) -> None:
    page = new_context().new_page()
    page.goto(site + "/wasilisha")
    start_question(page, world)
    page.locator("#subject").press_sequentially(QUESTION, delay=20)
    suggested = page.locator("#answers-suggested")
    expect(suggested).to_be_visible()
    link = suggested.get_by_role("link", name=published.question_sw)
    expect(link).to_have_attribute("href", f"/maswali/{world.agency.slug}/{published.id}")
    above = suggested.bounding_box()
    send = page.locator("#send").bounding_box()
    assert above is not None and send is not None and above["y"] + above["height"] <= send["y"]
    camera.shoot(page, "answer-while-typing")
    assert counted(db, Ticket) == 0 and counted(db, AnswerOffer) == 1
    # The citizen still submits: the form does not stop again, and the offer records it.
    finish_anonymously(page)
    page.locator("#send").click()
    expect(page).to_have_url(re.compile(r"/imepokelewa$"))
    db.session.expire_all()
    offer = db.session.scalar(select(AnswerOffer))
    ticket = db.session.scalar(select(Ticket))
    assert counted(db, AnswerOffer) == 1 and offer.ticket_id == ticket.id and offer.submitted_at is not None


def test_without_javascript_the_form_stops_once_with_the_answer(
    site: str, new_context: OpenContext, camera: Camera, world: World, published: PublishedAnswer, db
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(site + "/wasilisha")
    start_question(page, world)
    page.locator("#subject").fill(QUESTION)
    finish_anonymously(page)
    page.locator("#send").click()
    offered = page.locator("#answers-offered")
    expect(offered).to_be_visible()
    expect(offered.get_by_role("link", name=published.question_sw)).to_be_visible()
    expect(page.locator("#subject")).to_have_value(QUESTION)
    camera.shoot(page, "answer-offered")
    assert counted(db, Ticket) == 0 and counted(db, AnswerOffer) == 1
    page.locator("#send").click()
    expect(page).to_have_url(re.compile(r"/imepokelewa$"))
    assert counted(db, Ticket) == 1

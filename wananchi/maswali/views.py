"""The public Maswali pages: every institution's published answers, by service, searchable, and the sitemap."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, url_for
from sqlalchemy import select

from wananchi.core.i18n import by_name
from wananchi.extensions import db, limiter
from wananchi.institutions.models import Category, Institution
from wananchi.institutions.routing import active_category
from wananchi.maswali import queries
from wananchi.maswali.matching import PublishedAnswerFinder
from wananchi.maswali.models import AnswerStatus, PublishedAnswer
from wananchi.tickets.forms import DONT_KNOW

# The submit form's fields the script sends, cut to the lengths the form accepts.
LOOKUP_FIELDS = {"subject": 150, "description": 5000, "category": 60, "answers_offer": 32}

bp = Blueprint("maswali", __name__)


def _institution(slug: str) -> Institution:
    institution = db.session.scalar(select(Institution).where(Institution.slug == slug))
    if institution is None or not institution.is_active:
        abort(404)
    return institution


def _search_text() -> str:
    return (request.args.get("q") or "")[: queries.MAX_SEARCH_LENGTH].strip()


@bp.get("/maswali")
def index():
    """The institutions that publish answers, and a search over all of them."""
    text = _search_text()
    results = queries.published(text=text) if queries.search_words(text) else None
    return render_template(
        "maswali/index.html", institutions=queries.institutions_with_answers(), results=results, q=text
    )


@bp.get("/maswali/<slug>")
def institution(slug: str):
    """An institution's published answers, searchable."""
    found = _institution(slug)
    text = _search_text()
    return _listing(found, None, text)


@bp.get("/maswali/<slug>/huduma/<code>")
def service(slug: str, code: str):
    """The published answers about one of an institution's services, searchable."""
    found = _institution(slug)
    category = db.session.scalar(select(Category).where(Category.code == code, Category.institution_id == found.id))
    if category is None:
        abort(404)
    return _listing(found, category, _search_text())


def _listing(institution: Institution, category: Category | None, text: str):  # type: ignore[no-untyped-def]
    answers = queries.published(institution_id=institution.id, category_id=category.id if category else None, text=text)
    services = by_name(
        db.session.scalars(
            select(Category)
            .join(PublishedAnswer, PublishedAnswer.category_id == Category.id)
            .where(PublishedAnswer.institution_id == institution.id, PublishedAnswer.status == AnswerStatus.PUBLISHED)
            .distinct()
        )
    )
    return render_template(
        "maswali/institution.html",
        institution=institution,
        category=category,
        answers=answers,
        services=services,
        q=text,
    )


@bp.get("/maswali/<slug>/<int:answer_id>")
def answer(slug: str, answer_id: int):
    """One published answer, with the date it was last reviewed."""
    found = queries.published_answer(_institution(slug), answer_id)
    if found is None:
        abort(404)
    return render_template("maswali/answer.html", answer=found, institution=found.institution)


@bp.get("/sitemap.xml")
def sitemap():
    """The public pages for search engines: the main pages, and every institution's, service's and answer's page."""
    answers = list(
        db.session.scalars(
            select(PublishedAnswer)
            .where(PublishedAnswer.status == AnswerStatus.PUBLISHED)
            .order_by(PublishedAnswer.institution_id, PublishedAnswer.id)
        )
    )
    pages: list[tuple[str, object]] = [
        (url_for(endpoint, _external=True), None)
        for endpoint in ("pages.home", "tickets.submit", "tickets.track", "pages.help", "maswali.index")
    ]
    seen: set[str] = set()
    for item in answers:
        listing = [url_for("maswali.institution", slug=item.institution.slug, _external=True)]
        if item.category is not None:
            listing.append(
                url_for("maswali.service", slug=item.institution.slug, code=item.category.code, _external=True)
            )
        for url in listing:
            if url not in seen:
                seen.add(url)
                pages.append((url, None))
        pages.append(
            (url_for("maswali.answer", slug=item.institution.slug, answer_id=item.id, _external=True), item.reviewed_at)
        )
    body = render_template("maswali/sitemap.xml", pages=pages)
    return body, 200, {"Content-Type": "application/xml; charset=utf-8"}


@bp.post("/maswali/kabla-ya-kuwasilisha.json")
@limiter.limit(lambda: current_app.config["ANSWER_LOOKUP_RATE_LIMIT"])
def before_submitting() -> Response:
    """The published answers closest to what a citizen is typing into the submit form, which its script asks for as
    they type and choose a service (static/js/majibu.js): recorded as offered like the form's own step, under one
    offer per form. Only published answers are sent back; what was typed is neither stored nor logged."""
    sent = {name: (request.form.get(name) or "")[:limit].strip() for name, limit in LOOKUP_FIELDS.items()}
    code = sent["category"]
    category = active_category(code) if code and code != DONT_KNOW else None
    if code and code != DONT_KNOW and category is None:
        return jsonify(answers=[], token=sent["answers_offer"])
    offer = PublishedAnswerFinder().offer(
        category, sent["subject"], sent["description"], token=sent["answers_offer"] or None
    )
    if offer is None:
        return jsonify(answers=[], token=sent["answers_offer"])
    answers = [{"question": a.question, "url": a.url, "institution": a.institution} for a in offer.answers]
    return jsonify(answers=answers, token=offer.token)

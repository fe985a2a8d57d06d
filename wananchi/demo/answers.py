"""Demo published answers (Maswali): a few questions citizens ask DAWASA and TANESCO, with answers written for
the demo (the figures and steps are illustrative, not the institutions' own), approved by a supervisor."""

from __future__ import annotations

from sqlalchemy import select

from wananchi.demo.accounts import DemoStaff
from wananchi.extensions import db
from wananchi.institutions.models import Category, Institution
from wananchi.maswali import services
from wananchi.maswali.models import PublishedAnswer

# (institution, service, question sw, answer sw, question en, answer en)
ANSWERS = (
    (
        "dawasa",
        "dawasa-bili",
        "Nifanyeje bili yangu ya maji ikiwa kubwa kuliko matumizi?",
        "Linganisha usomaji wa mita yako na ule ulio kwenye bili. Ukiona tofauti, omba mita isomwe upya katika ofisi "
        "ya huduma kwa wateja iliyo karibu nawe au wasilisha hoja hapa ukitaja namba ya akaunti ya maji. Bili "
        "hurekebishwa baada ya mita kusomwa upya.",
        "What do I do if my water bill is higher than what I used?",
        "Compare your meter reading with the one on the bill. If they differ, ask for the meter to be read again at "
        "the nearest customer service office, or submit a ticket here giving your water account number. The bill "
        "is corrected once the meter has been read again.",
    ),
    (
        "dawasa",
        "dawasa-kuunganishiwa",
        "Ninawezaje kuunganishiwa maji nyumbani?",
        "Jaza fomu ya maombi ya kuunganishiwa maji katika ofisi ya DAWASA iliyo karibu au mtandaoni, ukiambatisha "
        "nakala ya kitambulisho na mchoro wa mahali nyumba ilipo. Wataalamu hufanya tathmini ya gharama, kisha "
        "unalipa kwa namba ya malipo (control number) na maji huunganishwa.",
        "How do I get a water connection at home?",
        "Fill in the connection application form at the nearest DAWASA office or online, with a copy of your ID "
        "and a sketch of where the house is. Engineers estimate the cost; you then pay with a control number and "
        "the water is connected.",
    ),
    (
        "dawasa",
        "dawasa-uvujaji",
        "Nifanye nini nikiona bomba la maji limepasuka barabarani?",
        "Wasilisha hoja hapa ukichagua huduma ya uvujaji wa maji, na ueleze mahali (mtaa na kata) au uongeze mahali "
        "simu yako ilipo. Mabomba yaliyopasuka hushughulikiwa kwa haraka.",
        "What do I do if I see a burst water pipe in the street?",
        "Submit a ticket here under water leaks, and say where it is (street and ward) or add your phone's "
        "location. Burst pipes are dealt with quickly.",
    ),
    (
        "tanesco",
        "tanesco-luku",
        "Nimenunua LUKU lakini umeme haujaingia, nifanyeje?",
        "Hakikisha umeingiza tarakimu zote 20 za tokeni kwa usahihi. Ikiwa mita inakataa tokeni, wasilisha hoja "
        "hapa ukitaja namba ya mita na tarehe ya ununuzi; usiandike namba yako ya siri ya benki.",
        "I bought LUKU but the units did not go in: what do I do?",
        "Check that you entered all 20 digits of the token correctly. If the meter refuses the token, submit a "
        "ticket here giving the meter number and the date of purchase; never write your bank PIN.",
    ),
)
AUTHOR, APPROVER = "Amina Mushi", "Dkt. Elizabeth Nyirenda"  # an officer, and a supervisor (demo/threads.py)


def seed_answers(staff: DemoStaff) -> tuple[int, int]:
    """Publish the demo answers whose institution and service exist and which are not there yet: how many were
    published, and how many were there already."""
    created = present = 0
    for slug, code, question_sw, answer_sw, question_en, answer_en in ANSWERS:
        institution = db.session.scalar(select(Institution).where(Institution.slug == slug))
        category = db.session.scalar(select(Category).where(Category.code == code))
        if institution is None or category is None:
            continue
        exists = db.session.scalar(
            select(PublishedAnswer.id).where(
                PublishedAnswer.institution_id == institution.id, PublishedAnswer.question_sw == question_sw
            )
        )
        if exists is not None:
            present += 1
            continue
        author, approver = staff.actor(AUTHOR, institution), staff.actor(APPROVER, institution)
        text = services.AnswerText(question_sw, answer_sw, question_en, answer_en, category=category)
        answer = services.write_article(institution, text, actor=author)
        services.request_approval(answer, actor=author)
        services.approve_answer(answer, actor=approver)
        created += 1
    return created, present

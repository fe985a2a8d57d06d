"""People and words of the demo threads: citizens, officers, and the messages exchanged after submission."""

from __future__ import annotations

from wananchi.tickets.models import TicketType

FIRST_NAMES = (
    "Amina",
    "Juma",
    "Neema",
    "Baraka",
    "Rehema",
    "Hamisi",
    "Zawadi",
    "Emmanuel",
    "Upendo",
    "Saidi",
    "Mwanaisha",
    "Godfrey",
    "Happiness",
    "Joseph",
    "Fatuma",
    "Elia",
    "Grace",
    "Abdallah",
    "Esther",
    "Daudi",
    "Mariamu",
    "Yusuph",
    "Agnes",
    "Omari",
    "Lucy",
    "Athumani",
    "Jesca",
    "Frank",
    "Halima",
    "Nassoro",
)
LAST_NAMES = (
    "Mushi",
    "Mwakyusa",
    "Massawe",
    "Lyimo",
    "Kimaro",
    "Mollel",
    "Swai",
    "Komba",
    "Mrema",
    "Mfinanga",
    "Ngowi",
    "Kileo",
    "Shirima",
    "Chacha",
    "Magesa",
    "Mbwana",
    "Kombo",
    "Salum",
    "Msuya",
    "Nyirenda",
    "Mwita",
    "Temba",
    "Laizer",
    "Kapinga",
    "Haule",
    "Mapunda",
    "Lema",
    "Makame",
    "Said",
    "Mwakalinga",
)
# Reserved example domains (RFC 2606): demo e-mail never reaches a real mailbox.
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")
MOBILE_PREFIXES = ("71", "74", "75", "76", "77", "78")

OFFICERS = (
    "Rehema Mwakalinga",
    "Baraka Mwakyusa",
    "Joseph Massawe",
    "Zawadi Lyimo",
    "Emmanuel Kimaro",
    "Halima Said",
    "Godfrey Mollel",
    "Upendo Swai",
    "Ibrahimu Mfinanga",
    "Anna Komba",
    "Salma Abdallah",
    "Peter Mwita",
    "Winfrida Temba",
    "Hassani Makame",
    "Scholastica Haule",
    "Gabriel Mapunda",
)
SUPERVISORS = ("Dkt. Elizabeth Nyirenda", "Mhandisi Charles Shirima", "Bi. Mwanahawa Salum", "Bw. Daniel Lema")

GENERIC_REPLIES: dict[TicketType, dict[str, str]] = {
    TicketType.QUESTION: {
        "sw": "Asante kwa swali lako. Huduma hii hutolewa katika ofisi zetu za wilaya na kupitia mfumo wetu "
        "wa mtandaoni. Fika ukiwa na kitambulisho chako; maafisa wetu watakuelekeza hatua zote.",
        "en": "Thank you for your question. This service is provided at our district offices and through our "
        "online system. Please bring your ID; our officers will guide you through every step.",
    },
    TicketType.COMPLAINT: {
        "sw": "Tunaomba radhi kwa usumbufu. Tumefuatilia suala lako na hatua za kulirekebisha zimechukuliwa. "
        "Tafadhali tujulishe kama tatizo litajirudia.",
        "en": "We apologise for the inconvenience. We have followed up your complaint and it has been put right. "
        "Please tell us if the problem happens again.",
    },
    TicketType.SUGGESTION: {
        "sw": "Asante kwa pendekezo lako zuri. Limewasilishwa kwa menejimenti na litazingatiwa katika mpango "
        "wa kuboresha huduma wa mwaka ujao.",
        "en": "Thank you for your suggestion. It has been passed to management and will be considered in next "
        "year's service improvement plan.",
    },
    TicketType.OPINION: {
        "sw": "Asante kwa maoni yako. Tumeyapokea na yatajadiliwa na kitengo kinachohusika ili kuboresha huduma.",
        "en": "Thank you for your views. They have been shared with the unit concerned to help improve the service.",
    },
    TicketType.COMMENDATION: {
        "sw": "Asante sana kwa pongezi zako. Tumeziwasilisha kwa watumishi husika; zitawatia moyo kuendelea "
        "kutoa huduma bora.",
        "en": "Thank you very much for your kind words. We have passed them on to the staff concerned.",
    },
}

# The institution asks for information, and what the citizen answers.
INFO_EXCHANGES: dict[str, tuple[tuple[str, str], ...]] = {
    "sw": (
        (
            "Tafadhali tupe maelezo zaidi: mahali hasa (mtaa au kijiji), tarehe tatizo lilipoanza, na namba yoyote "
            "ya kumbukumbu uliyopewa.",
            "Asanteni. Ni karibu na ofisi ya serikali ya mtaa; tatizo lilianza wiki mbili zilizopita. Sikupewa "
            "namba ya kumbukumbu.",
        ),
        (
            "Tafadhali eleza hatua ulizokwisha kuchukua: ofisi uliyofika, tarehe, na majina ya watumishi "
            "uliowasiliana nao kama unayakumbuka.",
            "Nilifika ofisini mara mbili mwezi huu na kuhudumiwa na dirisha la huduma kwa wateja; majina yao "
            "siyakumbuki.",
        ),
        (
            "Ili tuweze kufuatilia, tunaomba namba ya kumbukumbu au namba ya malipo (control number) "
            "inayohusiana na hoja yako, kama unayo.",
            "Namba ya kumbukumbu ni {namba}. Naomba mnisaidie haraka.",
        ),
    ),
    "en": (
        (
            "Please tell us more: the exact place (street or village), when the problem started, and any reference "
            "number you were given.",
            "Thank you. It is next to the street office; the problem started two weeks ago. I was not given a "
            "reference number.",
        ),
        (
            "So that we can follow this up, please send the reference or control number related to your ticket, "
            "if you have one.",
            "The reference number is {namba}.",
        ),
    ),
}

NOTES = (
    "Nimewasiliana na ofisi ya wilaya kuhakiki taarifa za mwananchi.",
    "Suala hili limejitokeza kwa wananchi wengine wa eneo hilo; nimelipeleka kwa kitengo cha ufundi.",
    "Nimeomba taarifa kutoka mfumo wa malipo; nasubiri majibu kesho.",
    "Mwananchi alipigiwa simu na kuelezwa hatua zinazoendelea.",
    "Tafadhali kipaumbele: suala linagusa usalama wa watoto.",
)

REOPEN_MESSAGES = {
    "sw": (
        "Sijaridhika na majibu. Tatizo bado lipo hadi leo na hakuna aliyefika kukagua.",
        "Mlisema suala limetatuliwa lakini hali ni ileile. Naomba hoja ifunguliwe upya.",
    ),
    "en": ("I am not satisfied: the problem has not been fixed and nobody came to check.",),
}

REOPEN_NOTES = (
    "Hoja imefunguliwa upya na mwananchi. Nimemwelekeza afisa kufika eneo la tukio na kuleta taarifa ndani ya "
    "siku 3 za kazi.",
    "Rufaa imepokelewa. Timu itakagua upya na kumjibu mwananchi.",
)

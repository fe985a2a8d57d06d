"""More ways citizens write about each service, made combinatorially, so that the demo (and benchmarks/routing.py,
which learns from it) is not a handful of sentences repeated.

How the text is made: for every service there are two short Swahili and two short English statements of what
citizens most often write about (below, written for the demo). A ticket takes one of them and puts it in a frame: a
greeting or none, the place when the ticket has one, a second sentence of context, a plea or none. Then, drawn at
random from the ticket's own seeded generator: Swahili with English words mixed in as citizens write ("bill ya maji
imekuja kubwa", "network haipo", "nimeapply online"), an English statement framed in Swahili greetings and pleas,
and text written as on a phone (lower case, dropped punctuation, SMS abbreviations such as "tafadhal", "nomba",
"sana"→"san", "pls", and one letter lost or doubled in a long word). The subject is a short form of the statement.
"""

from __future__ import annotations

import random
import re

PHRASES: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {
    "nida-usajili": (
        (
            "nimeshindwa kujisajili NIDA kwa sababu mfumo uko chini kila siku",
            "foleni ya usajili wa kitambulisho ni ndefu sana ofisini",
        ),
        (
            "I could not register for the national ID because the system is always down",
            "the queue for national ID registration is too long",
        ),
    ),
    "nida-nin": (
        (
            "namba yangu ya NIN bado haijatoka tangu nijisajili",
            "nimesubiri namba ya utambulisho wa taifa kwa miezi {n}",
        ),
        (
            "my NIN number has not come out since I registered",
            "I have waited {n} months for my national identification number",
        ),
    ),
    "nida-kadi": (
        (
            "kadi yangu ya kitambulisho cha taifa haijafika ofisi ya wilaya",
            "nimepoteza kitambulisho cha taifa nataka kupata kadi nyingine",
        ),
        (
            "my national ID card has not reached the district office",
            "I lost my national ID card and need a replacement",
        ),
    ),
    "nida-marekebisho": (
        (
            "jina langu limekosewa kwenye kitambulisho cha taifa",
            "tarehe ya kuzaliwa kwenye kitambulisho changu si sahihi",
        ),
        ("my name is misspelt on my national ID", "the date of birth on my national ID card is wrong"),
    ),
    "rita-kuzaliwa": (
        (
            "cheti cha kuzaliwa cha mtoto wangu hakijatoka",
            "nataka kupata cheti cha kuzaliwa kwa mtoto aliyezaliwa nyumbani",
        ),
        (
            "my child's birth certificate has not been issued",
            "how do I get a birth certificate for a child born at home",
        ),
    ),
    "rita-vifo": (
        ("tunahitaji cheti cha kifo cha marehemu baba yetu", "cheti cha kifo tulichoomba kimechelewa sana"),
        ("we need a death certificate for our late father", "the death certificate we applied for is very late"),
    ),
    "rita-ndoa": (
        ("cheti chetu cha ndoa kina makosa ya jina", "tunataka kusajili ndoa yetu na kupata cheti cha ndoa"),
        ("our marriage certificate has a wrong name", "how do we register our marriage and get the certificate"),
    ),
    "rita-wosia-mirathi": (
        ("nataka kuhifadhi wosia wangu RITA", "msimamizi wa mirathi ya marehemu hajateuliwa bado"),
        ("I want to deposit my will with RITA", "how is an administrator of the deceased's estate appointed"),
    ),
    "tra-tin": (
        ("nataka kupata TIN ya biashara mtandaoni", "cheti changu cha TIN kina jina lisilo sahihi"),
        ("I want to get a TIN for my business online", "my TIN certificate shows the wrong name"),
    ),
    "tra-kodi-mapato": (
        ("nimekatwa kodi ya mapato mara mbili kwenye mshahara", "sijui jinsi ya kuwasilisha ritani ya kodi ya mapato"),
        ("income tax was deducted twice from my salary", "how do I file my income tax return"),
    ),
    "tra-leseni-udereva": (
        ("leseni yangu ya udereva haijatoka baada ya kulipia", "nataka kuhuisha leseni ya udereva iliyoisha muda"),
        ("my driving licence has not come out after I paid", "how do I renew my expired driving licence"),
    ),
    "tra-usajili-magari": (
        ("kadi ya usajili wa gari haijabadilishwa jina la mmiliki", "pikipiki yangu haijapata namba ya usajili"),
        (
            "the car registration card still shows the old owner",
            "my motorcycle has not been given a registration number",
        ),
    ),
    "tra-efd": (
        ("mashine ya EFD imeharibika na siwezi kutoa risiti", "wafanyabiashara hawatoi risiti za EFD sokoni"),
        ("my EFD machine is broken and I cannot issue receipts", "shops here do not give EFD receipts"),
    ),
    "tanesco-kuunganishiwa": (
        ("nimelipia kuunganishiwa umeme lakini sijaunganishiwa", "nguzo za umeme hazijaletwa kwangu tangu nilipe"),
        (
            "I paid for an electricity connection but I am still not connected",
            "the poles for my new power connection never came",
        ),
    ),
    "tanesco-kukatika": (
        ("umeme unakatika kila siku mtaani kwetu", "hatuna umeme kwa siku {n} sasa"),
        ("power goes off every day in our area", "we have had no electricity for {n} days"),
    ),
    "tanesco-luku": (
        ("nimenunua LUKU lakini token haiingii kwenye mita", "mita yangu ya LUKU inasoma error"),
        ("I bought LUKU but the token does not go into the meter", "my LUKU meter shows an error"),
    ),
    "tanesco-usalama": (
        ("nguzo ya umeme imeinama na inakaribia kuanguka", "waya wa umeme umeanguka karibu na shule"),
        ("an electricity pole is leaning and about to fall", "a power line has fallen near the school"),
    ),
    "dawasa-maji": (
        ("maji hayatoki bombani kwa wiki {n}", "maji yanatoka machafu na yana harufu"),
        ("no water from the tap for {n} weeks", "the tap water is dirty and smells"),
    ),
    "dawasa-uvujaji": (
        ("bomba kubwa la maji limepasuka barabarani", "maji yanavuja mtaani kwa siku nyingi bila kutengenezwa"),
        ("a big water pipe has burst on the road", "water has been leaking in our street for days"),
    ),
    "dawasa-bili": (
        ("bili ya maji imekuja kubwa kuliko matumizi", "mita ya maji inasoma vibaya na bili ni kubwa"),
        ("my water bill is far higher than what we use", "the water meter reads wrong and the bill is too high"),
    ),
    "dawasa-majitaka": (
        ("chemba ya majitaka imefurika mtaani", "mfumo wa majitaka umeziba na harufu ni kali"),
        ("the sewage manhole is overflowing in our street", "the sewer is blocked and it smells terrible"),
    ),
    "dawasa-kuunganishiwa": (
        ("nimelipia kuunganishiwa maji lakini sijaunganishiwa", "ombi langu la kuunganishiwa maji halijajibiwa"),
        (
            "I paid for a water connection and I am still not connected",
            "my application for a new water connection has no answer",
        ),
    ),
    "ruwasa-maji-vijijini": (
        ("kisima cha kijiji kimeharibika na hatuna maji", "mradi wa maji kijijini haujakamilika"),
        ("the village water well is broken and we have no water", "the village water project was never finished"),
    ),
    "ega-barua-pepe": (
        ("siwezi kuingia kwenye barua pepe ya serikali", "nimesahau nywila ya barua pepe ya ofisi"),
        ("I cannot log in to my government e-mail", "I forgot the password of my office e-mail"),
    ),
    "ega-mifumo": (
        ("tovuti ya serikali haifunguki", "mfumo wa serikali mtandaoni unakataa kuingia"),
        ("the government website does not open", "the government online system will not let me log in"),
    ),
    "nhif-uanachama": (
        ("kadi yangu ya bima ya afya haijatoka", "nataka kumwongeza mtoto kwenye bima ya afya NHIF"),
        ("my health insurance card has not been issued", "how do I add my child to my NHIF health insurance"),
    ),
    "nhif-huduma": (
        ("hospitali imekataa kadi yangu ya bima ya afya", "nimeambiwa nilipie dawa wakati nina kadi ya NHIF"),
        (
            "the hospital refused my health insurance card",
            "I was told to pay for medicine although I have an NHIF card",
        ),
    ),
    "afya-hospitali-rufaa": (
        ("foleni hospitali ya rufaa ni ndefu sana", "mgonjwa amekaa siku {n} bila kuonwa na daktari bingwa"),
        ("the queue at the referral hospital is far too long", "a patient waited {n} days to see a specialist"),
    ),
    "afya-dawa": (
        ("dawa hazipatikani hospitalini tunaambiwa tukanunue", "hakuna dawa za kisukari kwenye kituo cha afya"),
        (
            "there are no medicines at the hospital, we are sent to buy them",
            "no diabetes medicine at the health facility",
        ),
    ),
    "heslb-mikopo": (
        ("sijapata mkopo wa elimu ya juu ingawa nilistahili", "fedha za mkopo wa chuo hazijaingia kwenye akaunti"),
        (
            "I did not get a higher education loan although I qualified",
            "my student loan money has not reached my account",
        ),
    ),
    "heslb-marejesho": (
        ("nakatwa marejesho ya mkopo wa chuo mara mbili", "nimemaliza kulipa mkopo wa HESLB lakini bado nakatwa"),
        ("my student loan repayment is deducted twice", "I finished paying my HESLB loan but deductions continue"),
    ),
    "necta-matokeo": (
        ("matokeo yangu ya mtihani yamezuiliwa", "cheti changu cha kidato cha nne kina makosa"),
        ("my exam results have been withheld", "my form four certificate has mistakes"),
    ),
    "uhamiaji-pasipoti": (
        ("pasipoti yangu haijatoka baada ya miezi {n}", "ombi la pasipoti mtandaoni limekwama"),
        ("my passport has not come out after {n} months", "my online passport application is stuck"),
    ),
    "polisi-usalama-barabarani": (
        ("nimepigwa faini ya barabarani bila kosa", "askari wa barabarani wanaomba rushwa kwa madereva"),
        ("I was fined by traffic police for nothing", "traffic officers ask drivers for bribes"),
    ),
    "polisi-vituo": (
        ("kituo cha polisi hakijashughulikia kesi yangu", "nimeripoti wizi polisi lakini hakuna hatua"),
        ("the police station has not dealt with my case", "I reported a theft to the police and nothing happened"),
    ),
    "latra-usafiri": (
        ("daladala zinatoza nauli kubwa kuliko iliyopangwa", "mabasi ya mikoani yanajaza abiria kupita kiasi"),
        ("minibuses charge more than the official fare", "upcountry buses carry far too many passengers"),
    ),
    "tanroads-barabara": (
        ("barabara kuu imejaa mashimo makubwa", "daraja kwenye barabara ya mkoa limebomoka"),
        ("the main road is full of big potholes", "the bridge on the regional road has collapsed"),
    ),
    "tcra-laini": (
        (
            "laini yangu imefungwa ingawa nimesajili kwa alama za vidole",
            "kuna laini zimesajiliwa kwa jina langu bila idhini",
        ),
        (
            "my SIM card was blocked although I registered with fingerprints",
            "SIM cards are registered in my name without my consent",
        ),
    ),
    "tcra-huduma": (
        ("mtandao wa simu haupatikani kijijini kwetu", "kampuni ya simu inakata salio bila sababu"),
        ("there is no phone network in our village", "the phone company takes airtime for nothing"),
    ),
    "brela-usajili": (
        ("usajili wa kampuni yangu BRELA umekwama", "jina la biashara nililoomba halijasajiliwa"),
        ("my company registration at BRELA is stuck", "the business name I applied for has not been registered"),
    ),
    "ardhi-hati": (
        ("hati yangu ya kiwanja imechelewa miaka {n}", "nimelipia hati ya ardhi lakini sijapewa"),
        ("my title deed has been delayed for {n} years", "I paid for my certificate of title but never got it"),
    ),
    "ardhi-migogoro": (
        ("jirani amevamia kiwanja changu", "mgogoro wa mpaka wa shamba haujatatuliwa"),
        ("a neighbour has grabbed my plot", "our farm boundary dispute is still not settled"),
    ),
    "psssf-mafao": (
        ("nimestaafu mwaka jana lakini sijalipwa mafao", "pensheni yangu ya kila mwezi imesimama"),
        ("I retired last year and my benefits are not paid", "my monthly pension has stopped"),
    ),
    "nssf-michango": (
        ("mwajiri hapeleki michango yangu NSSF", "michango ya NSSF haionekani kwenye taarifa yangu"),
        ("my employer does not pay my NSSF contributions", "my NSSF contributions do not show on my statement"),
    ),
    "utumishi-watumishi": (
        ("sijapandishwa daraja kwa miaka {n}", "mshahara wangu umekatwa bila maelezo"),
        ("I have not been promoted for {n} years", "my salary was cut without any explanation"),
    ),
    "kilimo-pembejeo": (
        ("mbolea ya ruzuku haijafika kijijini", "mbegu tulizouziwa hazikuota"),
        ("the subsidised fertiliser has not reached our village", "the seeds we were sold did not grow"),
    ),
    "mifugo-uvuvi": (
        ("mifugo inakufa kwa ugonjwa usiojulikana", "wavuvi wanazuiliwa kuvua bila maelezo"),
        ("our cattle are dying of an unknown disease", "fishermen are stopped from fishing without reason"),
    ),
    "maliasili-wanyamapori": (
        ("tembo wameharibu mazao yetu shambani", "fisi wanashambulia mifugo usiku"),
        ("elephants destroyed our crops", "hyenas attack our livestock at night"),
    ),
    "shule": (
        ("shule haina walimu wa kutosha", "wanafunzi wanakaa chini kwa kukosa madawati"),
        ("the school does not have enough teachers", "pupils sit on the floor because there are no desks"),
    ),
    "zahanati-vituo-afya": (
        ("zahanati ya kijiji haina mganga", "kituo cha afya kinafungwa mapema"),
        ("the village dispensary has no clinician", "the health centre closes too early"),
    ),
    "barabara-mitaa": (
        ("barabara ya mtaa wetu haipitiki wakati wa mvua", "mitaro ya barabara ya mtaa imeziba"),
        ("our street cannot be used when it rains", "the drains along our street are blocked"),
    ),
    "usafi-taka": (
        ("taka hazijakusanywa mtaani kwa wiki {n}", "dampo la taka limejaa na linanuka"),
        ("garbage has not been collected for {n} weeks", "the waste dump is full and smells"),
    ),
    "masoko": (
        ("soko halina vyoo wala maji", "wafanyabiashara wa soko wanatozwa ushuru mara mbili"),
        ("the market has no toilets or water", "market traders are charged the levy twice"),
    ),
    "vibali-ujenzi": (
        ("kibali cha ujenzi nilichoomba hakijatoka", "ombi langu la kibali cha kujenga limekaa miezi {n}"),
        (
            "the building permit I applied for has not been issued",
            "my building permit application has waited {n} months",
        ),
    ),
    "leseni-biashara": (
        ("leseni ya biashara haijatolewa baada ya kulipia", "nataka kuhuisha leseni yangu ya biashara"),
        ("my business licence was not issued after I paid", "how do I renew my business licence"),
    ),
    "ushuru-halmashauri": (
        ("tunatozwa ushuru wa halmashauri bila risiti", "ushuru wa huduma umepanda ghafla"),
        ("we pay council levies without receipts", "the council service levy went up suddenly"),
    ),
    "mikopo-asilimia-10": (
        ("kikundi chetu hakijapata mkopo wa asilimia kumi", "mkopo wa halmashauri kwa vijana umechelewa"),
        ("our group did not get the ten per cent council loan", "the council loan for youth groups is late"),
    ),
    "ustawi-jamii": (
        ("mtoto ametelekezwa na wazazi wake", "wazee hawapati msaada wa ustawi wa jamii"),
        ("a child has been abandoned by the parents", "elderly people get no social welfare support"),
    ),
    "mipango-miji": (
        ("kiwanja changu hakijapimwa ingawa nimelipia", "ujenzi holela unaendelea kwenye eneo la wazi"),
        ("my plot has not been surveyed although I paid", "people are building on the open space"),
    ),
    "ugani": (
        ("hatuna afisa ugani kijijini", "afisa kilimo hajatutembelea msimu huu"),
        ("there is no extension officer in our village", "the agricultural officer has not visited this season"),
    ),
    "serikali-za-mitaa": (
        (
            "mwenyekiti wa mtaa anakataa kunipa barua ya utambulisho",
            "ofisi ya kijiji inatoza pesa kwa barua ya utambulisho",
        ),
        (
            "the street chairperson refuses to give me an introduction letter",
            "the village office charges money for an introduction letter",
        ),
    ),
}

# English words citizens mix into Swahili: a Swahili word and the English that replaces it.
SWITCHES: dict[str, str] = {
    "bili": "bill",
    "mita": "meter",
    "leseni": "license",
    "kitambulisho": "ID",
    "cheti": "certificate",
    "barabara": "road",
    "hospitali": "hospital",
    "hospitalini": "hospital",
    "shule": "school",
    "mkopo": "loan",
    "mfumo": "system",
    "mtandao": "network",
    "mtandaoni": "online",
    "ofisi": "office",
    "ombi": "application",
    "namba": "number",
    "akaunti": "account",
    "mshahara": "salary",
    "tovuti": "website",
    "barua pepe": "email",
    "nywila": "password",
    "kadi": "card",
    "pasipoti": "passport",
    "matokeo": "results",
    "mtihani": "exam",
    "kampuni": "company",
    "daraja": "bridge",
    "mashimo": "potholes",
    "dawa": "medicine",
    "faini": "fine",
    "laini": "line",
    "kibali": "permit",
    "kiwanja": "plot",
    "foleni": "queue",
    "bima ya afya": "insurance",
}
SWAHILI_OPENINGS = ("", "", "Habari, ", "Shikamoo, ", "Samahani, ", "Ndugu afisa, ", "Habari za kazi, ")
SWAHILI_CONTEXT = (
    "Nimefuatilia mara {n} bila mafanikio.",
    "Tatizo hili limedumu kwa muda mrefu.",
    "Nimeshaenda ofisini lakini sikusaidiwa.",
    "Namba ya kumbukumbu ni {namba}.",
    "Hii ni mara ya pili naandika.",
    "",
)
SWAHILI_PLEAS = ("", "Naomba msaada.", "Tafadhali nisaidieni haraka.", "Naomba kujua hatua za kuchukua.", "Asanteni.")
ENGLISH_OPENINGS = ("", "", "Hello, ", "Good morning, ", "Dear sir or madam, ")
ENGLISH_CONTEXT = (
    "I have followed up {n} times with no result.",
    "This has gone on for a long time.",
    "I went to the office but got no help.",
    "The reference number is {namba}.",
    "",
)
ENGLISH_PLEAS = ("", "Please help.", "Kindly assist.", "What should I do?", "Thank you.")
MIXED_PLEAS = ("Please msaada.", "Naomba msaada please.", "Help tafadhali.", "Asap tafadhali.", "Please nisaidieni.")
# How words are written on a phone.
SHORTHAND: dict[str, tuple[str, ...]] = {
    "tafadhali": ("tafadhal", "tafathali", "plz"),
    "naomba": ("nomba", "naomb"),
    "sana": ("san", "sanaa"),
    "habari": ("hbr", "habar"),
    "mimi": ("mm",),
    "hakuna": ("hakna",),
    "lakini": ("lkn", "ila"),
    "kwenye": ("kwny",),
    "yangu": ("yng",),
    "msaada": ("msaad", "msada"),
    "asanteni": ("asanten", "asnteni"),
    "please": ("pls", "plz"),
    "you": ("u",),
    "because": ("coz",),
    "thank": ("thnk",),
}
_WORD = re.compile(r"[A-Za-z]+")


def has_phrases(category: str | None) -> bool:
    """Whether other phrasings can be made for tickets about `category`."""
    return category in PHRASES


def phrase(category: str, values: dict[str, object], rng: random.Random) -> tuple[str, str, str]:
    """Another way of writing a ticket about `category`: (language, subject, description)."""
    swahili, english = PHRASES[category]
    style = rng.choices(("sw", "en", "mixed", "framed"), weights=(40, 25, 25, 10))[0]
    if style in ("sw", "mixed"):
        statement = rng.choice(swahili).format(**values)
        if style == "mixed":
            statement = _switch(statement, rng)
        opening, context = rng.choice(SWAHILI_OPENINGS), rng.choice(SWAHILI_CONTEXT)
        plea = rng.choice(MIXED_PLEAS if style == "mixed" else SWAHILI_PLEAS)
        place = f"Niko {values['eneo']}." if "eneo" in values and rng.random() < 0.6 else ""
    else:
        statement = rng.choice(english).format(**values)
        swahili_frame = style == "framed"
        opening = rng.choice(SWAHILI_OPENINGS if swahili_frame else ENGLISH_OPENINGS)
        context = rng.choice(ENGLISH_CONTEXT)
        plea = rng.choice(SWAHILI_PLEAS[1:] if swahili_frame else ENGLISH_PLEAS)
        place = f"I live in {values['eneo']}." if "eneo" in values and rng.random() < 0.6 else ""
    first = f"{opening}{statement}." if opening else f"{statement[0].upper()}{statement[1:]}."
    description = " ".join(part for part in (first, place, context.format(**values), plea) if part)
    subject = _subject(statement)
    if rng.random() < 0.35:
        description = _on_a_phone(description, rng)
        subject = _on_a_phone(subject, rng)
    language = "sw" if style in ("sw", "mixed") else "en"
    return language, subject, description


def _switch(text: str, rng: random.Random) -> str:
    """Swahili with some of its words said in English, as many citizens write."""
    for swahili, english in SWITCHES.items():
        if rng.random() < 0.7:
            text = re.sub(rf"\b{swahili}\b", english, text)
    return text


def _subject(statement: str) -> str:
    words = statement.split()
    short = " ".join(words if len(words) <= 9 else words[:7])
    return f"{short[0].upper()}{short[1:]}"


def _on_a_phone(text: str, rng: random.Random) -> str:
    """`text` as typed quickly on a phone: lower case, little punctuation, shorthand, a slip of the finger."""

    def shorten(match: re.Match[str]) -> str:
        word = match.group(0)
        forms = SHORTHAND.get(word.lower())
        if forms and rng.random() < 0.7:
            return rng.choice(forms)
        if len(word) > 7 and rng.random() < 0.08:
            at = rng.randrange(1, len(word) - 1)
            return word[:at] + word[at + 1 :] if rng.random() < 0.5 else word[:at] + word[at] + word[at:]
        return word

    typed = _WORD.sub(shorten, text.lower())
    return re.sub(r"[.,;:]", "", typed) if rng.random() < 0.6 else typed

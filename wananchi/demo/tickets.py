"""Demo ticket templates: what citizens write about each service, and what the institution answers.

Placeholders: {eneo} the place (ward and district, or district), {wilaya} the district, {mkoa} the region,
{n} a small number, {namba} a long reference number (meter, account, control number). Templates whose
scope is NONE use only {n} and {namba}.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from wananchi.tickets.models import TicketType

ASK, COMPLAIN, SUGGEST, OPINE, PRAISE = (
    TicketType.QUESTION,
    TicketType.COMPLAINT,
    TicketType.SUGGESTION,
    TicketType.OPINION,
    TicketType.COMMENDATION,
)


class Scope(enum.StrEnum):
    """Where a demo ticket happens: nowhere in particular, anywhere, in Dar es Salaam, in a rural district,
    or a local service (a district is then required)."""

    NONE = "none"
    ANY = "any"
    DAR = "dar"
    RURAL = "rural"
    LOCAL = "local"


@dataclass(frozen=True)
class Template:
    """One kind of ticket a citizen writes, with the institution's answer when it is specific."""

    category: str | None  # None: "sijui", the citizen does not know where it belongs
    type: TicketType
    scope: Scope
    subject: str
    description: str
    reply: str | None = None
    language: str = "sw"


def _en(
    category: str | None, type_: TicketType, scope: Scope, subject: str, description: str, reply: str | None = None
) -> Template:
    """A template written in English."""
    return Template(category, type_, scope, subject, description, reply, language="en")


_N, _A, _D, _R, _L = Scope.NONE, Scope.ANY, Scope.DAR, Scope.RURAL, Scope.LOCAL

TEMPLATES: tuple[Template, ...] = (
    # NIDA
    Template(
        "nida-nin",
        ASK,
        _A,
        "Namba ya NIDA (NIN) bado haijatoka",
        "Nilijisajili ofisi ya NIDA wilaya ya {wilaya} miezi {n} iliyopita. Nikiangalia kwa *152*00# "
        "naambiwa taarifa zangu bado zinashughulikiwa. Benki wanaihitaji NIN ili nifungue akaunti. "
        "Naomba kujua lini nitaipata.",
        "Taarifa zako zimekamilika hatua ya uhakiki na Namba ya Utambulisho wa Taifa imetolewa. Utapokea "
        "ujumbe mfupi wenye namba hiyo; unaweza pia kuiangalia kwa kupiga *152*00# na kuchagua NIDA.",
    ),
    Template(
        "nida-kadi",
        COMPLAIN,
        _A,
        "Kitambulisho changu hakijafika ofisi ya NIDA {wilaya}",
        "Nimefuatilia kadi yangu ya Kitambulisho cha Taifa ofisi ya NIDA {wilaya} mara {n} sasa. Kila mara "
        "naambiwa kadi bado haijaletwa ingawa nina NIN tangu mwaka jana. Nimetumia nauli nyingi bila "
        "mafanikio.",
        "Tumehakiki: kadi yako imechapishwa na imetumwa ofisi ya usajili ya wilaya ya {wilaya}. Fika "
        "ukiwa na namba yako ya NIN na nakala ya taarifa uliyopewa wakati wa usajili ili uikabidhiwe.",
    ),
    Template(
        "nida-marekebisho",
        ASK,
        _N,
        "Jina langu limekosewa kwenye Kitambulisho cha Taifa",
        "Jina langu la pili kwenye Kitambulisho cha Taifa limeandikwa tofauti na lilivyo kwenye cheti cha "
        "kuzaliwa na vyeti vya shule. Nifanye nini ili kurekebisha, na inachukua muda gani?",
        "Marekebisho hufanywa ofisi ya NIDA ya wilaya unayoishi. Jaza fomu ya marekebisho ya taarifa ukiwa "
        "na cheti cha kuzaliwa na kitambulisho cha sasa; utaelezwa ada inayohusika. Kadi mpya huchapishwa "
        "baada ya taarifa kuhakikiwa.",
    ),
    Template(
        "nida-usajili",
        PRAISE,
        _A,
        "Pongezi kwa watumishi wa NIDA {wilaya}",
        "Napenda kuwapongeza watumishi wa ofisi ya NIDA {wilaya}. Nilihudumiwa kwa haraka na kwa heshima, "
        "na nilielekezwa vizuri hatua zote za usajili. Hongereni sana.",
        "Asante kwa pongezi zako. Tumeziwasilisha kwa watumishi wa ofisi ya {wilaya}; zitawatia moyo "
        "kuendelea kutoa huduma bora.",
    ),
    _en(
        "nida-usajili",
        SUGGEST,
        _N,
        "Suggestion: send the NIN by SMS as soon as it is issued",
        "Many of us travel to the district office only to learn that our number is not ready. NIDA could send an "
        "SMS to the phone number given at registration when the NIN is issued, and another when the card "
        "reaches the district office.",
    ),
    # RITA
    Template(
        "rita-kuzaliwa",
        ASK,
        _N,
        "Cheti cha kuzaliwa kwa mtoto aliyezaliwa nyumbani",
        "Mtoto wangu alizaliwa nyumbani kijijini hivyo hakupata tangazo la kuzaliwa kutoka hospitali. Sasa "
        "ana miaka {n} na shule wanataka cheti cha kuzaliwa. Nifanye nini?",
        "Mtoto aliyezaliwa nje ya kituo cha afya husajiliwa ofisi ya msajili wa vizazi na vifo ya wilaya. "
        "Fika na barua ya utambulisho kutoka serikali ya kijiji, kiapo cha mzazi na kitambulisho chako. "
        "Usajili uliochelewa unafanyika na cheti hutolewa baada ya uhakiki.",
    ),
    Template(
        "rita-kuzaliwa",
        COMPLAIN,
        _N,
        "Cheti cha kuzaliwa nilichoomba mtandaoni hakijatoka",
        "Niliomba cheti cha kuzaliwa kupitia mfumo wa eRITA na kulipa kwa namba ya malipo {namba}. Imepita "
        'wiki {n} na hali ya ombi bado inaonyesha "inasubiri uhakiki".',
        "Ombi lako limehakikiwa na cheti kimechapishwa. Utapokea ujumbe mfupi wa kukichukua katika ofisi "
        "uliyochagua wakati wa kuomba. Tunaomba radhi kwa kuchelewa.",
    ),
    _en(
        "rita-vifo",
        ASK,
        _A,
        "How do I get a death certificate for my late father?",
        "My father passed away at home in {wilaya} district two months ago. The family needs a death certificate "
        "to open the probate case. Which documents are required and where do we apply?",
        "Apply at the district registrar's office in {wilaya} with the burial permit or a letter from the village "
        "or street chairperson, a copy of the deceased's ID and your own ID. The certificate is issued after "
        "verification.",
    ),
    Template(
        "rita-wosia-mirathi",
        ASK,
        _N,
        "Utaratibu wa kuhifadhi wosia RITA",
        "Naomba kujua utaratibu wa kuhifadhi wosia wangu katika ofisi za RITA, nyaraka zinazohitajika na "
        "kama familia itaarifiwa baada ya kifo changu.",
        "Wosia huhifadhiwa RITA ukiwa umesainiwa mbele ya mashahidi wawili. Wasilisha wosia ukiwa kwenye "
        "bahasha iliyofungwa pamoja na kitambulisho chako; utapewa stakabadhi ya uhifadhi. Wosia hufunguliwa "
        "baada ya kifo kwa ombi la msimamizi wa mirathi.",
    ),
    Template(
        "rita-ndoa",
        COMPLAIN,
        _N,
        "Cheti cha ndoa kimeandikwa jina kimakosa",
        "Cheti chetu cha ndoa kimeandikwa jina la mke wangu vibaya. Tuliomba marekebisho miezi {n} "
        "iliyopita na hatujapata jibu lolote. Tunakihitaji kwa ajili ya pasipoti.",
        "Marekebisho yameidhinishwa. Cheti kipya kiko tayari; mfike wote wawili mkiwa na cheti cha zamani "
        "na vitambulisho vyenu.",
    ),
    # TRA
    Template(
        "tra-leseni-udereva",
        COMPLAIN,
        _A,
        "Leseni ya udereva haijatoka wiki {n} baada ya kulipia",
        "Nililipia kuhuisha leseni yangu ya udereva katika ofisi ya TRA {wilaya}. Imepita wiki {n} na bado "
        "naambiwa kadi haijachapishwa. Nimeshasimamishwa na trafiki mara mbili.",
        "Leseni yako imechapishwa na imefika ofisi ya TRA {wilaya}. Kwa sasa risiti ya malipo pamoja na "
        "leseni ya zamani zinakutosha kuonyesha askari wa usalama barabarani.",
    ),
    Template(
        "tra-tin",
        ASK,
        _N,
        "Kupata TIN ya biashara kupitia mtandao",
        "Nataka kufungua duka dogo la vifaa vya ujenzi. Je, naweza kupata TIN kupitia mtandao? Nyaraka "
        "gani zinahitajika?",
        "Ndiyo. Omba TIN kupitia mfumo wa usajili wa TRA mtandaoni ukitumia Namba ya Utambulisho wa Taifa "
        "(NIN). TIN ya mtu binafsi hutolewa bila malipo na cheti chake kinapakuliwa mara baada ya kuidhinishwa.",
    ),
    Template(
        "tra-efd",
        OPINE,
        _A,
        "Maoni kuhusu gharama za mashine za EFD kwa wafanyabiashara wadogo",
        "Sisi wafanyabiashara wadogo wa {eneo} tunaona gharama ya mashine za EFD ni kubwa ukilinganisha na "
        "mauzo yetu. Tunaomba utaratibu wa kutoa risiti kwa simu janja uangaliwe.",
    ),
    _en(
        "tra-usajili-magari",
        ASK,
        _N,
        "Transferring ownership of a used car",
        "I bought a used car from a private seller. What documents do we both need to transfer ownership, and can "
        "the process be started online?",
        "Both of you sign the transfer form and attach copies of your IDs and TINs, the registration card and the "
        "sale agreement. The buyer pays the transfer fee with a control number and a new registration card is "
        "issued in the buyer's name.",
    ),
    Template(
        "tra-kodi-mapato",
        COMPLAIN,
        _N,
        "Nimetozwa riba ya kuchelewa ingawa nililipa kwa wakati",
        "Nililipa kodi ya mapato ya awamu ya pili kabla ya tarehe ya mwisho kwa namba ya malipo {namba}, "
        "lakini taarifa ya akaunti inaonyesha riba na adhabu ya kuchelewa.",
        "Tumehakiki malipo yako: yalipokelewa kwa wakati lakini yaliingizwa kwenye kipindi kisicho sahihi. "
        "Riba na adhabu zimefutwa na taarifa ya akaunti imerekebishwa.",
    ),
    # TANESCO
    Template(
        "tanesco-kukatika",
        COMPLAIN,
        _A,
        "Umeme umekatika kwa siku {n} {eneo}",
        "Tangu siku {n} zilizopita umeme umekatika mtaani kwetu {eneo}. Tumepiga simu kituo cha dharura "
        "lakini hakuna fundi aliyefika. Vyakula vinaharibika na wafanyabiashara wanapata hasara.",
        "Hitilafu ilisababishwa na transfoma iliyoungua. Mafundi wameibadilisha na umeme umerejea. Tunaomba "
        "radhi kwa usumbufu.",
    ),
    Template(
        "tanesco-luku",
        COMPLAIN,
        _N,
        "Nimenunua LUKU lakini tokeni haijafika",
        "Nimenunua umeme wa shilingi 20,000 kwa simu kwa mita namba {namba}. Pesa imekatwa lakini sijapokea "
        "tokeni hadi sasa.",
        "Tumehakiki muamala wako; tokeni imetumwa upya kwa ujumbe mfupi. Ikikataa kuingia kwenye mita, "
        "wasiliana nasi tena ukitaja namba ya mita.",
    ),
    Template(
        "tanesco-kuunganishiwa",
        COMPLAIN,
        _A,
        "Nililipia kuunganishiwa umeme miezi {n} iliyopita",
        "Nililipia gharama za kuunganishiwa umeme nyumbani kwangu {eneo}. Nguzo zimesimikwa lakini bado "
        "sijaunganishiwa na sijaambiwa sababu.",
        "Maombi yako yamepangwa kwenye ratiba ya kuunganisha wiki hii. Mafundi watakupigia simu kabla ya "
        "kufika. Hakikisha mfumo wa nyaya ndani ya nyumba umekaguliwa.",
    ),
    Template(
        "tanesco-usalama",
        COMPLAIN,
        _A,
        "Nguzo ya umeme imeinama karibu na shule {eneo}",
        "Nguzo ya umeme iliyoko {eneo} karibu na shule ya msingi imeinama tangu mvua za wiki iliyopita na "
        "nyaya zimeshuka karibu na ardhi. Ni hatari kwa watoto.",
        "Asante kwa taarifa. Mafundi wameizima laini hiyo, wamesimika nguzo mpya na kunyoosha nyaya.",
    ),
    _en(
        "tanesco-kukatika",
        PRAISE,
        _A,
        "Thank you for restoring power so quickly",
        "Our street in {eneo} lost power during last night's storm. TANESCO technicians came before dawn and power "
        "was back by nine in the morning. Well done to the emergency team.",
        "Thank you for your kind words; we have shared them with the emergency team.",
    ),
    # DAWASA and RUWASA
    Template(
        "dawasa-maji",
        COMPLAIN,
        _D,
        "Hatuna maji kwa wiki {n} {eneo}",
        "Maji hayatoki kabisa kwenye bomba letu {eneo} kwa wiki {n} sasa. Tunanunua maji ya ndoo kwa "
        "shilingi 500. Hatujapewa taarifa yoyote ya matengenezo.",
        "Upungufu ulitokana na matengenezo ya bomba kuu. Kazi imekamilika na maji yameanza kutoka kwa mgao; "
        "ratiba ya mgao imebandikwa kwenye ofisi ya serikali ya mtaa.",
    ),
    Template(
        "dawasa-uvujaji",
        COMPLAIN,
        _D,
        "Bomba limepasuka barabarani {eneo}",
        "Bomba la maji limepasuka barabarani {eneo} na maji mengi yanamwagika kwa siku {n}. Barabara "
        "imeanza kuharibika na maji yanapotea bure.",
        "Mafundi wamefika na kuziba bomba lililopasuka. Asante kwa kutujulisha.",
    ),
    Template(
        "dawasa-bili",
        COMPLAIN,
        _D,
        "Bili ya maji imekuja kubwa kuliko kawaida",
        "Bili yangu ya mwezi huu ni shilingi 185,000 wakati kawaida huwa kati ya 30,000 na 40,000. Hakuna "
        "mabadiliko ya matumizi nyumbani. Naomba mita ihakikiwe. Namba ya akaunti ni {namba}.",
        "Mita yako imekaguliwa: ilisomwa kimakosa. Bili imerekebishwa na kiasi kilichozidi kitapunguzwa "
        "kwenye bili ijayo.",
    ),
    Template(
        "dawasa-majitaka",
        COMPLAIN,
        _D,
        "Chemba ya majitaka inafurika {eneo}",
        "Chemba ya majitaka iliyoko {eneo} inafurika kila siku asubuhi na harufu ni kali. Tunahofia "
        "magonjwa ya mlipuko kwa watoto.",
    ),
    _en(
        "dawasa-kuunganishiwa",
        ASK,
        _D,
        "How long does a new water connection take?",
        "I applied for a new water connection for my house in {eneo} and paid the survey fee. How long does it "
        "usually take, and how will I know the cost of the connection?",
        "After the survey you receive a quotation by SMS with a control number. Once it is paid, the connection is "
        "usually made within two weeks.",
    ),
    Template(
        "dawasa-maji",
        PRAISE,
        _D,
        "Pongezi kwa kurejesha maji haraka {eneo}",
        "Tunaipongeza DAWASA kwa kurekebisha tatizo la maji {eneo} ndani ya siku moja baada ya kutoa "
        "taarifa. Mafundi walikuwa wakarimu na walieleza kilichotokea.",
    ),
    Template(
        "ruwasa-maji-vijijini",
        COMPLAIN,
        _R,
        "Kituo cha kuchotea maji kimeharibika kijijini, {eneo}",
        "Kituo cha kuchotea maji kilichojengwa mwaka jana kijijini kwetu, {eneo}, kimeharibika kwa miezi "
        "{n}. Akina mama wanatembea umbali mrefu kuchota maji mtoni.",
        "Timu ya RUWASA wilaya imekagua kituo na kubadilisha pampu. Kamati ya maji ya kijiji imeelekezwa "
        "namna ya kutoa taarifa mapema.",
    ),
    # e-GA
    Template(
        "ega-barua-pepe",
        ASK,
        _N,
        "Siwezi kuingia kwenye barua pepe ya Serikali",
        "Mimi ni mtumishi wa umma. Tangu nibadilishe nenosiri wiki iliyopita siwezi kuingia kwenye barua "
        "pepe yangu ya Serikali; naambiwa akaunti imefungwa.",
        "Akaunti yako ilifungwa baada ya majaribio mengi ya kuingia. Imefunguliwa; tumia nenosiri la muda "
        "ulilotumiwa kupitia afisa TEHAMA wa taasisi yako, kisha ulibadilishe.",
    ),
    _en(
        "ega-mifumo",
        COMPLAIN,
        _N,
        "Government portal times out when uploading documents",
        "The online application portal times out every time I upload my documents, on both phone and computer. "
        "I have tried for {n} days.",
        "A fault in the upload service has been fixed. Please try again; files up to 5 MB are accepted.",
    ),
    Template(
        "ega-mifumo",
        SUGGEST,
        _N,
        "Pendekezo: mifumo ya Serikali ifanye kazi kwenye simu za kawaida",
        "Wananchi wengi vijijini hawana simu janja. Napendekeza huduma za mifumo ya Serikali zipatikane pia "
        "kwa USSD na ujumbe mfupi wa simu.",
    ),
    # Health
    Template(
        "nhif-huduma",
        COMPLAIN,
        _A,
        "Nimekataliwa huduma kwa kadi ya NHIF {eneo}",
        "Nilienda kituo cha afya {eneo} nikaambiwa kadi yangu ya NHIF haisomi kwenye mfumo ingawa nimelipia "
        "mwaka mzima. Nililazimika kulipa fedha taslimu.",
        "Tumehakiki: uanachama wako ni hai. Tatizo lilikuwa la mfumo wa kituo na limerekebishwa. Wasilisha "
        "risiti ya fedha ulizolipa kwa ofisi yetu ya mkoa ili urejeshewe.",
    ),
    Template(
        "nhif-uanachama",
        ASK,
        _N,
        "Kumwongeza mtoto kwenye bima ya afya",
        "Nimepata mtoto wa pili. Nifanye nini ili kumwongeza kwenye uanachama wangu wa NHIF kama mtegemezi?",
        "Wasilisha cheti cha kuzaliwa cha mtoto kupitia ofisi ya NHIF iliyo karibu au kwa mwajiri wako; "
        "mtoto ataongezwa kama mtegemezi na kadi yake itatolewa.",
    ),
    Template(
        "afya-dawa",
        COMPLAIN,
        _A,
        "Dawa hazipatikani hospitali ya rufaa ya mkoa wa {mkoa}",
        "Nimeandikiwa dawa za kisukari hospitali ya rufaa ya mkoa wa {mkoa} lakini kwa mwezi wa {n} sasa "
        "naambiwa hazipo, nikanunue duka la dawa.",
        "Upungufu ulitokana na kuchelewa kwa mzigo. Dawa zimefika na zinapatikana katika dirisha la dawa la hospitali.",
    ),
    _en(
        "afya-hospitali-rufaa",
        PRAISE,
        _A,
        "Thank you to the maternity ward staff",
        "My wife gave birth at the regional referral hospital in {mkoa} last week. The midwives were attentive "
        "and kind throughout. Please pass our thanks to them.",
    ),
    # Education, loans, examinations
    Template(
        "heslb-mikopo",
        ASK,
        _N,
        "Sijapangiwa mkopo wa elimu ya juu",
        "Nimedahiliwa chuo mwaka huu na nilijaza maombi ya mkopo kwa wakati, lakini jina langu halimo "
        "kwenye awamu ya kwanza wala ya pili. Nifanye nini?",
        "Maombi yako yalikuwa na upungufu wa nyaraka. Ingia kwenye akaunti yako ya maombi, pakia nyaraka "
        "zinazotakiwa na maombi yatafikiriwa kwenye awamu inayofuata.",
    ),
    _en(
        "heslb-marejesho",
        COMPLAIN,
        _N,
        "Loan repayment deducted twice from my salary",
        "My student loan repayment was deducted twice from my salary this month: once by my employer and once "
        "through my own control number {namba}.",
        "We have confirmed the double payment. The extra amount has been credited to your loan account and will "
        "shorten your repayment period.",
    ),
    Template(
        "necta-matokeo",
        ASK,
        _N,
        "Nakala ya cheti cha kidato cha nne kilichopotea",
        "Cheti changu cha kidato cha nne kilipotea wakati wa kuhama nyumba. Naomba kujua utaratibu wa kupata "
        "cheti mbadala au uthibitisho wa matokeo.",
        "NECTA haitoi cheti mbadala; hutoa uthibitisho wa matokeo. Omba kupitia mfumo wa NECTA mtandaoni "
        "ukiwa na taarifa ya polisi ya upotevu na nakala ya kitambulisho.",
    ),
    # Home affairs
    Template(
        "uhamiaji-pasipoti",
        COMPLAIN,
        _N,
        "Pasipoti yangu imechelewa",
        "Niliomba pasipoti kwa njia ya mtandao na kuhojiwa ofisi ya uhamiaji miezi {n} iliyopita. Ninasafiri "
        "kwa matibabu mwezi ujao na bado sijapata pasipoti.",
        "Pasipoti yako imechapishwa na iko tayari kuchukuliwa katika ofisi uliyohojiwa.",
    ),
    Template(
        "polisi-usalama-barabarani",
        COMPLAIN,
        _A,
        "Nimetozwa faini ya papo kwa papo isiyo sahihi",
        "Nimepokea ujumbe wa faini ya papo kwa papo kwa gari langu kwa kosa lililofanyika {eneo}, lakini siku "
        "hiyo gari lilikuwa gereji. Namba ya kumbukumbu ni {namba}.",
        "Tumehakiki kumbukumbu na kukuta namba ya gari iliandikwa kimakosa. Faini imefutwa.",
    ),
    Template(
        "polisi-vituo",
        PRAISE,
        _A,
        "Pongezi kwa dawati la jinsia na watoto {wilaya}",
        "Nawapongeza askari wa dawati la jinsia na watoto kituo cha polisi {wilaya} kwa kumsaidia dada yangu "
        "kwa upole na usiri mkubwa.",
    ),
    # Transport, communications, business, land
    Template(
        "latra-usafiri",
        OPINE,
        _A,
        "Maoni kuhusu nauli za daladala {eneo}",
        "Daladala za njia ya {eneo} zinatoza nauli zaidi ya ile iliyoidhinishwa nyakati za jioni. Abiria "
        "hatujui tunaweza kulalamika wapi.",
    ),
    Template(
        "tanroads-barabara",
        SUGGEST,
        _A,
        "Pendekezo la kivuko cha waenda kwa miguu barabara kuu {eneo}",
        "Barabara kuu inayopita {eneo} ina msongamano mkubwa na wanafunzi wanavuka kwa shida. Napendekeza "
        "kivuko cha waenda kwa miguu chenye alama na matuta karibu na shule.",
    ),
    Template(
        "tcra-laini",
        ASK,
        _N,
        "Laini yangu imefungiwa",
        "Laini yangu ya simu imefungiwa ingawa niliisajili kwa alama za vidole miaka {n} iliyopita. Nifanye "
        "nini ili ifunguliwe?",
        "Laini hufungiwa pale usajili wake haukulinganishwa na NIN. Fika kwa wakala wa kampuni yako ya simu "
        "ukiwa na NIN ili uhakiki usajili; laini itafunguliwa mara moja.",
    ),
    Template(
        "tcra-huduma",
        OPINE,
        _A,
        "Maoni kuhusu ubora wa intaneti {eneo}",
        "Intaneti ya simu {eneo} imekuwa ya kusuasua kwa miezi {n}, hasa jioni. Tunaomba mamlaka ifuatilie "
        "ubora wa huduma za makampuni ya simu.",
    ),
    _en(
        "brela-usajili",
        ASK,
        _N,
        "Registering a business name online",
        "I want to register a business name for my tailoring shop. Can I do it entirely online, and how long "
        "does it take?",
        "Yes. Register through the BRELA online registration system using your NIN. Once the fee is paid with the "
        "control number, the certificate is usually issued within a few days and downloaded from your account.",
    ),
    Template(
        "ardhi-hati",
        COMPLAIN,
        _A,
        "Hati miliki imechelewa kwa mwaka mmoja",
        "Nilikamilisha malipo yote ya hati miliki ya kiwanja changu {eneo} mwaka jana. Hadi leo naambiwa "
        "faili liko kwa kamishna wa ardhi.",
        "Hati yako imesainiwa na iko tayari kuchukuliwa katika ofisi ya kamishna msaidizi wa ardhi wa mkoa.",
    ),
    Template(
        "ardhi-migogoro",
        COMPLAIN,
        _A,
        "Mgogoro wa mpaka wa shamba {eneo}",
        "Jirani yangu amehamisha mawe ya mpaka wa shamba letu {eneo} na kuanza kujenga. Tulipeleka suala "
        "kwa mwenyekiti wa kijiji lakini halijatatuliwa.",
    ),
    # Pensions, public service, agriculture, wildlife
    Template(
        "psssf-mafao",
        COMPLAIN,
        _N,
        "Mafao ya kustaafu hayajalipwa",
        "Nimestaafu utumishi wa umma miezi {n} iliyopita na nimewasilisha nyaraka zote, lakini bado sijalipwa "
        "mkupuo wala pensheni ya kila mwezi.",
        "Faili lako limekamilika. Mkupuo umelipwa kwenye akaunti yako ya benki na pensheni ya kila mwezi "
        "itaanza mwezi ujao.",
    ),
    Template(
        "nssf-michango",
        ASK,
        _N,
        "Mwajiri hakuwasilisha michango yangu",
        "Taarifa ya michango yangu inaonyesha miezi {n} haina michango ingawa mshahara wangu ulikatwa. Nifanye nini?",
        "Tumemwandikia mwajiri wako kuwasilisha michango iliyokatwa pamoja na adhabu. Tutakujulisha "
        "ikishaingizwa kwenye akaunti yako.",
    ),
    Template(
        "utumishi-watumishi",
        COMPLAIN,
        _N,
        "Malimbikizo ya mshahara baada ya kupandishwa daraja",
        "Nilipandishwa daraja miezi {n} iliyopita lakini mshahara mpya haujaanza wala malimbikizo hayajalipwa.",
        "Taarifa zako zimeingizwa kwenye mfumo wa taarifa za kiutumishi na mishahara. Mshahara mpya unaanza "
        "mwezi huu; malimbikizo yamehakikiwa na yatalipwa.",
    ),
    Template(
        "kilimo-pembejeo",
        COMPLAIN,
        _R,
        "Mbolea ya ruzuku haijafika kwa mawakala {eneo}",
        "Msimu wa kupanda umeanza lakini mawakala wa mbolea ya ruzuku {eneo} hawana mbolea. Tumeshajisajili "
        "kwenye mfumo wa wakulima.",
    ),
    Template(
        "maliasili-wanyamapori",
        COMPLAIN,
        _R,
        "Tembo wameharibu mashamba {eneo}",
        "Kundi la tembo limeingia mashambani {eneo} mara {n} mwezi huu na kuharibu mahindi. Wananchi "
        "wanaogopa kwenda shambani.",
        "Askari wa wanyamapori wamewarudisha tembo hifadhini. Wakulima walioathirika wafike ofisi ya "
        "maliasili ya wilaya kujaza fomu za kifuta jasho.",
    ),
    Template(
        "mifugo-uvuvi",
        ASK,
        _R,
        "Chanjo ya mifugo {eneo}",
        "Ni lini kampeni ya chanjo ya mifugo itafanyika {eneo}? Ng'ombe wetu wameanza kuugua.",
    ),
    # Local services (councils)
    Template(
        "shule",
        COMPLAIN,
        _L,
        "Upungufu wa madawati shule ya msingi {eneo}",
        "Wanafunzi wa darasa la kwanza hadi la tatu katika shule ya msingi {eneo} wanakaa chini kwa kukosa "
        "madawati. Wazazi tuko tayari kuchangia nguvu kazi.",
        "Halmashauri imetenga madawati kwa shule hiyo katika mgao wa robo hii. Kamati ya shule itajulishwa "
        "tarehe ya kupokea.",
    ),
    Template(
        "shule",
        SUGGEST,
        _L,
        "Pendekezo: matundu zaidi ya vyoo shule ya sekondari {eneo}",
        "Shule ya sekondari {eneo} ina matundu machache ya vyoo ukilinganisha na idadi ya wanafunzi. "
        "Napendekeza ujenzi uwekwe kwenye bajeti ijayo.",
    ),
    Template(
        "shule",
        PRAISE,
        _L,
        "Pongezi kwa walimu wa shule ya sekondari {eneo}",
        "Tunawapongeza walimu wa shule ya sekondari {eneo} kwa matokeo mazuri ya kidato cha nne. Wamejitolea "
        "hata siku za mapumziko.",
    ),
    Template(
        "zahanati-vituo-afya",
        COMPLAIN,
        _L,
        "Zahanati {eneo} haina mganga siku za mwisho wa wiki",
        "Zahanati ya {eneo} hufungwa Jumamosi na Jumapili. Mgonjwa akizidiwa tunalazimika kukodi pikipiki "
        "kwenda hospitali ya wilaya.",
        "Mganga mfawidhi ameelekezwa kupanga zamu za wikendi. Mtumishi mmoja wa ziada amepangwa kuanzia mwezi huu.",
    ),
    _en(
        "zahanati-vituo-afya",
        PRAISE,
        _L,
        "Commendation for the nurses at the health centre in {eneo}",
        "The nurses at the health centre in {eneo} looked after my mother with great patience when she was "
        "admitted last week. They deserve recognition.",
    ),
    Template(
        "barabara-mitaa",
        COMPLAIN,
        _L,
        "Barabara ya mtaa haipitiki wakati wa mvua {eneo}",
        "Barabara ya mtaa wetu {eneo} imejaa mashimo na mvua ikinyesha haipitiki kabisa. Magari ya wagonjwa "
        "hayawezi kufika.",
        "Barabara hiyo imeingizwa kwenye mpango wa matengenezo ya dharura. Kifusi kitamwagwa na kushindiliwa "
        "ndani ya wiki mbili.",
    ),
    _en(
        "barabara-mitaa",
        SUGGEST,
        _L,
        "Street lights for the market road in {eneo}",
        "The road from the market to the bus stop in {eneo} is dark after 7 pm and traders have been robbed. "
        "Solar street lights along it would make it much safer.",
    ),
    Template(
        "usafi-taka",
        COMPLAIN,
        _L,
        "Taka hazijakusanywa kwa wiki {n} {eneo}",
        "Gari la taka halijapita mtaani kwetu {eneo} kwa wiki {n}, ingawa tunalipa ada ya taka kila mwezi. "
        "Taka zimeanza kuzagaa barabarani.",
        "Mzabuni wa ukusanyaji taka ameonywa na ratiba imerejeshwa: gari litapita kila Jumanne na Ijumaa.",
    ),
    Template(
        "usafi-taka",
        OPINE,
        _L,
        "Maoni kuhusu ada ya ukusanyaji taka {eneo}",
        "Ada ya taka {eneo} ni sawa kwa nyumba zote, kubwa na ndogo. Ingekuwa vizuri ada ilingane na kiasi cha taka.",
    ),
    Template(
        "usafi-taka",
        PRAISE,
        _L,
        "Pongezi kwa kampeni ya usafi {eneo}",
        "Hongera halmashauri kwa kampeni ya usafi ya Jumamosi ya mwisho wa mwezi {eneo}. Mitaa sasa ni "
        "safi na mitaro imezibuliwa.",
    ),
    Template(
        "masoko",
        COMPLAIN,
        _L,
        "Soko la {eneo} halina vyoo wala maji",
        "Wafanyabiashara wa soko la {eneo} tunalipa ushuru kila siku lakini soko halina choo wala maji ya "
        "bomba. Wateja wanalalamika.",
        "Ujenzi wa choo cha soko umeidhinishwa na utaanza mwezi ujao; mamlaka ya maji inaunganisha maji ya bomba.",
    ),
    Template(
        "vibali-ujenzi",
        ASK,
        _L,
        "Muda wa kupata kibali cha ujenzi",
        "Nimewasilisha maombi ya kibali cha ujenzi wa nyumba ya kuishi {eneo} pamoja na ramani. Inachukua muda "
        "gani kupata kibali?",
        "Maombi yaliyokamilika hujibiwa ndani ya siku 30. Maombi yako yamepitishwa na kamati ya ujenzi; "
        "utapokea namba ya malipo ya ada ya kibali.",
    ),
    Template(
        "leseni-biashara",
        ASK,
        _L,
        "Leseni ya biashara kwa duka dogo {eneo}",
        "Nataka kufungua duka la rejareja {eneo}. Ni nyaraka gani zinahitajika kupata leseni ya biashara ya "
        "halmashauri?",
        "Utahitaji TIN, cheti cha mlipakodi, mkataba wa pango au hati ya eneo, na kitambulisho. Omba kupitia "
        "mfumo wa leseni mtandaoni; leseni hutolewa baada ya malipo.",
    ),
    Template(
        "ushuru-halmashauri",
        COMPLAIN,
        _L,
        "Ushuru wa huduma umetozwa mara mbili",
        "Kampuni yangu ndogo {eneo} imetozwa ushuru wa huduma mara mbili kwa robo moja. Nina risiti zote mbili.",
        "Tumethibitisha malipo mawili. Kiasi kilichozidi kitahesabiwa kwenye robo inayofuata.",
    ),
    Template(
        "mikopo-asilimia-10",
        ASK,
        _L,
        "Vigezo vya mkopo wa asilimia 10 kwa kikundi cha vijana",
        "Tuna kikundi cha vijana {n} tunaojishughulisha na ufugaji wa kuku {eneo}. Ni vigezo gani vya kupata "
        "mkopo wa asilimia 10 wa halmashauri?",
        "Kikundi kinatakiwa kusajiliwa na halmashauri, kuwa na akaunti ya benki na mradi unaoendelea. "
        "Wasilisheni maombi kwa afisa maendeleo ya jamii wa kata.",
    ),
    Template(
        "mikopo-asilimia-10",
        COMPLAIN,
        _L,
        "Kikundi chetu cha wanawake hakijapewa mkopo",
        "Kikundi chetu cha wanawake {eneo} kilikidhi vigezo na kuhakikiwa na afisa maendeleo ya jamii, lakini "
        "kwenye orodha ya waliopata mkopo hatumo na hatujaambiwa sababu.",
        "Kikundi chenu kimo kwenye mzunguko unaofuata wa mikopo. Afisa maendeleo ya jamii atawapa ratiba ya "
        "mafunzo kabla ya kupokea fedha.",
    ),
    Template(
        "ustawi-jamii",
        ASK,
        _L,
        "Msaada kwa mzee asiye na mtu wa kumtunza {eneo}",
        "Kuna mzee jirani yangu {eneo} anaishi peke yake na hana mtu wa kumtunza. Tunaomba ustawi wa jamii "
        "wamtembelee.",
        "Afisa ustawi wa jamii amemtembelea na kumwingiza kwenye mpango wa msaada wa wazee; atapata pia "
        "kadi ya matibabu ya bure.",
    ),
    Template(
        "mipango-miji",
        COMPLAIN,
        _L,
        "Kiwanja kimoja kimegawiwa kwa watu wawili {eneo}",
        "Nilinunua kiwanja kilichopimwa {eneo} na nina barua ya toleo. Sasa mtu mwingine ana barua ya toleo "
        "ya kiwanja hicho hicho.",
        "Mgogoro umehakikiwa na idara ya ardhi; mmoja wenu atapewa kiwanja mbadala katika eneo hilo.",
    ),
    Template(
        "ugani",
        OPINE,
        _L,
        "Maoni: maafisa ugani wapewe usafiri",
        "Afisa ugani wa kata yetu {eneo} anahudumia vijiji vingi bila usafiri. Wakulima wanamkosa wakati wa msimu.",
    ),
    Template(
        "serikali-za-mitaa",
        COMPLAIN,
        _L,
        "Natozwa fedha kupata barua ya utambulisho {eneo}",
        "Ofisi ya serikali ya mtaa {eneo} inatoza shilingi 5,000 kwa barua ya utambulisho bila kutoa risiti.",
        "Hakuna ada ya barua ya utambulisho. Mtendaji wa mtaa ameonywa na kuelekezwa kutoa huduma bila malipo.",
    ),
    # "Sijui": the citizen does not know which institution
    Template(
        None,
        ASK,
        _N,
        "Sijui niulize wapi kuhusu fidia ya ardhi",
        "Ardhi yetu ilichukuliwa kupisha mradi wa barabara miaka {n} iliyopita na tulifanyiwa tathmini, "
        "lakini hatujalipwa fidia. Tunapaswa kufuatilia wapi?",
        "Fidia ya ardhi iliyochukuliwa kwa ajili ya barabara kuu hulipwa na Wakala wa Barabara (TANROADS). "
        "Wasiliana na meneja wa TANROADS wa mkoa wako ukiwa na nakala ya fomu ya tathmini uliyopewa.",
    ),
    _en(
        None,
        COMPLAIN,
        _N,
        "Not sure where to send this: unfinished bridge",
        "The footbridge between our village and the school was started {n} years ago and left unfinished. Children "
        "cross the river during the rains. I do not know which office is responsible.",
    ),
    Template(
        None,
        OPINE,
        _A,
        "Maoni kuhusu huduma za Serikali {eneo}",
        "Huduma nyingi za Serikali {eneo} sasa zinapatikana kwa simu, jambo zuri. Ila ofisi nyingi bado "
        "zinataka nakala za karatasi za nyaraka zilezile.",
    ),
)

"""The demo services (huduma): national ones owned by the agency or ministry that provides them, local ones
provided by councils (owned by TAMISEMI)."""

from __future__ import annotations

from dataclasses import dataclass

from wananchi.demo.institutions import TAMISEMI
from wananchi.institutions.models import Topic


@dataclass(frozen=True)
class CategorySpec:
    """A service citizens raise tickets about, its owner named by slug."""

    code: str
    owner: str
    name_sw: str
    name_en: str
    is_local: bool = False


def _local(code: str, name_sw: str, name_en: str) -> CategorySpec:
    """A service provided by councils, owned by TAMISEMI."""
    return CategorySpec(code, TAMISEMI, name_sw, name_en, is_local=True)


NATIONAL_SERVICES: tuple[CategorySpec, ...] = (
    CategorySpec("nida-usajili", "nida", "Usajili wa Kitambulisho cha Taifa", "National ID registration"),
    CategorySpec("nida-nin", "nida", "Namba ya Utambulisho wa Taifa (NIN)", "National Identification Number (NIN)"),
    CategorySpec(
        "nida-kadi",
        "nida",
        "Kuchukua na kubadilisha kadi ya Kitambulisho cha Taifa",
        "Collecting and replacing National ID cards",
    ),
    CategorySpec(
        "nida-marekebisho", "nida", "Marekebisho ya taarifa za Kitambulisho cha Taifa", "Correcting National ID details"
    ),
    CategorySpec("rita-kuzaliwa", "rita", "Usajili na vyeti vya kuzaliwa", "Birth registration and certificates"),
    CategorySpec("rita-vifo", "rita", "Usajili na vyeti vya vifo", "Death registration and certificates"),
    CategorySpec("rita-ndoa", "rita", "Usajili wa ndoa na vyeti vya ndoa", "Marriage registration and certificates"),
    CategorySpec("rita-wosia-mirathi", "rita", "Wosia na usimamizi wa mirathi", "Wills and administration of estates"),
    CategorySpec("rita-wadhamini", "rita", "Usajili wa bodi za wadhamini", "Registration of boards of trustees"),
    CategorySpec("tra-tin", "tra", "Namba ya Utambulisho wa Mlipakodi (TIN)", "Taxpayer Identification Number (TIN)"),
    CategorySpec("tra-kodi-mapato", "tra", "Kodi ya mapato", "Income tax"),
    CategorySpec("tra-leseni-udereva", "tra", "Leseni ya udereva", "Driving licences"),
    CategorySpec(
        "tra-usajili-magari", "tra", "Usajili wa magari na pikipiki", "Motor vehicle and motorcycle registration"
    ),
    CategorySpec(
        "tra-efd", "tra", "Mashine za kielektroniki za kutolea risiti (EFD)", "Electronic fiscal devices (EFD)"
    ),
    CategorySpec("tra-forodha", "tra", "Forodha na ushuru wa bidhaa", "Customs and excise duty"),
    CategorySpec("tanesco-kuunganishiwa", "tanesco", "Kuunganishiwa umeme", "New electricity connections"),
    CategorySpec("tanesco-kukatika", "tanesco", "Kukatika kwa umeme", "Power cuts"),
    CategorySpec("tanesco-luku", "tanesco", "LUKU na ununuzi wa umeme", "LUKU prepaid meters and tokens"),
    CategorySpec(
        "tanesco-usalama",
        "tanesco",
        "Nguzo, nyaya na transfoma hatarishi",
        "Dangerous poles, power lines and transformers",
    ),
    CategorySpec(
        "dawasa-maji",
        "dawasa",
        "Upatikanaji wa maji (Dar es Salaam na Pwani)",
        "Water supply (Dar es Salaam and Pwani)",
    ),
    CategorySpec("dawasa-uvujaji", "dawasa", "Uvujaji wa maji na mabomba yaliyopasuka", "Water leaks and burst pipes"),
    CategorySpec("dawasa-bili", "dawasa", "Bili za maji", "Water bills"),
    CategorySpec("dawasa-majitaka", "dawasa", "Majitaka", "Sewerage"),
    CategorySpec("dawasa-kuunganishiwa", "dawasa", "Kuunganishiwa maji", "New water connections"),
    CategorySpec("ruwasa-maji-vijijini", "ruwasa", "Huduma ya maji vijijini", "Rural water supply"),
    CategorySpec("ega-barua-pepe", "ega", "Barua pepe za Serikali", "Government e-mail"),
    CategorySpec("ega-mifumo", "ega", "Tovuti na mifumo ya Serikali", "Government websites and online systems"),
    CategorySpec(
        "nhif-uanachama", "nhif", "Uanachama na kadi za bima ya afya", "Health insurance membership and cards"
    ),
    CategorySpec(
        "nhif-huduma",
        "nhif",
        "Huduma kwa wanachama katika vituo vya matibabu",
        "Members' treatment at health facilities",
    ),
    CategorySpec(
        "afya-hospitali-rufaa", "wizara-ya-afya", "Huduma za hospitali za rufaa", "Referral hospital services"
    ),
    CategorySpec(
        "afya-dawa",
        "wizara-ya-afya",
        "Upatikanaji wa dawa na vifaa tiba",
        "Availability of medicines and medical supplies",
    ),
    CategorySpec("heslb-mikopo", "heslb", "Mikopo ya elimu ya juu", "Higher education student loans"),
    CategorySpec("heslb-marejesho", "heslb", "Urejeshaji wa mikopo ya elimu ya juu", "Student loan repayment"),
    CategorySpec("necta-matokeo", "necta", "Matokeo na vyeti vya mitihani", "Examination results and certificates"),
    CategorySpec("uhamiaji-pasipoti", "uhamiaji", "Pasipoti na hati za kusafiria", "Passports and travel documents"),
    CategorySpec("uhamiaji-vibali", "uhamiaji", "Vibali vya ukaazi", "Residence permits"),
    CategorySpec(
        "polisi-usalama-barabarani",
        "polisi",
        "Usalama barabarani na faini za papo kwa papo",
        "Road safety and traffic fines",
    ),
    CategorySpec("polisi-vituo", "polisi", "Huduma katika vituo vya polisi", "Services at police stations"),
    CategorySpec(
        "latra-usafiri", "latra", "Nauli na huduma za usafiri wa abiria", "Passenger transport fares and services"
    ),
    CategorySpec("tanroads-barabara", "tanroads", "Barabara kuu na za mikoa", "Trunk and regional roads"),
    CategorySpec("tcra-laini", "tcra", "Usajili wa laini za simu", "SIM card registration"),
    CategorySpec(
        "tcra-huduma", "tcra", "Ubora wa huduma za simu na intaneti", "Quality of phone and internet services"
    ),
    CategorySpec(
        "brela-usajili", "brela", "Usajili wa kampuni na majina ya biashara", "Company and business name registration"
    ),
    CategorySpec("brela-leseni", "brela", "Leseni za biashara kundi A", "Class A business licences"),
    CategorySpec("ardhi-hati", "wizara-ya-ardhi", "Hati miliki za ardhi", "Certificates of title"),
    CategorySpec("ardhi-migogoro", "wizara-ya-ardhi", "Migogoro ya ardhi", "Land disputes"),
    CategorySpec("psssf-mafao", "psssf", "Mafao ya wastaafu wa utumishi wa umma", "Public service pension benefits"),
    CategorySpec("nssf-michango", "nssf", "Michango na mafao ya NSSF", "NSSF contributions and benefits"),
    CategorySpec(
        "utumishi-watumishi",
        "utumishi",
        "Ajira, mishahara na stahiki za watumishi wa umma",
        "Public servants' employment, salaries and entitlements",
    ),
    CategorySpec(
        "kilimo-pembejeo", "wizara-ya-kilimo", "Pembejeo na mbolea ya ruzuku", "Farm inputs and subsidised fertiliser"
    ),
    CategorySpec(
        "mifugo-uvuvi", "wizara-ya-mifugo-na-uvuvi", "Huduma za mifugo na uvuvi", "Livestock and fisheries services"
    ),
    CategorySpec(
        "maliasili-wanyamapori",
        "wizara-ya-maliasili-na-utalii",
        "Wanyamapori wakali na waharibifu",
        "Dangerous and crop-raiding wildlife",
    ),
)

LOCAL_SERVICES: tuple[CategorySpec, ...] = (
    _local("shule", "Shule za msingi na sekondari", "Primary and secondary schools"),
    _local("zahanati-vituo-afya", "Zahanati na vituo vya afya", "Dispensaries and health centres"),
    _local("barabara-mitaa", "Barabara za mitaa", "Local streets and roads"),
    _local("usafi-taka", "Usafi na ukusanyaji wa taka", "Cleanliness and waste collection"),
    _local("masoko", "Masoko na minada", "Markets and auctions"),
    _local("vibali-ujenzi", "Vibali vya ujenzi", "Building permits"),
    _local("leseni-biashara", "Leseni za biashara", "Business licences"),
    _local("ushuru-halmashauri", "Ushuru na kodi za halmashauri", "Council levies and taxes"),
    _local(
        "mikopo-asilimia-10",
        "Mikopo ya asilimia 10 kwa wanawake, vijana na watu wenye ulemavu",
        "10 per cent council loans for women, youth and persons with disabilities",
    ),
    _local("ustawi-jamii", "Ustawi wa jamii", "Social welfare"),
    _local("mipango-miji", "Mipango miji na upimaji wa viwanja", "Town planning and plot surveying"),
    _local("ugani", "Huduma za ugani wa kilimo na mifugo", "Agricultural and livestock extension services"),
    _local(
        "serikali-za-mitaa",
        "Ofisi za vijiji na mitaa (barua za utambulisho)",
        "Village and street offices (introduction letters)",
    ),
)

ALL_SERVICES: tuple[CategorySpec, ...] = (*NATIONAL_SERVICES, *LOCAL_SERVICES)

# The topic each service is listed under on the form (the services not named here: "other").
TOPICS: dict[str, Topic] = {
    **dict.fromkeys(
        ("dawasa-maji", "dawasa-uvujaji", "dawasa-bili", "dawasa-majitaka", "dawasa-kuunganishiwa"), Topic.WATER
    ),
    "ruwasa-maji-vijijini": Topic.WATER,
    **dict.fromkeys(
        ("tanesco-kuunganishiwa", "tanesco-kukatika", "tanesco-luku", "tanesco-usalama"), Topic.ELECTRICITY
    ),
    **dict.fromkeys(
        ("nhif-uanachama", "nhif-huduma", "afya-hospitali-rufaa", "afya-dawa", "zahanati-vituo-afya"), Topic.HEALTH
    ),
    **dict.fromkeys(("heslb-mikopo", "heslb-marejesho", "necta-matokeo", "shule"), Topic.EDUCATION),
    **dict.fromkeys(("ardhi-hati", "ardhi-migogoro", "vibali-ujenzi", "mipango-miji"), Topic.LAND),
    **dict.fromkeys(
        ("tanroads-barabara", "barabara-mitaa", "latra-usafiri", "tra-leseni-udereva", "tra-usajili-magari"),
        Topic.ROADS,
    ),
    "usafi-taka": Topic.ENVIRONMENT,
    **dict.fromkeys(
        (
            "nida-usajili",
            "nida-nin",
            "nida-kadi",
            "nida-marekebisho",
            "rita-kuzaliwa",
            "rita-vifo",
            "rita-ndoa",
            "rita-wosia-mirathi",
            "rita-wadhamini",
            "uhamiaji-pasipoti",
            "uhamiaji-vibali",
            "serikali-za-mitaa",
        ),
        Topic.IDENTITY,
    ),
    **dict.fromkeys(
        (
            "tra-tin",
            "tra-kodi-mapato",
            "tra-efd",
            "tra-forodha",
            "brela-usajili",
            "brela-leseni",
            "leseni-biashara",
            "ushuru-halmashauri",
            "masoko",
        ),
        Topic.TAXES,
    ),
    **dict.fromkeys(("kilimo-pembejeo", "mifugo-uvuvi", "maliasili-wanyamapori", "ugani"), Topic.FARMING),
    **dict.fromkeys(("polisi-usalama-barabarani", "polisi-vituo"), Topic.SAFETY),
    **dict.fromkeys(("tcra-laini", "tcra-huduma", "ega-barua-pepe", "ega-mifumo"), Topic.COMMUNICATION),
    **dict.fromkeys(("psssf-mafao", "nssf-michango", "utumishi-watumishi"), Topic.WORK),
    **dict.fromkeys(("mikopo-asilimia-10", "ustawi-jamii"), Topic.SOCIAL),
}

"""The demo institution tree: the national level, ministries, agencies, regional secretariats and councils."""

from __future__ import annotations

from dataclasses import dataclass

from wananchi.demo.places import REGIONS, district_names, region_of_district, slugify
from wananchi.institutions.models import InstitutionKind


@dataclass(frozen=True)
class InstitutionSpec:
    """One institution of the demo tree, its parent named by slug."""

    slug: str
    kind: InstitutionKind
    name_sw: str
    name_en: str
    parent: str | None = None
    short_name: str | None = None
    is_triage: bool = False
    region: str | None = None  # region code
    district: str | None = None  # district code


NATIONAL = "taifa"
TRIAGE = "dawati"
TAMISEMI = "tamisemi"

_M = InstitutionKind.MINISTRY
_A = InstitutionKind.AGENCY

CENTRAL: tuple[InstitutionSpec, ...] = (
    InstitutionSpec(
        NATIONAL,
        InstitutionKind.NATIONAL,
        "Serikali ya Jamhuri ya Muungano wa Tanzania",
        "Government of the United Republic of Tanzania",
    ),
    InstitutionSpec(
        TRIAGE, InstitutionKind.UNIT, "Dawati la Huduma kwa Wananchi", "Citizen Service Desk", NATIONAL, is_triage=True
    ),
    # Ministries and ministerial offices.
    InstitutionSpec(
        TAMISEMI,
        _M,
        "Ofisi ya Rais - Tawala za Mikoa na Serikali za Mitaa (TAMISEMI)",
        "President's Office - Regional Administration and Local Government (PO-RALG)",
        NATIONAL,
        short_name="TAMISEMI",
    ),
    InstitutionSpec(
        "utumishi",
        _M,
        "Ofisi ya Rais - Menejimenti ya Utumishi wa Umma na Utawala Bora",
        "President's Office - Public Service Management and Good Governance",
        NATIONAL,
        short_name="Utumishi",
    ),
    InstitutionSpec(
        "ofisi-ya-waziri-mkuu-kazi",
        _M,
        "Ofisi ya Waziri Mkuu - Kazi, Vijana, Ajira na Wenye Ulemavu",
        "Prime Minister's Office - Labour, Youth, Employment and Persons with Disability",
        NATIONAL,
    ),
    InstitutionSpec(
        "wizara-ya-mambo-ya-ndani", _M, "Wizara ya Mambo ya Ndani ya Nchi", "Ministry of Home Affairs", NATIONAL
    ),
    InstitutionSpec(
        "wizara-ya-katiba-na-sheria",
        _M,
        "Wizara ya Katiba na Sheria",
        "Ministry of Constitutional and Legal Affairs",
        NATIONAL,
    ),
    InstitutionSpec("wizara-ya-fedha", _M, "Wizara ya Fedha", "Ministry of Finance", NATIONAL),
    InstitutionSpec("wizara-ya-nishati", _M, "Wizara ya Nishati", "Ministry of Energy", NATIONAL),
    InstitutionSpec("wizara-ya-maji", _M, "Wizara ya Maji", "Ministry of Water", NATIONAL),
    InstitutionSpec("wizara-ya-afya", _M, "Wizara ya Afya", "Ministry of Health", NATIONAL),
    InstitutionSpec(
        "wizara-ya-elimu",
        _M,
        "Wizara ya Elimu, Sayansi na Teknolojia",
        "Ministry of Education, Science and Technology",
        NATIONAL,
    ),
    InstitutionSpec(
        "wizara-ya-habari",
        _M,
        "Wizara ya Habari, Mawasiliano na Teknolojia ya Habari",
        "Ministry of Information, Communication and Information Technology",
        NATIONAL,
    ),
    InstitutionSpec("wizara-ya-ujenzi", _M, "Wizara ya Ujenzi", "Ministry of Works", NATIONAL),
    InstitutionSpec("wizara-ya-uchukuzi", _M, "Wizara ya Uchukuzi", "Ministry of Transport", NATIONAL),
    InstitutionSpec(
        "wizara-ya-ardhi",
        _M,
        "Wizara ya Ardhi, Nyumba na Maendeleo ya Makazi",
        "Ministry of Lands, Housing and Human Settlements Development",
        NATIONAL,
    ),
    InstitutionSpec(
        "wizara-ya-viwanda-na-biashara", _M, "Wizara ya Viwanda na Biashara", "Ministry of Industry and Trade", NATIONAL
    ),
    InstitutionSpec("wizara-ya-kilimo", _M, "Wizara ya Kilimo", "Ministry of Agriculture", NATIONAL),
    InstitutionSpec(
        "wizara-ya-mifugo-na-uvuvi", _M, "Wizara ya Mifugo na Uvuvi", "Ministry of Livestock and Fisheries", NATIONAL
    ),
    InstitutionSpec(
        "wizara-ya-maliasili-na-utalii",
        _M,
        "Wizara ya Maliasili na Utalii",
        "Ministry of Natural Resources and Tourism",
        NATIONAL,
    ),
    # Agencies, authorities and funds under their ministries.
    InstitutionSpec(
        "nida",
        _A,
        "Mamlaka ya Vitambulisho vya Taifa",
        "National Identification Authority",
        "wizara-ya-mambo-ya-ndani",
        short_name="NIDA",
    ),
    InstitutionSpec(
        "uhamiaji", _A, "Idara ya Uhamiaji", "Immigration Department", "wizara-ya-mambo-ya-ndani", short_name="Uhamiaji"
    ),
    InstitutionSpec(
        "polisi",
        _A,
        "Jeshi la Polisi Tanzania",
        "Tanzania Police Force",
        "wizara-ya-mambo-ya-ndani",
        short_name="Polisi",
    ),
    InstitutionSpec(
        "rita",
        _A,
        "Wakala wa Usajili, Ufilisi na Udhamini",
        "Registration, Insolvency and Trusteeship Agency",
        "wizara-ya-katiba-na-sheria",
        short_name="RITA",
    ),
    InstitutionSpec(
        "tra", _A, "Mamlaka ya Mapato Tanzania", "Tanzania Revenue Authority", "wizara-ya-fedha", short_name="TRA"
    ),
    InstitutionSpec(
        "tanesco",
        _A,
        "Shirika la Umeme Tanzania",
        "Tanzania Electric Supply Company",
        "wizara-ya-nishati",
        short_name="TANESCO",
    ),
    InstitutionSpec(
        "dawasa",
        _A,
        "Mamlaka ya Majisafi na Usafi wa Mazingira Dar es Salaam",
        "Dar es Salaam Water Supply and Sanitation Authority",
        "wizara-ya-maji",
        short_name="DAWASA",
    ),
    InstitutionSpec(
        "ruwasa",
        _A,
        "Wakala wa Maji na Usafi wa Mazingira Vijijini",
        "Rural Water Supply and Sanitation Agency",
        "wizara-ya-maji",
        short_name="RUWASA",
    ),
    InstitutionSpec("ega", _A, "Mamlaka ya Serikali Mtandao", "e-Government Authority", "utumishi", short_name="e-GA"),
    InstitutionSpec(
        "nhif",
        _A,
        "Mfuko wa Taifa wa Bima ya Afya",
        "National Health Insurance Fund",
        "wizara-ya-afya",
        short_name="NHIF",
    ),
    InstitutionSpec(
        "heslb",
        _A,
        "Bodi ya Mikopo ya Wanafunzi wa Elimu ya Juu",
        "Higher Education Students' Loans Board",
        "wizara-ya-elimu",
        short_name="HESLB",
    ),
    InstitutionSpec(
        "necta",
        _A,
        "Baraza la Mitihani la Tanzania",
        "National Examinations Council of Tanzania",
        "wizara-ya-elimu",
        short_name="NECTA",
    ),
    InstitutionSpec(
        "tcra",
        _A,
        "Mamlaka ya Mawasiliano Tanzania",
        "Tanzania Communications Regulatory Authority",
        "wizara-ya-habari",
        short_name="TCRA",
    ),
    InstitutionSpec(
        "tanroads",
        _A,
        "Wakala wa Barabara Tanzania",
        "Tanzania National Roads Agency",
        "wizara-ya-ujenzi",
        short_name="TANROADS",
    ),
    InstitutionSpec(
        "latra",
        _A,
        "Mamlaka ya Udhibiti wa Usafiri Ardhini",
        "Land Transport Regulatory Authority",
        "wizara-ya-uchukuzi",
        short_name="LATRA",
    ),
    InstitutionSpec(
        "brela",
        _A,
        "Wakala wa Usajili wa Biashara na Leseni",
        "Business Registrations and Licensing Agency",
        "wizara-ya-viwanda-na-biashara",
        short_name="BRELA",
    ),
    InstitutionSpec(
        "nssf",
        _A,
        "Mfuko wa Taifa wa Hifadhi ya Jamii",
        "National Social Security Fund",
        "ofisi-ya-waziri-mkuu-kazi",
        short_name="NSSF",
    ),
    InstitutionSpec(
        "psssf",
        _A,
        "Mfuko wa Hifadhi ya Jamii kwa Watumishi wa Umma",
        "Public Service Social Security Fund",
        "ofisi-ya-waziri-mkuu-kazi",
        short_name="PSSSF",
    ),
)

# District code -> kind of council (jiji, manispaa, mji, wilaya). Only districts served by a single council
# are listed (plus Bagamoyo and Kibaha, each listed with its best-known council); local services in the other
# districts reach the regional secretariat through the region's routing rule.
COUNCILS: dict[str, str] = {
    "arusha": "jiji",
    "karatu": "wilaya",
    "longido": "wilaya",
    "monduli": "wilaya",
    "ngorongoro": "wilaya",
    "ilala": "jiji",
    "kinondoni": "manispaa",
    "temeke": "manispaa",
    "ubungo": "manispaa",
    "kigamboni": "manispaa",
    "dodoma": "jiji",
    "bahi": "wilaya",
    "chamwino": "wilaya",
    "chemba": "wilaya",
    "kongwa": "wilaya",
    "mpwapwa": "wilaya",
    "bukombe": "wilaya",
    "chato": "wilaya",
    "mbogwe": "wilaya",
    "nyanghwale": "wilaya",
    "kilolo": "wilaya",
    "biharamulo": "wilaya",
    "karagwe": "wilaya",
    "kyerwa": "wilaya",
    "missenyi": "wilaya",
    "muleba": "wilaya",
    "ngara": "wilaya",
    "tanganyika": "wilaya",
    "buhigwe": "wilaya",
    "kakonko": "wilaya",
    "kibondo": "wilaya",
    "uvinza": "wilaya",
    "hai": "wilaya",
    "mwanga": "wilaya",
    "rombo": "wilaya",
    "same": "wilaya",
    "siha": "wilaya",
    "kilwa": "wilaya",
    "liwale": "wilaya",
    "nachingwea": "wilaya",
    "ruangwa": "wilaya",
    "hanang": "wilaya",
    "kiteto": "wilaya",
    "simanjiro": "wilaya",
    "butiama": "wilaya",
    "rorya": "wilaya",
    "serengeti": "wilaya",
    "chunya": "wilaya",
    "kyela": "wilaya",
    "mbarali": "wilaya",
    "gairo": "wilaya",
    "kilosa": "wilaya",
    "malinyi": "wilaya",
    "mvomero": "wilaya",
    "ulanga": "wilaya",
    "nanyumbu": "wilaya",
    "tandahimba": "wilaya",
    "nyamagana": "jiji",
    "ilemela": "manispaa",
    "kwimba": "wilaya",
    "magu": "wilaya",
    "misungwi": "wilaya",
    "ukerewe": "wilaya",
    "ludewa": "wilaya",
    "makete": "wilaya",
    "wangingombe": "wilaya",
    "bagamoyo": "wilaya",
    "kibaha": "mji",
    "kibiti": "wilaya",
    "kisarawe": "wilaya",
    "mafia": "wilaya",
    "mkuranga": "wilaya",
    "rufiji": "wilaya",
    "kalambo": "wilaya",
    "nkasi": "wilaya",
    "namtumbo": "wilaya",
    "nyasa": "wilaya",
    "tunduru": "wilaya",
    "kishapu": "wilaya",
    "busega": "wilaya",
    "itilima": "wilaya",
    "maswa": "wilaya",
    "meatu": "wilaya",
    "ikungi": "wilaya",
    "iramba": "wilaya",
    "mkalama": "wilaya",
    "ileje": "wilaya",
    "mbozi": "wilaya",
    "songwe": "wilaya",
    "igunga": "wilaya",
    "kaliua": "wilaya",
    "sikonge": "wilaya",
    "urambo": "wilaya",
    "uyui": "wilaya",
    "kilindi": "wilaya",
    "mkinga": "wilaya",
    "muheza": "wilaya",
    "pangani": "wilaya",
    "tanga": "jiji",
}

# City councils named after their city rather than their district.
_COUNCIL_PLACE = {"ilala": "Dar es Salaam", "nyamagana": "Mwanza"}

_COUNCIL_NAMES = {
    "jiji": ("Halmashauri ya Jiji la {}", "{} City Council"),
    "manispaa": ("Halmashauri ya Manispaa ya {}", "{} Municipal Council"),
    "mji": ("Halmashauri ya Mji wa {}", "{} Town Council"),
    "wilaya": ("Halmashauri ya Wilaya ya {}", "{} District Council"),
}


def secretariat_slug(region_code: str) -> str:
    """The slug of a region's secretariat."""
    return f"mkoa-{region_code}"


def regional_secretariats() -> list[InstitutionSpec]:
    """One regional secretariat per region, under TAMISEMI."""
    return [
        InstitutionSpec(
            secretariat_slug(slugify(region)),
            InstitutionKind.REGION,
            f"Sekretarieti ya Mkoa wa {region}",
            f"{region} Regional Secretariat",
            TAMISEMI,
            region=slugify(region),
        )
        for region in REGIONS
    ]


def councils() -> list[InstitutionSpec]:
    """The councils, each under its region's secretariat and serving one district."""
    names = district_names()
    regions = region_of_district()
    specs = []
    for district_code, council_kind in COUNCILS.items():
        place = _COUNCIL_PLACE.get(district_code, names[district_code])
        name_sw, name_en = _COUNCIL_NAMES[council_kind]
        region_code = slugify(regions[district_code])
        specs.append(
            InstitutionSpec(
                f"{council_kind}-{slugify(place)}",
                InstitutionKind.COUNCIL,
                name_sw.format(place),
                name_en.format(place),
                secretariat_slug(region_code),
                region=region_code,
                district=district_code,
            )
        )
    return specs


def all_institutions() -> list[InstitutionSpec]:
    """Every institution of the demo tree, parents before children."""
    return [*CENTRAL, *regional_secretariats(), *councils()]

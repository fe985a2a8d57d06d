"""The 26 regions of mainland Tanzania with their districts (wilaya), and a few well-known wards per district."""

from __future__ import annotations

import re

# Region name -> its districts, as the regional secretariats list them (139 districts in all).
REGIONS: dict[str, tuple[str, ...]] = {
    "Arusha": ("Arusha", "Arumeru", "Karatu", "Longido", "Monduli", "Ngorongoro"),
    "Dar es Salaam": ("Ilala", "Kigamboni", "Kinondoni", "Temeke", "Ubungo"),
    "Dodoma": ("Bahi", "Chamwino", "Chemba", "Dodoma", "Kondoa", "Kongwa", "Mpwapwa"),
    "Geita": ("Bukombe", "Chato", "Geita", "Mbogwe", "Nyang'hwale"),
    "Iringa": ("Iringa", "Kilolo", "Mufindi"),
    "Kagera": ("Biharamulo", "Bukoba", "Karagwe", "Kyerwa", "Missenyi", "Muleba", "Ngara"),
    "Katavi": ("Mlele", "Mpanda", "Tanganyika"),
    "Kigoma": ("Buhigwe", "Kakonko", "Kasulu", "Kibondo", "Kigoma", "Uvinza"),
    "Kilimanjaro": ("Hai", "Moshi", "Mwanga", "Rombo", "Same", "Siha"),
    "Lindi": ("Kilwa", "Lindi", "Liwale", "Nachingwea", "Ruangwa"),
    "Manyara": ("Babati", "Hanang", "Kiteto", "Mbulu", "Simanjiro"),
    "Mara": ("Bunda", "Butiama", "Musoma", "Rorya", "Serengeti", "Tarime"),
    "Mbeya": ("Chunya", "Kyela", "Mbarali", "Mbeya", "Rungwe"),
    "Morogoro": ("Gairo", "Kilombero", "Kilosa", "Malinyi", "Morogoro", "Mvomero", "Ulanga"),
    "Mtwara": ("Masasi", "Mtwara", "Nanyumbu", "Newala", "Tandahimba"),
    "Mwanza": ("Ilemela", "Kwimba", "Magu", "Misungwi", "Nyamagana", "Sengerema", "Ukerewe"),
    "Njombe": ("Ludewa", "Makete", "Njombe", "Wanging'ombe"),
    "Pwani": ("Bagamoyo", "Kibaha", "Kibiti", "Kisarawe", "Mafia", "Mkuranga", "Rufiji"),
    "Rukwa": ("Kalambo", "Nkasi", "Sumbawanga"),
    "Ruvuma": ("Mbinga", "Namtumbo", "Nyasa", "Songea", "Tunduru"),
    "Shinyanga": ("Kahama", "Kishapu", "Shinyanga"),
    "Simiyu": ("Bariadi", "Busega", "Itilima", "Maswa", "Meatu"),
    "Singida": ("Ikungi", "Iramba", "Manyoni", "Mkalama", "Singida"),
    "Songwe": ("Ileje", "Mbozi", "Momba", "Songwe"),
    "Tabora": ("Igunga", "Kaliua", "Nzega", "Sikonge", "Tabora", "Urambo", "Uyui"),
    "Tanga": ("Handeni", "Kilindi", "Korogwe", "Lushoto", "Mkinga", "Muheza", "Pangani", "Tanga"),
}

# District code -> well-known wards and neighbourhoods, used to place demo tickets.
WARDS: dict[str, tuple[str, ...]] = {
    "ilala": ("Kariakoo", "Buguruni", "Tabata", "Gongo la Mboto", "Ukonga", "Vingunguti", "Segerea"),
    "kinondoni": ("Mwananyamala", "Kijitonyama", "Msasani", "Kawe", "Tandale", "Magomeni", "Bunju"),
    "temeke": ("Mbagala", "Chang'ombe", "Keko", "Kurasini", "Tandika", "Azimio"),
    "ubungo": ("Sinza", "Manzese", "Kimara", "Ubungo", "Goba", "Kibamba"),
    "kigamboni": ("Vijibweni", "Kibada", "Mjimwema", "Somangila"),
    "dodoma": ("Makole", "Nzuguni", "Ipagala", "Kizota", "Nkuhungu", "Viwandani"),
    "nyamagana": ("Igogo", "Mkuyuni", "Buhongwa", "Nyegezi", "Mabatini"),
    "ilemela": ("Kirumba", "Buswelu", "Nyasaka", "Kitangiri", "Pasiansi"),
    "arusha": ("Kaloleni", "Sombetini", "Ngarenaro", "Levolosi", "Themi", "Daraja Mbili", "Kijenge"),
    "tanga": ("Chumbageni", "Nguvumali", "Makorora", "Ngamiani", "Usagara", "Pongwe"),
    "bagamoyo": ("Dunda", "Nianjema", "Zinga", "Kerege", "Mapinga"),
    "kibaha": ("Tumbi", "Mailimoja", "Picha ya Ndege", "Visiga"),
    "moshi": ("Majengo", "Mawenzi", "Pasua", "Soweto", "Rau"),
    "morogoro": ("Kihonda", "Mazimbu", "Kilakala", "Mafiga"),
    "mbeya": ("Iyunga", "Mwanjelwa", "Uyole", "Ilomba", "Iganzo"),
}

DAR_ES_SALAAM_DISTRICTS = ("ilala", "kinondoni", "temeke", "ubungo", "kigamboni")

# Rural districts where demo tickets about villages, farms and wildlife happen.
RURAL_DISTRICTS = (
    "kongwa",
    "chamwino",
    "karatu",
    "rombo",
    "muleba",
    "kilosa",
    "mkuranga",
    "magu",
    "kyela",
    "tunduru",
    "iramba",
    "igunga",
    "serengeti",
)

# Districts where demo tickets happen: every district with wards above, and the rural ones.
TICKET_DISTRICTS = (*WARDS, *RURAL_DISTRICTS)


def slugify(name: str) -> str:
    """A lowercase code for a place name: "Nyang'hwale" -> "nyanghwale", "Dar es Salaam" -> "dar-es-salaam"."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower().replace("'", "")).strip("-")


def district_names() -> dict[str, str]:
    """Every district's display name by its code."""
    return {slugify(district): district for districts in REGIONS.values() for district in districts}


def region_of_district() -> dict[str, str]:
    """Every district's region name by the district's code."""
    return {slugify(district): region for region, districts in REGIONS.items() for district in districts}

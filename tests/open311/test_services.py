"""Discovery, the services list and service definitions, over real HTTP in JSON and XML."""

from __future__ import annotations

import pytest

from tests.open311.conftest import Open311Client, json_record, xml_record
from tests.world import World

SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
ATTRIBUTE_FIELDS = {
    "variable",
    "code",
    "datatype",
    "required",
    "datatype_description",
    "order",
    "description",
    "values",
}


def test_discovery_in_both_formats(api: Open311Client, app, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://wananchi.go.tz")
    answer = api.get("discovery.json")
    assert answer.status == 200
    document = answer.json()
    assert set(document) == {"changeset", "contact", "key_service", "endpoints"}
    assert document["contact"] and document["key_service"]
    (endpoint,) = document["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "https://wananchi.go.tz/open311/v2"
    assert endpoint["changeset"] == document["changeset"]
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]

    root = api.get("discovery.xml").xml()
    assert root.tag == "discovery"
    assert root.findtext("changeset") == document["changeset"]
    assert root.findtext("contact") == document["contact"]
    assert root.findtext("key_service") == document["key_service"]
    xml_endpoint = root.find("endpoints/endpoint")
    assert xml_endpoint is not None
    assert xml_record(xml_endpoint) == json_record(endpoint)
    assert [f.text for f in xml_endpoint.findall("formats/format")] == ["text/xml", "application/json"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_discovery_names_the_public_address_whatever_host_the_request_names(
    api: Open311Client, app, world: World, monkeypatch: pytest.MonkeyPatch, fmt: str
) -> None:
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://huduma.go.tz/wananchi")
    forged = {"Host": "mtego.example", "X-Forwarded-Host": "mtego.example", "X-Forwarded-Proto": "http"}
    answer = api.call("GET", f"discovery.{fmt}", headers=forged)
    assert answer.status == 200 and b"mtego" not in answer.body
    if fmt == "json":
        document = answer.json()
        url, contact = document["endpoints"][0]["url"], document["contact"]
    else:
        root = answer.xml()
        url, contact = root.findtext("endpoints/endpoint/url"), root.findtext("contact")
    assert url == "https://huduma.go.tz/wananchi/open311/v2"
    assert str(contact).endswith("https://huduma.go.tz/wananchi/")


def test_services_list_every_field_in_both_formats(api: Open311Client, world: World) -> None:
    services = {s["service_code"]: s for s in api.get("services.json").json()}
    assert set(services) == {"maji-bili", "usafi-taka"}
    water = services["maji-bili"]
    assert set(water) == SERVICE_FIELDS
    assert water["service_name"] == "Bili ya maji"
    assert water["metadata"] is True
    assert water["type"] == "realtime"
    assert water["group"] == world.agency.name_sw
    assert "DAWASA" in water["keywords"]
    assert world.agency.name_sw in water["description"]

    root = api.get("services.xml").xml()
    assert root.tag == "services"
    xml_services = {r["service_code"]: r for r in map(xml_record, root.findall("service"))}
    assert xml_services == {code: json_record(s) for code, s in services.items()}
    assert xml_services["maji-bili"]["metadata"] == "true"


def test_services_in_english_when_asked(api: Open311Client, world: World) -> None:
    answer = api.call("GET", "services.json", headers={"Accept-Language": "en-GB,en;q=0.9"})
    water = {s["service_code"]: s for s in answer.json()}["maji-bili"]
    assert water["service_name"] == "Water bills"
    assert water["group"] == world.agency.name_en


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_service_definition_of_a_local_service(api: Open311Client, world: World, fmt: str) -> None:
    answer = api.get(f"services/usafi-taka.{fmt}")
    assert answer.status == 200
    if fmt == "json":
        document = answer.json()
        assert document["service_code"] == "usafi-taka"
        attributes = {a["code"]: a for a in document["attributes"]}
        for attribute in attributes.values():
            assert set(attribute) == ATTRIBUTE_FIELDS
            assert attribute["variable"] is True
            assert attribute["datatype"] == "singlevaluelist"
            assert attribute["description"] and attribute["datatype_description"]
        ticket_type, district = attributes["ticket_type"], attributes["district"]
        assert (ticket_type["order"], ticket_type["required"]) == (1, True)
        assert [v["key"] for v in ticket_type["values"]] == ["swali", "lalamiko", "pendekezo", "maoni", "pongezi"]
        assert (district["order"], district["required"]) == (2, True)
        assert {v["key"]: v["name"] for v in district["values"]} == {
            "bahi": "Bahi (Dodoma)",
            "dodoma-jiji": "Dodoma Jiji (Dodoma)",
        }
    else:
        root = answer.xml()
        assert root.tag == "service_definition"
        assert root.findtext("service_code") == "usafi-taka"
        attributes = {a.findtext("code"): a for a in root.findall("attributes/attribute")}
        for attribute in attributes.values():
            assert set(xml_record(attribute)) == ATTRIBUTE_FIELDS - {"values"}
            assert attribute.findtext("variable") == "true"
            assert attribute.findtext("datatype") == "singlevaluelist"
        assert attributes["district"].findtext("required") == "true"
        assert attributes["district"].findtext("order") == "2"
        keys = [v.findtext("key") for v in attributes["ticket_type"].findall("values/value")]
        assert keys == ["swali", "lalamiko", "pendekezo", "maoni", "pongezi"]
        names = [v.findtext("name") for v in attributes["district"].findall("values/value")]
        assert names == ["Bahi (Dodoma)", "Dodoma Jiji (Dodoma)"]


def test_district_is_optional_for_a_national_service(api: Open311Client, world: World) -> None:
    attributes = {a["code"]: a for a in api.get("services/maji-bili.json").json()["attributes"]}
    assert attributes["district"]["required"] is False
    assert attributes["ticket_type"]["required"] is True


def test_every_service_asks_for_consent_to_publication_off_by_default(api: Open311Client, world: World) -> None:
    for code in ("maji-bili", "usafi-taka"):
        attributes = {a["code"]: a for a in api.get(f"services/{code}.json").json()["attributes"]}
        consent = attributes["publication_consent"]
        assert (consent["order"], consent["required"], consent["datatype"]) == (3, False, "singlevaluelist")
        assert [value["key"] for value in consent["values"]] == ["true", "false"]
        assert consent["description"] == "Ridhaa ya kuchapishwa" and "false" in consent["datatype_description"]
    english = api.call("GET", "services/maji-bili.xml", headers={"Accept-Language": "en"}).xml()
    names = [a.findtext("description") for a in english.findall("attributes/attribute")]
    assert names == ["Type of ticket", "District", "Consent to publication"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_404_in_the_spec_format(api: Open311Client, world: World, fmt: str) -> None:
    answer = api.get(f"services/hakuna-huduma.{fmt}")
    assert answer.status == 404
    if fmt == "json":
        (error,) = answer.json()
        assert set(error) == {"code", "description"}
        assert error["code"] == 404
        assert "hakuna-huduma" in error["description"]
    else:
        root = answer.xml()
        assert root.tag == "errors"
        assert root.findtext("error/code") == "404"
        assert "hakuna-huduma" in (root.findtext("error/description") or "")

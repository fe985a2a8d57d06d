"""factory_boy factories for the models, flushed into the test's session."""

from __future__ import annotations

import factory
from factory.alchemy import SQLAlchemyModelFactory

from wananchi.extensions import db
from wananchi.institutions.models import Category, District, Institution, InstitutionKind, Region, RoutingRule


class _Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "flush"


class RegionFactory(_Base):
    class Meta:
        model = Region

    code = factory.Sequence(lambda n: f"mkoa-{n}")
    name = factory.Sequence(lambda n: f"Mkoa {n}")


class DistrictFactory(_Base):
    class Meta:
        model = District

    code = factory.Sequence(lambda n: f"wilaya-{n}")
    name = factory.Sequence(lambda n: f"Wilaya {n}")
    region = factory.SubFactory(RegionFactory)


class InstitutionFactory(_Base):
    class Meta:
        model = Institution

    slug = factory.Sequence(lambda n: f"taasisi-{n}")
    kind = InstitutionKind.AGENCY
    name_sw = factory.Sequence(lambda n: f"Taasisi ya {n}")
    name_en = factory.Sequence(lambda n: f"Institution {n}")
    is_triage = False
    is_active = True


class CategoryFactory(_Base):
    class Meta:
        model = Category

    code = factory.Sequence(lambda n: f"huduma-{n}")
    name_sw = factory.Sequence(lambda n: f"Huduma {n}")
    name_en = factory.Sequence(lambda n: f"Service {n}")
    institution = factory.SubFactory(InstitutionFactory)
    is_local = False
    is_active = True


class RoutingRuleFactory(_Base):
    class Meta:
        model = RoutingRule

    institution = factory.SubFactory(InstitutionFactory)

"""Institutions, regions and districts, categories, and routing rules."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wananchi.core.db import str_enum
from wananchi.extensions import Model

if TYPE_CHECKING:
    from wananchi.sla.models import Calendar


class InstitutionKind(enum.StrEnum):
    NATIONAL = "national"
    MINISTRY = "ministry"
    AGENCY = "agency"
    REGION = "region"
    COUNCIL = "council"
    UNIT = "unit"


class Topic(enum.StrEnum):
    """What a service is about, as a citizen looks for it: the groups of the form's list of services."""

    WATER = "water"  # Maji
    ELECTRICITY = "electricity"  # Umeme
    HEALTH = "health"  # Afya
    EDUCATION = "education"  # Elimu
    LAND = "land"  # Ardhi na makazi
    ROADS = "roads"  # Barabara na usafiri
    ENVIRONMENT = "environment"  # Usafi na mazingira
    IDENTITY = "identity"  # Vitambulisho, usajili na uhamiaji
    TAXES = "taxes"  # Kodi, ushuru na biashara
    FARMING = "farming"  # Kilimo, mifugo, uvuvi na maliasili
    SAFETY = "safety"  # Usalama na polisi
    COMMUNICATION = "communication"  # Mawasiliano na mifumo ya Serikali
    WORK = "work"  # Ajira, mishahara na mafao
    SOCIAL = "social"  # Ustawi wa jamii na mikopo
    OTHER = "other"  # Mengineyo


class Region(Model):
    """One of the regions (mikoa) of Tanzania."""

    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(80))

    districts: Mapped[list[District]] = relationship(back_populates="region", order_by="District.name")


class District(Model):
    """A district (wilaya) within a region."""

    __tablename__ = "district"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)

    region: Mapped[Region] = relationship(back_populates="districts")


class Institution(Model):
    """A node of the institution tree: the national level, a ministry, an agency, a region, a council."""

    __tablename__ = "institution"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    kind: Mapped[InstitutionKind] = mapped_column(str_enum(InstitutionKind))
    name_sw: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(30))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("institution.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))
    is_triage: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Without a calendar the institution keeps the standard public-service week (wananchi/sla/calendars.py).
    calendar_id: Mapped[int | None] = mapped_column(ForeignKey("calendar.id"))

    parent: Mapped[Institution | None] = relationship(remote_side="Institution.id", back_populates="children")
    children: Mapped[list[Institution]] = relationship(back_populates="parent")
    categories: Mapped[list[Category]] = relationship(back_populates="institution")
    region: Mapped[Region | None] = relationship()
    district: Mapped[District | None] = relationship()
    calendar: Mapped[Calendar | None] = relationship()


class Category(Model):
    """A service (huduma) citizens raise tickets about; owned by an institution, local or national."""

    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name_sw: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)
    is_local: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The group the form lists the service under (Maji, Umeme, Afya, ...).
    topic: Mapped[Topic] = mapped_column(str_enum(Topic), default=Topic.OTHER, server_default=Topic.OTHER.value)

    institution: Mapped[Institution] = relationship(back_populates="categories")


class RoutingRule(Model):
    """Sends tickets matching a category and/or a place to an institution; the most specific rule wins.

    A rule with a place but no category applies only to local services (a council's queue);
    a rule with a category and no place is the service's national owner.
    """

    __tablename__ = "routing_rule"
    __table_args__ = (
        UniqueConstraint("category_id", "region_id", "district_id"),
        Index("ix_routing_rule_district_id", "district_id"),
        Index("ix_routing_rule_region_id", "region_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id", ondelete="CASCADE"))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))
    institution_id: Mapped[int] = mapped_column(ForeignKey("institution.id"), index=True)

    category: Mapped[Category | None] = relationship()
    region: Mapped[Region | None] = relationship()
    district: Mapped[District | None] = relationship()
    institution: Mapped[Institution] = relationship()

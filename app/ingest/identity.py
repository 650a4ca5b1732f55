"""One profile per person: visitor ids resolve to profiles, customer ids merge them.

A browser gets a random visitor id; until the shopper identifies, its history
lives on an anonymous profile. When a visitor identifies as customer C:

- no profile has C yet: the visitor's profile becomes C's;
- C already has a profile (C used another device before): the anonymous
  profile is merged into C's — its visitor ids, events and orders are
  re-pointed, its counters folded in, and it stays as a tombstone pointing at
  C's profile;
- the visitor's profile already belongs to another customer D (a shared
  computer): only this visitor id moves to C; D keeps D's history.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import DateTime, Row, Select, Text, bindparam, cast, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from app.db import insert_ignoring_conflicts
from app.ingest import bulk
from app.journey import traits
from app.models import Event, Order, Profile, VisitorId
from app.models.types import UTCDateTime

TRAIT_FIELDS = (
    "order_count", "total_spend", "last_order_at", "previous_order_at", "first_order_at", "cart_count", "cart_value", "viewed_categories",
)


class NewVisitorsRefused(Exception):
    """The sender may not create that many new profiles now (an abuse limit); nothing was written."""


# What ingest reads of a visitor's profile: the activity it folds a batch into, and who the profile is.
ACTIVITY_FIELDS = (
    "session_count", "first_seen_at", "last_seen_at", "traffic_source", "traffic_medium", "traffic_campaign", "device", "country",
    "cart_count", "cart_value", "viewed_categories",
)
_PROFILE_STATE = [getattr(Profile, name) for name in ("id", "shop_id", "customer_id", "merged_into_id", *ACTIVITY_FIELDS)]


class _JsonObjectText(TypeDecorator):
    """A JSON object column read as its text and decoded here: psycopg's JSON loading cost ~3 us a row, most
    of it around json.loads (and most profiles have viewed no category yet: ``{}``)."""

    impl = Text
    cache_ok = True

    def process_result_value(self, value, dialect):
        return {} if value == "{}" else json.loads(value)


def _read_on_postgresql(column):
    """``column`` as ingest reads it on PostgreSQL: the same values, converted by psycopg in C where possible.

    Times come back aware (``AT TIME ZONE 'UTC'`` of the naive UTC they are stored as, in the session's
    zone) rather than through UTCDateTime's Python conversion per value, and the categories as text:
    the two conversions were about half the CPU of reading a batch's profiles.
    """
    if isinstance(column.type, UTCDateTime):
        return func.timezone("UTC", column, type_=DateTime(timezone=True)).label(column.key)
    if column.key == "viewed_categories":
        return cast(column, _JsonObjectText()).label(column.key)
    return column


_PROFILE_STATE_ON_POSTGRESQL = [_read_on_postgresql(column) for column in _PROFILE_STATE]


def resolve_visitors(
    session: Session, shop_id: int, visitor_ids: set[str], seen_at: datetime,
    admit_new_visitors: Callable[[int], bool] | None = None,
) -> dict[str, Row]:
    """The profile of each visitor id, creating anonymous profiles for new visitors (if ``admit_new_visitors`` agrees).

    The profiles are read-only rows (id, shop_id, customer_id, merged_into_id and ACTIVITY_FIELDS),
    not ORM objects, which cost more to load than the rest of a page view's events to store;
    ``as_profiles`` turns them into ORM objects for the batches that identify someone.
    """
    profiles = _load_visitor_profiles(session, shop_id, visitor_ids)
    missing = sorted(visitor_ids - profiles.keys())
    if missing and admit_new_visitors is not None and not admit_new_visitors(len(missing)):
        raise NewVisitorsRefused(f"{len(missing)} new visitors refused")
    if missing:
        _create_visitor_profiles(session, shop_id, missing, seen_at)
        profiles.update(_load_visitor_profiles(session, shop_id, set(missing)))
    return profiles


def as_profiles(session: Session, profile_of: dict[str, Row]) -> dict[str, Profile]:
    """The same visitors' profiles as ORM objects (one query), for merging and remembering traits."""
    ids = {row.id for row in profile_of.values()}
    loaded = {profile.id: profile for profile in session.scalars(select(Profile).where(Profile.id.in_(ids)))}
    return {visitor_id: loaded[row.id] for visitor_id, row in profile_of.items()}


def _load_visitor_profiles(session: Session, shop_id: int, visitor_ids: set[str]) -> dict[str, Row]:
    if not visitor_ids:
        return {}
    # On the connection, as Core: the ORM's statement handling costs more than the rows (nothing pending needs a flush here).
    rows = session.connection().execute(
        _visitor_profiles(session), {"shop_id": shop_id, "visitor_ids": bulk.in_values(session, visitor_ids)}
    )
    return {row.visitor_id: row for row in rows.all()}  # all(): psycopg reads the rows in one call, not one call each


_statements: dict[str, Select] = {}


def _visitor_profiles(session: Session) -> Select:
    """Built once per database kind (building a statement costs more than reading its 100 rows)."""
    dialect = session.get_bind().dialect.name
    statement = _statements.get(dialect)
    if statement is None:
        visitors = bulk.unique_matches(
            session, [VisitorId.visitor_id, VisitorId.profile_id], VisitorId.visitor_id, "visitor_ids", VisitorId.shop_id == bindparam("shop_id")
        ).subquery("visitors")
        profile_state = _PROFILE_STATE_ON_POSTGRESQL if bulk.supported(session) else _PROFILE_STATE
        statement = select(visitors.c.visitor_id, *profile_state).join(Profile, Profile.id == visitors.c.profile_id)
        _statements[dialect] = statement
    return statement


def _create_visitor_profiles(session: Session, shop_id: int, visitor_ids: list[str], seen_at: datetime) -> None:
    """One profile per new visitor, in two statements whatever their number.

    Another request may register the same new visitor at the same moment; the
    visitor id's unique constraint decides who wins, and the loser's empty
    profile is removed again.
    """
    # The new profiles are all alike, so which id goes to which visitor does
    # not matter, and RETURNING needs no ordering (which would cost one
    # statement per row on PostgreSQL).
    new_profile = {"shop_id": shop_id, "first_seen_at": seen_at, "last_seen_at": seen_at, "session_count": 0}
    if bulk.supported(session):  # statements of one text whatever the number of new visitors (psycopg parses each new text)
        profile_ids = bulk.insert_returning(session, Profile.__table__, [new_profile] * len(visitor_ids), "id")
    else:
        profile_ids = session.scalars(insert(Profile.__table__).returning(Profile.id), [dict(new_profile) for _ in visitor_ids]).all()
    links = [
        {"shop_id": shop_id, "visitor_id": visitor_id, "profile_id": profile_id, "first_seen_at": seen_at}
        for visitor_id, profile_id in zip(visitor_ids, profile_ids)
    ]
    if bulk.supported(session):
        linked = set(bulk.insert_ignoring_conflicts_returning(session, VisitorId.__table__, links, ["shop_id", "visitor_id"], "visitor_id"))
    else:
        linked = set(
            session.scalars(insert_ignoring_conflicts(session, VisitorId, ["shop_id", "visitor_id"]).returning(VisitorId.visitor_id), links)
        )
    orphans = [link["profile_id"] for link in links if link["visitor_id"] not in linked]
    if orphans:
        session.execute(delete(Profile).where(Profile.id.in_(orphans)))


def identify(session: Session, shop_id: int, visitor_id: str, visitor_profile: Profile, customer_id: str) -> Profile:
    """Link a visitor to a customer; returns the profile the visitor belongs to afterwards."""
    if visitor_profile.customer_id == customer_id:
        return visitor_profile
    customer_profile = customer_profile_of(session, shop_id, customer_id)
    if customer_profile is None:
        if visitor_profile.customer_id is None:
            try:
                with session.begin_nested():
                    visitor_profile.customer_id = customer_id
                    session.flush()
                return visitor_profile
            except IntegrityError:
                # Someone else just gave this customer a profile; merge into it below.
                session.refresh(visitor_profile)
                customer_profile = customer_profile_of(session, shop_id, customer_id)
        else:
            customer_profile = _new_customer_profile(session, shop_id, customer_id, visitor_profile)
    if customer_profile is None:  # pragma: no cover - the race above resolved to nothing
        raise RuntimeError(f"customer {customer_id!r} vanished while identifying")

    if visitor_profile.customer_id is None:
        merge_profiles(session, source=visitor_profile, target=customer_profile)
    else:
        _move_visitor(session, shop_id, visitor_id, customer_profile)
    return customer_profile


MAX_TRAITS = 50


def remember_traits(profile: Profile, traits: dict) -> None:
    """What a verified identify says about the customer (first_name ...), over what was known; null removes a trait."""
    merged = {**(profile.traits or {}), **traits}
    merged = {name: value for name, value in merged.items() if value is not None}
    # A new dict, so SQLAlchemy sees the change; the newest names win when there are too many.
    profile.traits = dict(list(merged.items())[-MAX_TRAITS:])


def customer_profile_of(session: Session, shop_id: int, customer_id: str) -> Profile | None:
    return session.scalar(
        select(Profile).where(Profile.shop_id == shop_id, Profile.customer_id == customer_id)
    )


def profile_for_customer(
    session: Session, shop_id: int, customer_id: str, seen_at: datetime
) -> Profile:
    """The customer's profile, created if we have never seen them (orders imported before any visit)."""
    profile = customer_profile_of(session, shop_id, customer_id)
    if profile is not None:
        return profile
    try:
        with session.begin_nested():
            profile = Profile(
                shop_id=shop_id, customer_id=customer_id, first_seen_at=seen_at, last_seen_at=seen_at, session_count=0
            )
            session.add(profile)
            session.flush()
        return profile
    except IntegrityError:
        return customer_profile_of(session, shop_id, customer_id)


def _new_customer_profile(session: Session, shop_id: int, customer_id: str, like: Profile) -> Profile:
    profile = Profile(
        shop_id=shop_id,
        customer_id=customer_id,
        first_seen_at=like.last_seen_at,
        last_seen_at=like.last_seen_at,
        session_count=0,
        country=like.country,
        device=like.device,
    )
    session.add(profile)
    session.flush()
    return profile


def _move_visitor(session: Session, shop_id: int, visitor_id: str, target: Profile) -> None:
    session.execute(
        update(VisitorId)
        .where(VisitorId.shop_id == shop_id, VisitorId.visitor_id == visitor_id)
        .values(profile_id=target.id)
    )


def merge_profiles(session: Session, source: Profile, target: Profile) -> None:
    """Fold an anonymous profile into a customer's; the history moves, nothing is copied."""
    for model in (VisitorId, Event, Order):
        session.execute(
            update(model)
            .where(model.shop_id == source.shop_id, model.profile_id == source.id)
            .values(profile_id=target.id)
            .execution_options(synchronize_session=False)
        )
    # Tombstones that pointed at the source now point at the survivor.
    session.execute(
        update(Profile).where(Profile.merged_into_id == source.id).values(merged_into_id=target.id)
    )
    if source.first_seen_at < target.first_seen_at:
        target.first_seen_at = source.first_seen_at
        # First touch is the earliest visit's, which was the anonymous one.
        target.traffic_source = source.traffic_source or target.traffic_source
        target.traffic_medium = source.traffic_medium or target.traffic_medium
        target.traffic_campaign = source.traffic_campaign or target.traffic_campaign
    else:
        target.traffic_source = target.traffic_source or source.traffic_source
        target.traffic_medium = target.traffic_medium or source.traffic_medium
        target.traffic_campaign = target.traffic_campaign or source.traffic_campaign
    if source.last_seen_at > target.last_seen_at:
        target.last_seen_at = source.last_seen_at
        target.country = source.country or target.country
        target.device = source.device or target.device
    target.session_count = (target.session_count or 0) + (source.session_count or 0)
    folded = traits.merge(_traits_of(target), _traits_of(source))
    for field, value in folded.items():
        setattr(target, field, value)
    source.merged_into_id = target.id
    source.session_count = 0
    # The source's events and orders are now the target's: what its page views read changed. An SQL
    # increment, so a concurrent batch's own increment is not lost.
    target.history_version = Profile.history_version + 1
    session.flush()


def _traits_of(profile: Profile) -> dict:
    return {field: getattr(profile, field) for field in TRAIT_FIELDS}

"""One customer's data: find it all, export it, delete it. Plain functions; the caller commits.

A person is found by customer id and/or email. Their profiles are the one
with that customer id, the profiles their pop-up leads (by email) point at,
and every tombstone merged into those (the same person on another device).
Everything else hangs off those profiles, their visitor ids and customer id,
including the dead letters (refused events) that name any of them
(app/privacy/dead_letters.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.models import (
    Assignment,
    Event,
    Lead,
    LeadConsent,
    Order,
    OrderLine,
    Profile,
    RejectedEvent,
    Shop,
    SurveyAnswer,
    SurveyAnswerSegment,
    VisitorId,
)
from app.privacy.dead_letters import dead_letter_ids

CHUNK = 500  # SQLite caps the number of bound parameters per statement


@dataclass
class Person:
    """Everything that identifies one person in one shop."""

    shop_id: int
    customer_ids: set[str] = field(default_factory=set)
    emails: set[str] = field(default_factory=set)
    profile_ids: set[int] = field(default_factory=set)
    visitor_ids: set[str] = field(default_factory=set)

    @property
    def assignment_units(self) -> set[str]:
        # As app/decisions/experiments.py:unit_of builds them.
        return {f"c:{cid}" for cid in self.customer_ids} | {f"v:{vid}" for vid in self.visitor_ids}


def find_person(session: Session, shop_id: int, customer_id: str | None = None, email: str | None = None) -> Person:
    if not customer_id and not email:
        raise ValueError("give a customer_id or an email")
    person = Person(shop_id, {str(customer_id)} if customer_id else set(), {email.strip().lower()} if email else set())
    if person.customer_ids:
        person.profile_ids |= set(session.scalars(
            select(Profile.id).where(Profile.shop_id == shop_id, Profile.customer_id.in_(person.customer_ids))
        ))
    if person.emails:
        person.profile_ids |= {pid for pid in session.scalars(
            select(Lead.profile_id).where(Lead.shop_id == shop_id, Lead.email.in_(person.emails))
        ) if pid is not None}
    # Tombstones merged into these profiles, and so on down the chain.
    frontier = set(person.profile_ids)
    while frontier:
        merged = set(session.scalars(
            select(Profile.id).where(Profile.shop_id == shop_id, Profile.merged_into_id.in_(frontier))
        )) - person.profile_ids
        person.profile_ids |= merged
        frontier = merged
    person.customer_ids |= {cid for cid in _in_chunks(
        session, select(Profile.customer_id).where(Profile.shop_id == shop_id), Profile.id, person.profile_ids
    ) if cid}
    person.visitor_ids = set(_in_chunks(
        session, select(VisitorId.visitor_id).where(VisitorId.shop_id == shop_id), VisitorId.profile_id, person.profile_ids
    ))
    return person


def _in_chunks(session: Session, query, column, values) -> list:
    values, found = sorted(values), []
    for start in range(0, len(values), CHUNK):
        found += list(session.scalars(query.where(column.in_(values[start : start + CHUNK]))))
    return found


def _belongs(person: Person, model, profile_column=None, customer_column=None) -> list:
    """Conditions that select the person's rows of a table (empty sets select nothing)."""
    conditions = []
    if profile_column is not None and person.profile_ids:
        conditions.append(profile_column.in_(sorted(person.profile_ids)))
    if customer_column is not None and person.customer_ids:
        conditions.append(customer_column.in_(sorted(person.customer_ids)))
    return conditions


def _orders_query(person: Person):
    conditions = _belongs(person, Order, Order.profile_id, Order.customer_id)
    return select(Order).where(Order.shop_id == person.shop_id, or_(*conditions)) if conditions else None


def _events_condition(person: Person):
    conditions = _belongs(person, Event, Event.profile_id, Event.customer_id)
    if person.visitor_ids:
        conditions.append(Event.visitor_id.in_(sorted(person.visitor_ids)))
    return or_(*conditions) if conditions else None


def _leads_condition(person: Person):
    conditions = []
    if person.emails:
        conditions.append(Lead.email.in_(sorted(person.emails)))
    if person.profile_ids:
        conditions.append(Lead.profile_id.in_(sorted(person.profile_ids)))
    return or_(*conditions) if conditions else None


def _survey_answers_condition(person: Person):
    conditions = []
    if person.profile_ids:
        conditions.append(SurveyAnswer.profile_id.in_(sorted(person.profile_ids)))
    if person.visitor_ids:
        conditions.append(SurveyAnswer.visitor_id.in_(sorted(person.visitor_ids)))
    return or_(*conditions) if conditions else None


def _assignments_condition(person: Person):
    conditions = []
    if person.profile_ids:
        conditions.append(Assignment.profile_id.in_(sorted(person.profile_ids)))
    if person.assignment_units:
        conditions.append(Assignment.unit_id.in_(sorted(person.assignment_units)))
    return or_(*conditions) if conditions else None


def _dead_letters(session: Session, person: Person) -> list[int]:
    return dead_letter_ids(session, person.shop_id, person.customer_ids, person.emails, person.visitor_ids)


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _row(obj, skip=("shop_id",)) -> dict:
    return {column.key: _plain(getattr(obj, column.key)) for column in obj.__table__.columns if column.key not in skip}


def export_customer(session: Session, shop_id: int, customer_id: str | None = None, email: str | None = None) -> dict:
    """Everything we hold about one person, as JSON-ready data (for a GDPR/CCPA access request)."""
    person = find_person(session, shop_id, customer_id, email)
    profiles = [session.get(Profile, pid) for pid in sorted(person.profile_ids)]
    export = {
        "shop_id": shop_id,
        "requested": {"customer_id": customer_id, "email": email},
        "exported_at": utcnow().isoformat(),
        "profiles": [_row(profile) for profile in profiles],
        "visitor_ids": sorted(person.visitor_ids),
        "events": [], "orders": [], "leads": [], "assignments": [], "survey_answers": [],
        "rejected_events": [_row(letter) for letter in sorted(_in_chunks(
            session, select(RejectedEvent).where(RejectedEvent.shop_id == shop_id), RejectedEvent.id, _dead_letters(session, person),
        ), key=lambda letter: letter.id)],
    }
    condition = _events_condition(person)
    if condition is not None:
        export["events"] = [_row(e) for e in session.scalars(
            select(Event).where(Event.shop_id == shop_id, condition).order_by(Event.occurred_at, Event.id))]
    query = _orders_query(person)
    if query is not None:
        export["orders"] = [
            {**_row(order), "lines": [_row(line, skip=("shop_id", "order_id")) for line in order.lines]}
            for order in session.scalars(query.order_by(Order.placed_at, Order.id))
        ]
    condition = _leads_condition(person)
    if condition is not None:
        # Each lead with its consent record: every answer and confirmation, with when it was given.
        export["leads"] = [
            {**_row(lead), "consents": [_row(answer, skip=("lead_id",)) for answer in session.scalars(
                select(LeadConsent).where(LeadConsent.lead_id == lead.id).order_by(LeadConsent.id))]}
            for lead in session.scalars(select(Lead).where(Lead.shop_id == shop_id, condition).order_by(Lead.id))
        ]
    condition = _survey_answers_condition(person)
    if condition is not None:
        answers = session.scalars(select(SurveyAnswer).where(SurveyAnswer.shop_id == shop_id, condition).order_by(SurveyAnswer.id)).all()
        segments = {}
        for answer_id, segment_id in session.execute(select(SurveyAnswerSegment.answer_id, SurveyAnswerSegment.segment_id).where(
                SurveyAnswerSegment.shop_id == shop_id, SurveyAnswerSegment.answer_id.in_([a.id for a in answers]))):
            segments.setdefault(answer_id, []).append(segment_id)
        export["survey_answers"] = [{**_row(a), "segment_ids": sorted(segments.get(a.id, []))} for a in answers]
    condition = _assignments_condition(person)
    if condition is not None:
        export["assignments"] = [_row(a) for a in session.scalars(
            select(Assignment).where(Assignment.shop_id == shop_id, condition).order_by(Assignment.id))]
    return export


def delete_customer(session: Session, shop_id: int, customer_id: str | None = None, email: str | None = None) -> dict:
    """Delete one person's data; the number of rows deleted per kind. The caller commits."""
    session.flush()  # pending changes first: the bulk deletes below expire the session
    person = find_person(session, shop_id, customer_id, email)
    counts = {"profiles": 0, "visitor_ids": 0, "events": 0, "orders": 0, "order_lines": 0, "leads": 0, "assignments": 0,
              "rejected_events": 0, "survey_answers": 0}

    def run(statement) -> int:
        return session.execute(statement.execution_options(synchronize_session=False)).rowcount or 0

    letters = _dead_letters(session, person)
    for start in range(0, len(letters), CHUNK):
        counts["rejected_events"] += run(delete(RejectedEvent).where(RejectedEvent.id.in_(letters[start : start + CHUNK])))
    condition = _assignments_condition(person)
    if condition is not None:
        counts["assignments"] = run(delete(Assignment).where(Assignment.shop_id == shop_id, condition))
    condition = _survey_answers_condition(person)
    if condition is not None:  # their free-text comments too; the segment links go with them (ON DELETE CASCADE)
        counts["survey_answers"] = run(delete(SurveyAnswer).where(SurveyAnswer.shop_id == shop_id, condition))
    condition = _leads_condition(person)
    if condition is not None:
        counts["leads"] = run(delete(Lead).where(Lead.shop_id == shop_id, condition))
    condition = _events_condition(person)
    if condition is not None:
        counts["events"] = run(delete(Event).where(Event.shop_id == shop_id, condition))
    query = _orders_query(person)
    if query is not None:
        order_ids = list(session.scalars(query.with_only_columns(Order.id)))
        for start in range(0, len(order_ids), CHUNK):
            chunk = order_ids[start : start + CHUNK]
            counts["order_lines"] += run(delete(OrderLine).where(OrderLine.order_id.in_(chunk)))
            counts["orders"] += run(delete(Order).where(Order.id.in_(chunk)))
    profile_ids = sorted(person.profile_ids)
    for start in range(0, len(profile_ids), CHUNK):
        chunk = profile_ids[start : start + CHUNK]
        counts["visitor_ids"] += run(delete(VisitorId).where(VisitorId.profile_id.in_(chunk)))
    if profile_ids:
        for start in range(0, len(profile_ids), CHUNK):
            counts["profiles"] += run(delete(Profile).where(Profile.shop_id == shop_id, Profile.id.in_(profile_ids[start : start + CHUNK])))
    session.expire_all()  # bulk deletes bypass the identity map; loaded objects are stale now
    return counts


def delete_orders(session: Session, shop_id: int, external_ids) -> int:
    """Delete orders by their external ids (Shopify's `orders_to_redact`); the number deleted."""
    session.flush()
    ids = sorted({str(external_id) for external_id in external_ids})
    deleted = 0
    for start in range(0, len(ids), CHUNK):
        order_ids = list(session.scalars(select(Order.id).where(Order.shop_id == shop_id, Order.external_id.in_(ids[start : start + CHUNK]))))
        if order_ids:
            session.execute(delete(OrderLine).where(OrderLine.order_id.in_(order_ids)).execution_options(synchronize_session=False))
            deleted += session.execute(delete(Order).where(Order.id.in_(order_ids)).execution_options(synchronize_session=False)).rowcount or 0
    session.expire_all()
    return deleted


def delete_shop_data(session: Session, shop_id: int) -> None:
    """Delete the shop and, through ON DELETE CASCADE on every shop_id, all it owns. The caller commits."""
    session.flush()
    # Detach what this deletes, so objects the caller still holds stay readable (not "deleted" errors).
    for obj in list(session.identity_map.values()):
        if (isinstance(obj, Shop) and obj.id == shop_id) or getattr(obj, "shop_id", None) == shop_id:
            session.expunge(obj)
    session.execute(delete(Shop).where(Shop.id == shop_id).execution_options(synchronize_session=False))
    session.expire_all()


def purge_expired(session: Session, shop_id: int, retention_days: int) -> int:
    """Delete the shop's events older than `retention_days`; how many. The caller commits."""
    if retention_days < 1:
        raise ValueError("retention_days must be at least 1")
    cutoff = utcnow() - timedelta(days=retention_days)
    return session.execute(
        delete(Event).where(Event.shop_id == shop_id, Event.occurred_at < cutoff).execution_options(synchronize_session=False)
    ).rowcount or 0

"""Storing a batch of events: validate each, drop duplicates, resolve profiles, write once.

A customer id in an event is only a claim unless the batch's ``identities``
verify its ``customer_sig`` (app/identity_secrets.py): anyone with the shop's
public key can send any customer id. A verified id merges the visitor into
the customer's profile (app/ingest/identity.py); a claim stays on the
visitor's own profile, is kept in ``props.claimed_customer_id`` for the
merchant's debugging, and never reaches the customer's profile, traits or
orders.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from operator import attrgetter

from marshmallow import ValidationError
from sqlalchemy import Select, bindparam, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.identity_secrets import UNVERIFIED
from app.ingest import bulk, clock, event_store, identity, traffic
from app.ingest.orders import OrderData, OrderLineData, store_new_orders
from app.journey import traits as journey_traits
from app.models import Event, Product, Profile, RejectedEvent
from app.models.profile import HISTORY_EVENT_TYPES
from app.schemas.event_loading import load_event
from app.schemas.events import MAX_PRICE, MAX_QUANTITY
from app.schemas.json_values import nesting_exceeds, unstorable_text

# A visit ends after this long without activity (the usual web-analytics rule).
SESSION_GAP = timedelta(minutes=30)
# What the shop's widgets report: counted in its stats, so they must come from a real decision.
WIDGET_EVENTS = frozenset({"widget_impression", "widget_click", "popup_submit"})
NOT_OUR_DECISION = "Not a decision this server made for this visitor (or older than 7 days)."
# A rejected payload nested deeper than this is kept as text (see _storable).
DEAD_LETTER_MAX_DEPTH = 64
DEAD_LETTER_MAX_TEXT = 16 * 1024


@dataclass(frozen=True)
class RequestFacts:
    """What the HTTP layer knows about the sender, beyond the events themselves."""

    user_agent: str | None = None
    country: str | None = None


@dataclass
class IngestResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"accepted": self.accepted, "duplicates": self.duplicates, "rejected": self.rejected}


def ingest_batch(
    session: Session,
    shop_id: int,
    raw_events: list,
    *,
    sent_at: datetime | None,
    received_at: datetime,
    facts: RequestFacts = RequestFacts(),
    source: str = "storefront",
    correct_clock: bool = True,
    admit_new_visitors: Callable[[int], bool] | None = None,
    verify_decision: Callable[[str, object], bool] | None = None,
    identities=UNVERIFIED,
) -> IngestResult:
    """Validate and store one batch; the caller commits.

    Valid events are stored even when others in the batch are not; the invalid
    ones are reported by index and kept as dead letters. An event whose id the
    shop has already sent counts as a duplicate and is not stored again.
    ``admit_new_visitors(n)`` may refuse the batch's n first-seen visitors
    (identity.NewVisitorsRefused; the caller rolls back and the sender retries).
    ``verify_decision(visitor_id, decision_id)``, given for events from the
    open internet, rejects widget events whose ``props.decision_id`` the
    server did not issue.
    ``identities`` says which customer ids are verified: the shop's signatures
    (identity_secrets.ShopSignatures) for the storefront, TRUSTED for the
    merchant's own imports, and by default none.
    """
    result = IngestResult()
    valid: list[dict] = []
    for index, raw in enumerate(raw_events):
        try:
            if not isinstance(raw, dict):
                raise ValidationError({"_schema": ["Each event must be a JSON object."]})
            loaded = load_event(raw)
            if verify_decision is not None and loaded["type"] in WIDGET_EVENTS and not verify_decision(
                loaded["visitor_id"], loaded["props"].get("decision_id")
            ):
                raise ValidationError({"props": {"decision_id": [NOT_OUR_DECISION]}})
            valid.append(loaded)
        except ValidationError as error:
            errors = error.normalized_messages()
            result.rejected.append({"index": index, "errors": errors})
            session.add(
                RejectedEvent(
                    shop_id=shop_id,
                    received_at=received_at,
                    batch_index=index,
                    source=source,
                    payload=_storable(raw),
                    errors=errors,
                )
            )

    unique: dict[str, dict] = {}
    for event in valid:  # an id twice in the batch: the first counts
        unique.setdefault(event["id"], event)
    fresh = list(unique.values())
    if any(event.get("customer_id") for event in fresh):
        # Stored events are otherwise found by the INSERT (ON CONFLICT); a batch that may identify
        # someone drops them first, so that a replayed identify changes nobody's profile again.
        fresh = _drop_stored(session, shop_id, fresh)
    result.duplicates = len(valid) - len(fresh)
    if fresh:
        clock_skew = clock.skew(sent_at, received_at)
        for event in fresh:
            if correct_clock:
                event["occurred_at"] = clock.corrected_time(event["ts"], clock_skew, received_at)
            else:  # imported history: its timestamps are the record
                event["occurred_at"] = event["ts"] or received_at
        fresh.sort(key=lambda event: event["occurred_at"])
        _resolve_profiles(session, shop_id, fresh, identities, admit_new_visitors)
        inserted = event_store.insert_events(session, shop_id, fresh, received_at)
        result.duplicates += len(fresh) - len(inserted)
        result.accepted = len(inserted)
        stored = [event for event in fresh if event["id"] in inserted]
        _update_profiles(session, shop_id, stored, facts)
        _record_purchases(session, shop_id, stored)
    session.flush()
    return result


def _storable(raw) -> dict | list | str | None:
    """Dead letters keep what was sent, as long as it is JSON we can store.

    Nested past what a JSON column's serialiser can recurse into, it is kept
    as the start of its text instead (the errors say why it was refused).
    """
    if isinstance(raw, (dict, list)) and nesting_exceeds(raw, DEAD_LETTER_MAX_DEPTH):
        return repr(raw)[:DEAD_LETTER_MAX_TEXT]
    if unstorable_text(raw, DEAD_LETTER_MAX_DEPTH):  # NaN, Infinity, NUL or a lone surrogate: PostgreSQL's JSON refuses them
        return repr(raw)[:DEAD_LETTER_MAX_TEXT]
    if isinstance(raw, (dict, list, str)) or raw is None:
        return raw
    return repr(raw)[:DEAD_LETTER_MAX_TEXT]


def _drop_stored(session: Session, shop_id: int, events: list[dict]) -> list[dict]:
    ids = bulk.in_values(session, [event["id"] for event in events])
    stored = set(session.connection().execute(_statement(session, "stored"), {"shop_id": shop_id, "ids": ids}).scalars())
    return [event for event in events if event["id"] not in stored]


def _resolve_profiles(
    session: Session, shop_id: int, events: list[dict], identities, admit_new_visitors: Callable[[int], bool] | None = None
) -> dict:
    """Visitor id -> profile, after applying every verified identification the batch carries, in time order.

    Profiles are read-only rows unless the batch identifies someone (a verified customer id its
    visitor's profile does not have yet, or traits to remember): merging needs ORM objects.
    """
    first_seen = events[0]["occurred_at"]
    visitor_ids = {event["visitor_id"] for event in events}
    profile_of = identity.resolve_visitors(session, shop_id, visitor_ids, first_seen, admit_new_visitors)
    verified: dict[int, bool] = {}
    for index, event in enumerate(events):
        if event.get("customer_id"):
            verified[index] = identities.verifies(event["customer_id"], event.get("customer_sig"))
    if any(
        verified[index] and (events[index].get("traits") or profile_of[events[index]["visitor_id"]].customer_id != events[index]["customer_id"])
        for index in verified
    ):
        profile_of = identity.as_profiles(session, profile_of)
    for index, event in enumerate(events):
        customer_id = event.get("customer_id")
        if customer_id and not verified[index]:
            _demote_claim(event, profile_of[event["visitor_id"]])
        elif customer_id:
            visitor_id = event["visitor_id"]
            survivor = identity.identify(session, shop_id, visitor_id, profile_of[visitor_id], customer_id)
            # Every visitor id of a merged profile now belongs to the survivor.
            merged = profile_of[visitor_id]
            for other, profile in profile_of.items():
                if profile is merged and merged.merged_into_id == survivor.id:
                    profile_of[other] = survivor
            profile_of[visitor_id] = survivor
            if event.get("traits"):
                identity.remember_traits(survivor, event["traits"])
        event["profile"] = profile_of[event["visitor_id"]]
    for event in events:
        # Events before an identification in the same batch were resolved to
        # the anonymous profile, which a merge has since folded away.
        if event["profile"].merged_into_id is not None:
            event["profile"] = profile_of[event["visitor_id"]]
    return profile_of


def _demote_claim(event: dict, visitor_profile) -> None:
    """An unverified customer id: it changes nothing of that customer, and says nothing back.

    A visitor an earlier *verified* identify linked to this very customer is
    that customer's own device, so the id stands. Any other claim is moved
    out of ``customer_id``; a purchase under it is not credited to whoever
    owns the visitor's profile either (a shared computer: the claim names
    someone else).
    """
    if visitor_profile.customer_id == event["customer_id"]:
        return
    event["props"] = {**(event.get("props") or {}), "claimed_customer_id": event["customer_id"]}
    event["customer_id"] = None
    event["unattributed_purchase"] = visitor_profile.customer_id is not None


def _update_profiles(session: Session, shop_id: int, events: list[dict], facts: RequestFacts) -> None:
    """Fold the batch's activity into its profiles, in one executemany UPDATE.

    One statement for all profiles rather than one per profile: a batch from
    an import or a busy proxy carries hundreds of visitors.
    """
    state: dict[int, dict] = {}
    category_of = _categories(session, shop_id, events)
    # The request's country header, when it names one, wins over every event's props (traffic.country_code).
    header_country = traffic.country_code(facts.country, {})
    for event in events:  # in time order
        profile = event["profile"]
        values = state.get(profile.id)
        if values is None:
            values = state[profile.id] = dict(zip(identity.ACTIVITY_FIELDS, _activity_of(profile)))
        at = event["occurred_at"]
        if values["session_count"] == 0 or at - values["last_seen_at"] > SESSION_GAP:
            values["session_count"] += 1
        if at > values["last_seen_at"]:
            values["last_seen_at"] = at
        if at < values["first_seen_at"]:
            values["first_seen_at"] = at
        props = event.get("props") or {}
        event_type = event["type"]
        if event_type == "page_view" and values["traffic_source"] is None:
            source = traffic.traffic_source(event.get("url"), event.get("referrer"), props)
            values.update(traffic_source=source.source, traffic_medium=source.medium, traffic_campaign=source.campaign)
        values["device"] = traffic.device_class(props, facts.user_agent) or values["device"]
        values["country"] = header_country or (props and traffic.country_code(None, props)) or values["country"]
        if event_type in _FOLDED_INTO_TRAITS:
            journey_traits.apply_event(values, event_type, event.get("value"), _quantity(props), category_of.get(event.get("product_id")))
    if not state:
        return
    # What a page view's ranking reads of these profiles changed: results computed from it are stale.
    changed = {event["profile"].id for event in events if event["type"] in HISTORY_EVENT_TYPES}
    session.flush()
    table = Profile.__table__
    if bulk.supported(session):
        bulk.update_by_key(session, table, "id", [
            {"id": profile_id, **values, "history_version": int(profile_id in changed)} for profile_id, values in state.items()
        ], increments=("history_version",))
    else:
        session.connection().execute(
            update(table).where(table.c.id == bindparam("profile_id"))
            .values(history_version=table.c.history_version + bindparam("history_change")),
            [{"profile_id": profile_id, **values, "history_change": int(profile_id in changed)} for profile_id, values in state.items()],
        )
    # Profiles this session holds as objects (merged in this batch, or read before it) must not keep the old values.
    # (Looked up from the few objects held, not once per profile of the batch.)
    for key in list(session.identity_map.keys()):
        if key[0] is Profile and key[1][0] in state:
            session.expire(session.identity_map[key], [*identity.ACTIVITY_FIELDS, "history_version"])


_activity_of = attrgetter(*identity.ACTIVITY_FIELDS)
# The events journey_traits.apply_event changes anything for.
_FOLDED_INTO_TRAITS = frozenset({"add_to_cart", "remove_from_cart", "product_view"})


def _categories(session: Session, shop_id: int, events: list[dict]) -> dict[str, str]:
    viewed = {event["product_id"] for event in events if event["type"] == "product_view" and event.get("product_id")}
    if not viewed:
        return {}
    rows = session.connection().execute(_statement(session, "categories"), {"shop_id": shop_id, "products": bulk.in_values(session, viewed)})
    return dict(rows.all())


_statements: dict[tuple[str, str], Select] = {}


def _statement(session: Session, name: str) -> Select:
    """Built once per database kind (building a statement costs more than reading its rows)."""
    key = (session.get_bind().dialect.name, name)
    statement = _statements.get(key)
    if statement is None:
        shop = bindparam("shop_id")
        if name == "stored":  # the batch's event ids the shop has sent before
            statement = bulk.unique_matches(session, [Event.client_event_id], Event.client_event_id, "ids", Event.shop_id == shop)
        else:  # the categories of the batch's viewed products
            statement = bulk.unique_matches(
                session, [Product.external_id, Product.category], Product.external_id, "products",
                Product.shop_id == shop, Product.category.is_not(None),
            )
        _statements[key] = statement
    return statement


def _quantity(props: dict) -> int:
    try:
        return min(max(int(props.get("quantity", 1)), 1), MAX_QUANTITY)
    except (TypeError, ValueError, OverflowError):
        return 1


def _record_purchases(session: Session, shop_id: int, events: list[dict]) -> None:
    orders = []
    for event in events:
        if event["type"] != "purchase" or not event.get("order_id"):
            continue
        profile = None if event.get("unattributed_purchase") else event["profile"]
        orders.append(
            OrderData(
                external_id=event["order_id"],
                placed_at=event["occurred_at"],
                customer_id=profile.customer_id if profile else None,
                profile_id=profile.id if profile else None,
                total=event.get("value"),
                currency=event.get("currency"),
                lines=_order_lines((event.get("props") or {}).get("lines")),
            )
        )
    if not orders:
        return
    try:
        with session.begin_nested():
            store_new_orders(session, shop_id, orders, source="storefront")
    except IntegrityError:
        # The same order reported twice at once (two tabs): the other request stored it.
        pass


def _order_lines(raw_lines) -> list[OrderLineData]:
    """Lines as the page reported them; malformed lines are skipped, not fatal to the event."""
    lines = []
    if not isinstance(raw_lines, list):
        return lines
    for raw in raw_lines[:200]:
        if not isinstance(raw, dict) or raw.get("product_id") in (None, ""):
            continue
        try:
            quantity = int(raw.get("quantity", 1))
            price = Decimal(str(raw.get("price", 0))).quantize(Decimal("0.01"))
        except (TypeError, ValueError, OverflowError, InvalidOperation):
            continue
        if not 0 < quantity <= MAX_QUANTITY or not price.is_finite() or not 0 <= price <= MAX_PRICE:
            continue
        lines.append(OrderLineData(product_id=str(raw["product_id"])[:128], quantity=quantity, price=price))
    return lines

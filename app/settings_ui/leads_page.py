"""The leads page: emails shoppers left in pop-ups, newest first, and a CSV export."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from flask import Response, g, render_template, request, stream_with_context
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from app import db
from app.models import Lead, Rule
from app.settings_ui import lead_setup
from app.settings_ui.auth import login_required
from app.settings_ui.blueprint import blueprint
from app.settings_ui.csv_export import csv_lines

PER_PAGE = 50
# The first five as ever (merchants' imports rely on them); the rest were added with one lead per address.
CSV_COLUMNS = ("email", "consent", "created_at", "rule_id", "rule", "consent_at", "confirmed_at", "consent_pending", "discount_code")


@dataclass(frozen=True)
class LeadRow:
    email: str
    consent: bool
    created_at: datetime
    rule_id: int | None
    rule_name: str | None
    consent_at: datetime
    confirmed_at: datetime | None
    consent_pending_at: datetime | None
    discount_code: str | None


def _lead_rows(shop_id: int):
    # The rule join is filtered by shop too, so a stray rule_id can never reveal another shop's rule name.
    return (
        select(Lead.email, Lead.consent, Lead.created_at, Lead.rule_id, Rule.name, Lead.consent_at, Lead.confirmed_at,
               Lead.consent_pending_at, Lead.discount_code)
        .outerjoin(Rule, and_(Rule.id == Lead.rule_id, Rule.shop_id == shop_id))
        .where(Lead.shop_id == shop_id)
        .order_by(Lead.created_at.desc(), Lead.id.desc())
    )


def count_leads(session: Session, shop_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Lead).where(Lead.shop_id == shop_id)) or 0


def leads_page(session: Session, shop_id: int, page: int, per_page: int = PER_PAGE) -> list[LeadRow]:
    rows = session.execute(_lead_rows(shop_id).limit(per_page).offset((page - 1) * per_page))
    return [LeadRow(*row) for row in rows]


def all_leads(session: Session, shop_id: int) -> Iterator[LeadRow]:
    for row in session.execute(_lead_rows(shop_id).execution_options(yield_per=1000)):
        yield LeadRow(*row)


def csv_rows(rows: Iterator[LeadRow]) -> Iterator[list]:
    for row in rows:
        yield [row.email, "yes" if row.consent else "no", row.created_at.isoformat(), row.rule_id or "", row.rule_name or "",
                    row.consent_at.isoformat(), row.confirmed_at.isoformat() if row.confirmed_at else "",
                    "yes" if row.consent_pending_at else "no", row.discount_code or ""]


@blueprint.get("/leads")
@login_required
def leads():
    session = db.session()
    total = count_leads(session, g.shop.id)
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    return render_template(
        "settings/leads.html", leads=leads_page(session, g.shop.id, page), total=total, page=page, pages=pages,
        **lead_setup.context(session, g.shop),
    )


@blueprint.get("/leads.csv")
@login_required
def leads_csv():
    shop_id = g.shop.id
    lines = stream_with_context(line.encode("utf-8") for line in csv_lines(CSV_COLUMNS, csv_rows(all_leads(db.session(), shop_id))))
    return Response(lines, mimetype="text/csv", headers={
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": f'attachment; filename="leads-shop-{shop_id}.csv"',
    })

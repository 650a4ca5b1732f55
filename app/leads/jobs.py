"""The leads' job kinds: the confirmation email (double opt-in) and the webhook delivery."""
from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from app.leads import confirmation, mail, outgoing
from app.models import Job, Lead, Shop
from app.secret_key import app_secret

OUTBOX = "p13n.outbox"  # app.extensions key: the list MAIL_BACKEND=outbox appends to


def send_confirmation(session: Session, job: Job) -> None:
    lead = session.get(Lead, job.payload.get("lead_id"))
    if lead is None or lead.consent_pending_at is None:
        job.progress = {"skipped": "nothing to confirm any more"}
        return
    app = current_app._get_current_object()
    shop = session.get(Shop, lead.shop_id)
    lang = job.payload.get("lang")  # the sign-up page's language, if it said
    url = confirmation.confirmation_url(job.payload["base_url"], confirmation.make_token(app_secret(app), lead), lang)
    subject, text = confirmation.email_text(shop, url, lang)
    mail.send(app.config, mail.Message(to=lead.email, subject=subject, text=text), app.extensions.setdefault(OUTBOX, []))
    job.progress = {"sent_to": lead.email}


def deliver_webhook(session: Session, job: Job) -> None:
    outgoing.deliver(session, job, app_secret(current_app._get_current_object()))

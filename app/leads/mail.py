"""Sending an email: by SMTP, to a webhook (a mail service's HTTP API behind a relay), or to an outbox.

Chosen by MAIL_BACKEND (app/config.py): "smtp" (SMTP_HOST...), "webhook" (MAIL_WEBHOOK_URL, the
message POSTed as JSON and signed like the lead webhook), "outbox" (kept in a list: tests and
trying things out). Empty picks smtp when SMTP_HOST is set, else webhook when MAIL_WEBHOOK_URL is.
"""
from __future__ import annotations

import json
import smtplib
import ssl
import time
from dataclasses import asdict, dataclass
from email.message import EmailMessage

import requests

from app.leads.signing import signature_header


class MailNotConfigured(Exception):
    pass


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    text: str


def backend(config) -> str | None:
    chosen = config.get("MAIL_BACKEND") or ""
    if chosen:
        return chosen
    if config.get("SMTP_HOST"):
        return "smtp"
    if config.get("MAIL_WEBHOOK_URL"):
        return "webhook"
    return None


def is_configured(config) -> bool:
    return backend(config) is not None


def send(config, message: Message, outbox: list | None = None) -> None:
    """Send it, or raise (the job retries): MailNotConfigured, smtplib.SMTPException, OSError, requests errors."""
    chosen = backend(config)
    if chosen == "smtp":
        _smtp(config, message)
    elif chosen == "webhook":
        _webhook(config, message)
    elif chosen == "outbox":
        if outbox is None:
            raise MailNotConfigured("MAIL_BACKEND is 'outbox' but there is no outbox")
        outbox.append(message)
    else:
        raise MailNotConfigured("No email sender: set SMTP_HOST (and MAIL_FROM) or MAIL_WEBHOOK_URL.")


def _smtp(config, message: Message) -> None:
    email = EmailMessage()
    email["From"] = config.get("MAIL_FROM") or "no-reply@localhost"
    email["To"] = message.to
    email["Subject"] = message.subject
    email.set_content(message.text)
    host, port = config["SMTP_HOST"], int(config.get("SMTP_PORT") or 587)
    context = ssl.create_default_context()
    if port == 465:
        server = smtplib.SMTP_SSL(host, port, timeout=20, context=context)
    else:
        server = smtplib.SMTP(host, port, timeout=20)
    with server:
        if port != 465 and config.get("SMTP_STARTTLS", True):
            server.starttls(context=context)
        if config.get("SMTP_USERNAME"):
            server.login(config["SMTP_USERNAME"], config.get("SMTP_PASSWORD") or "")
        server.send_message(email)


def _webhook(config, message: Message) -> None:
    body = json.dumps({"from": config.get("MAIL_FROM") or "", **asdict(message)}, separators=(",", ":")).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "p13n-mail"}
    if config.get("MAIL_WEBHOOK_SECRET"):
        headers["X-P13n-Signature"] = signature_header(config["MAIL_WEBHOOK_SECRET"], body, int(time.time()))
    response = requests.post(config["MAIL_WEBHOOK_URL"], data=body, headers=headers, timeout=15)
    response.raise_for_status()

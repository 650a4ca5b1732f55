"""German (Sie-Form, the usual register of German shops)."""
from __future__ import annotations

MESSAGES = {
    "close": "Schließen",
    "copy": "Kopieren",
    "copied": "Kopiert",
    "email": "E-Mail",
    "email_placeholder": "name@beispiel.de",
    "send": "Senden",
    "thanks": "Vielen Dank!",
    "recommendations": "Empfehlungen",
    "previous": "Zurück",
    "next": "Weiter",
    "survey_failed": "Ihre Antwort konnte leider nicht gesendet werden. Bitte versuchen Sie es erneut.",
    "consent_label": "Ja, ich möchte Angebote per E-Mail erhalten. Abmelden kann ich mich jederzeit.",
    "reason.viewed": "Weil Sie {title} angesehen haben",
    "reason.bought": "Weil Sie {title} gekauft haben",
    "reason.similar": "Ähnlich wie {title}",
    "reason.bought_with": "Oft zusammen gekauft mit {title}",
    "reason.restock": "Zeit, {title} nachzukaufen",
    "reason.trending": "Gerade gefragt",
    "reason.trending_in": "Gefragt in {subject}",
    "reason.for_you": "Für Sie ausgewählt",
    "reason.pinned": "Unser Tipp",
    "reason.this": "diesen Artikel",
    "survey.nps.question": "Wie wahrscheinlich ist es, dass Sie uns Freunden oder Kollegen weiterempfehlen?",
    "survey.nps.low_label": "Sehr unwahrscheinlich",
    "survey.nps.high_label": "Sehr wahrscheinlich",
    "survey.csat.question": "Wie zufrieden sind Sie mit Ihrem Einkauf?",
    "survey.csat.low_label": "Sehr unzufrieden",
    "survey.csat.high_label": "Sehr zufrieden",
    "survey.comment_label": "Möchten Sie uns noch etwas mitteilen? (optional)",
    "survey.thanks": "Vielen Dank für Ihre Antwort!",
    "add_to_cart": "In den Warenkorb",
    "added": "Hinzugefügt ✓",
    "try_again": "Erneut versuchen",
    "days": "{n} T.",
    "template.free_shipping": "Noch {{free_shipping_remaining}} bis zum kostenlosen Versand.",
    "template.free_shipping_reached": "Ihre Bestellung wird kostenlos versandt!",
    "template.countdown": "Endet in {{countdown}}",
    "template.social_proof": "In den letzten 24 Stunden {{bought_today}}-mal gekauft",
    "template.restock": "Zeit zum Nachkaufen: {{restock_title}}",
    "starter.block_headline": "Ihre Überschrift",
    "starter.block_text": "Ihre Nachricht.",
    "starter.popup_headline": "Bevor Sie gehen",
    "starter.slider_title": "Für Sie ausgewählt",
    "starter.survey_headline": "Eine kurze Frage",
    "lead.check_inbox": "Fast geschafft: Bitte bestätigen Sie über den Link, den wir Ihnen gerade gemailt haben.",
    "lead.pool_empty": "Leider sind im Moment alle Codes vergeben. Vielen Dank für Ihre Anmeldung!",
    "lead.not_created": "Ihr Code konnte gerade nicht erstellt werden. Bitte senden Sie das Formular in einer Minute erneut.",
    "confirm.email_subject": "Bitte bestätigen Sie Ihr Abonnement bei {shop}",
    "confirm.email_body": (
        "Hallo,\n"
        "\n"
        "Sie (oder jemand mit Ihrer Adresse) möchten E-Mails von {shop} erhalten.\n"
        "Zur Bestätigung öffnen Sie bitte diesen Link:\n"
        "\n"
        "{url}\n"
        "\n"
        "Waren Sie das nicht, ignorieren Sie diese E-Mail einfach: Ohne Bestätigung erhalten Sie nichts.\n"
    ),
    "confirm.title": "Bestätigen Sie Ihr Abonnement bei {shop}",
    "confirm.text": "Bestätigen Sie, dass {email} E-Mails von {shop} erhalten darf.",
    "confirm.button": "Abonnement bestätigen",
    "confirm.back": "Zurück zu {shop}",
    "confirm.invalid_title": "Link ungültig",
    "confirm.invalid": "Dieser Link ist ungültig.",
    "confirm.expired": "Dieser Link ist abgelaufen. Melden Sie sich im Shop erneut an, um einen neuen zu erhalten.",
    "confirm.unsubscribed": "Sie haben sich nach dem Versand dieses Links abgemeldet; er meldet Sie daher nicht mehr an.",
    "confirm.done": "{email} erhält jetzt E-Mails von {shop}.",
}

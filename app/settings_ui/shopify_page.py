"""The Shopify page: the connected store, the app embed, the last sync per resource, "Sync now"."""
from __future__ import annotations

from flask import flash, g, jsonify, redirect, render_template, url_for
from sqlalchemy import select

from app import db
from app.jobs import describe, enqueue_single, latest_job
from app.jobs.kinds import SHOPIFY_SYNC
from app.models import Job, ShopifyInstall
from app.settings_ui.auth import login_required
from app.settings_ui.blueprint import blueprint
from app.shopify.app_embed import app_embed_status

RESOURCE_LABELS = {"products": "Products", "collections": "Collections", "orders": "Orders", "customers": "Customers"}


def sync_progress(job: Job | None) -> dict:
    """What the progress block shows (and polls for)."""
    if job is None:
        return {"status": "none"}
    progress = job.progress or {}
    return {**describe(job),
            "progress": {"resource": progress.get("resource"), "done": progress.get("done", 0), "total": progress.get("total", 0),
                         "message": progress.get("message", "")}}


def last_syncs(install: ShopifyInstall) -> list[dict]:
    state = install.sync_state or {}
    return [
        {"label": label, "count": (state.get(name) or {}).get("count"), "synced_at": (state.get(name) or {}).get("synced_at"),
         "resuming": bool((state.get(name) or {}).get("cursor") or (state.get(name) or {}).get("bulk"))}
        for name, label in RESOURCE_LABELS.items()
    ]


@blueprint.get("/shopify")
@login_required
def shopify():
    session = db.session()
    install = session.scalar(select(ShopifyInstall).where(ShopifyInstall.shop_id == g.shop.id))
    embed = None
    if install is not None and install.uninstalled_at is None:
        embed = app_embed_status(install)
    return render_template(
        "settings/shopify.html", install=install, embed=embed, syncs=last_syncs(install) if install else [],
        job=sync_progress(latest_job(session, g.shop.id, SHOPIFY_SYNC)),
    )


@blueprint.post("/shopify/sync")
@login_required
def shopify_sync():
    session = db.session()
    install = session.scalar(select(ShopifyInstall).where(ShopifyInstall.shop_id == g.shop.id))
    if install is None or install.uninstalled_at is not None:
        flash("This shop is not connected to Shopify; install the app first.", "error")
    elif enqueue_single(session, SHOPIFY_SYNC, g.shop.id)[1]:
        session.commit()
        flash("Sync started. It runs in the background; you can leave this page.", "info")
    else:
        flash("A sync is already queued or running; this page shows its progress.", "info")
    return redirect(url_for("settings_ui.shopify"))


@blueprint.get("/shopify/sync/progress")
@login_required
def shopify_sync_progress():
    return jsonify(sync_progress(latest_job(db.session(), g.shop.id, SHOPIFY_SYNC)))

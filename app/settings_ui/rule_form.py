"""Rule editor forms <-> the rule and experiment payloads app/resources validates. Plain functions, no Flask.

Inputs are named by the dotted path of what they set (``content.headline``,
``targeting.stages``), so the marshmallow schemas validate the form exactly
as they validate the JSON API, and their field-level errors map straight
back onto the inputs.
"""
from __future__ import annotations

from app.decisions.vocabulary import MODES, PAGE_KINDS
from app.ingest.traffic import DEVICES
from app.journey.stages import STAGES
from app.journey.traffic_class import TRAFFIC_CLASSES
from app.recommender.serving.strategies import STRATEGY_NAMES

LIST_FIELDS = ("targeting.stages", "targeting.segments", "targeting.page_kinds", "targeting.devices", "targeting.sources")
LINE_LIST_FIELDS = ("targeting.url_patterns", "content.pins")
DATETIME_FIELDS = ("targeting.starts_at", "targeting.ends_at")
# What a variant may change, per kind: the field a merchant would A/B test first.
VARIANT_FIELDS = {"block": ("html",), "popup": ("headline", "coupon"), "slider": ("title", "strategy")}
MAX_VARIANTS = 4
# A slider's boosts, as rows of (what, its name, factor) in the editor; stored as content.boost.
MAX_BOOSTS = 5
BOOST_KINDS = {"products": "Product id", "tags": "Tag", "categories": "Category"}
CHOICES = {"stages": STAGES, "page_kinds": PAGE_KINDS, "devices": DEVICES, "sources": TRAFFIC_CLASSES,
           "modes": MODES, "strategies": STRATEGY_NAMES}
MODE_LABELS = {
    "after": "After it", "before": "Before it", "append": "Inside, after what it holds",
    "prepend": "Inside, before what it holds", "replace": "Replace what it holds (removes it)",
}
PLACEMENTS = ("slot", "selector")


def rule_payload(form, kind: str) -> dict:
    """The JSON body the rules API takes, from the editor form (a werkzeug MultiDict)."""
    payload: dict = {"kind": kind}
    placement = form.get("placement")
    for name in form:
        if name in ("csrf_token", "placement") or name.startswith(("variant.", "experiment.", "preview", "boost.")):
            continue
        if placement in PLACEMENTS and name in PLACEMENTS and name != placement:
            continue  # the placement not chosen is not saved, whatever its input still holds
        if name in LIST_FIELDS:
            values = [value for value in form.getlist(name) if value != ""]
            if name == "targeting.segments":
                values = [int(value) if value.isdigit() else value for value in values]
            _set(payload, name, values)
            continue
        # A checkbox is sent as a hidden "false" followed by "true" when ticked: the last value wins.
        value = form.getlist(name)[-1].strip() if form.getlist(name) else ""
        if name in LINE_LIST_FIELDS:
            _set(payload, name, [line.strip() for line in value.splitlines() if line.strip()])
        elif value == "":
            continue  # unset: the schema's default applies (or it says the field is required)
        elif name in DATETIME_FIELDS and len(value) == 16:
            _set(payload, name, value + ":00+00:00")  # <input type=datetime-local> has no zone; the form says UTC
        else:
            _set(payload, name, value)
    for name in LIST_FIELDS:  # nothing ticked still means "no restriction"
        if not _has(payload, name):
            _set(payload, name, [])
    if kind == "popup" and not _has(payload, "content.survey.kind"):
        payload.get("content", {}).pop("survey", None)  # "no question": the survey's other inputs mean nothing
    if kind == "slider":
        _set(payload, "content.boost", boost_payload(form))
    content = payload.get("content")
    if isinstance(content, dict) and isinstance(content.get("unique_code"), dict) and not content["unique_code"].get("source"):
        del content["unique_code"]  # "No" unique code: its other inputs (pre-filled defaults) mean nothing
    return payload


def boost_payload(form) -> dict:
    """content.boost from the editor's rows; a row without a name is empty. The schema checks the factors."""
    boost: dict = {kind: {} for kind in BOOST_KINDS}
    for index in range(MAX_BOOSTS):
        kind = (form.get(f"boost.{index}.kind") or "").strip()
        name = (form.get(f"boost.{index}.name") or "").strip()
        if name and kind in BOOST_KINDS:
            boost[kind][name] = (form.get(f"boost.{index}.factor") or "").strip() or "1"
    return boost


def boost_rows(boost: dict | None) -> dict:
    """content.boost as the editor's rows ({input name: value})."""
    values: dict = {}
    rows = [(kind, name, factor) for kind in BOOST_KINDS for name, factor in ((boost or {}).get(kind) or {}).items()]
    for index, (kind, name, factor) in enumerate(rows[:MAX_BOOSTS]):
        values.update({f"boost.{index}.kind": kind, f"boost.{index}.name": name, f"boost.{index}.factor": factor})
    return values


def experiment_payload(form, kind: str) -> dict | None:
    """The rule's experiment (variants and weights) the form describes, or None when it names no variant."""
    variants = []
    for index in range(MAX_VARIANTS):
        name = (form.get(f"variant.{index}.name") or "").strip()
        if not name:
            continue
        content = {}
        for field in VARIANT_FIELDS[kind]:
            value = (form.get(f"variant.{index}.{field}") or "").strip()
            if value:
                content[field] = value
        variants.append({"name": name, "weight": (form.get(f"variant.{index}.weight") or "1").strip(), "content": content})
    if not variants:
        return None
    holdout = (form.get("experiment.holdout_percent") or "0").strip()
    try:
        holdout_fraction = float(holdout) / 100
    except ValueError:
        holdout_fraction = holdout  # the schema reports it
    return {"name": (form.get("experiment.name") or "").strip() or "A/B test",
            "status": "running", "variants": variants, "holdout": holdout_fraction}


def form_values(rule_data: dict, experiment: dict | None = None) -> dict:
    """Flatten a rule (as the API dumps it) into {input name: value} for the template."""
    values: dict = {}
    content = dict(rule_data.get("content") or {})
    values.update(boost_rows(content.pop("boost", None)))
    _flatten({**rule_data, "content": content}, "", values)
    if experiment:
        values["experiment.name"] = experiment.get("name", "")
        values["experiment.holdout_percent"] = round(float(experiment.get("holdout") or 0) * 100, 2)
        for index, variant in enumerate(experiment.get("variants", [])[:MAX_VARIANTS]):
            values[f"variant.{index}.name"] = variant.get("name", "")
            values[f"variant.{index}.weight"] = variant.get("weight", 1)
            for field, value in (variant.get("content") or {}).items():
                values[f"variant.{index}.{field}"] = value
    return values


def submitted_values(form) -> dict:
    """What the merchant typed, to show again next to the errors."""
    values = {}
    for name in form:
        items = form.getlist(name)
        values[name] = items if name in LIST_FIELDS else (items[-1] if items else "")
    return values


def flat_errors(messages, prefix: str = "") -> dict[str, str]:
    """marshmallow's nested messages as {dotted input name: message}."""
    flat: dict[str, str] = {}
    if isinstance(messages, dict):
        for key, inner in messages.items():
            flat.update(flat_errors(inner, f"{prefix}{key}." if key != "_schema" else prefix))
    elif isinstance(messages, list):
        if all(isinstance(item, str) for item in messages):
            flat[prefix.rstrip(".") or "_form"] = " ".join(messages)
        else:
            for item in messages:
                flat.update(flat_errors(item, prefix))
    else:
        flat[prefix.rstrip(".") or "_form"] = str(messages)
    return flat


def _flatten(value, prefix: str, into: dict) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(inner, f"{prefix}{key}.", into)
        return
    name = prefix.rstrip(".")
    if name in LINE_LIST_FIELDS:
        into[name] = "\n".join(value or [])
    elif name in DATETIME_FIELDS and value:
        into[name] = str(value)[:16]
    else:
        into[name] = value


def _set(payload: dict, dotted: str, value) -> None:
    *parents, last = dotted.split(".")
    node = payload
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


def _has(payload: dict, dotted: str) -> bool:
    node = payload
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True

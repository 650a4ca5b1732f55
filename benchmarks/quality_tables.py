"""The closing tables of docs/quality.md and the bars of issue 11, from ``flask evaluate --json`` reports."""
from __future__ import annotations

METRICS = (("precision_at_k", "P@10"), ("recall_at_k", "R@10"), ("ndcg_at_k", "nDCG@10"), ("auc", "AUC"))


def _interval(value: dict | None, digits: int = 4) -> str:
    if not value or value.get("mean", value.get("ratio")) is None:
        return "–"
    point = value.get("mean", value.get("ratio"))
    if value.get("low") is None:
        return f"{point:.{digits}f}"
    return f"{point:.{digits}f} [{value['low']:.{digits}f}, {value['high']:.{digits}f}]"


def table(report: dict) -> str:
    reference = report["reference"]
    lines = [
        f"{report['data']['test_users']:,} test users, {report['data']['validation_users']:,} validation users; "
        f"served blend {report['served']['blend']}",
        "",
        "| model | " + " | ".join(f"{label} test" for _, label in METRICS) + f" | {reference} / model P@10 test"
        " | P@10 validation | ratio validation |",
        "| --- " * (len(METRICS) + 4) + "|",
    ]
    for name, result in report["test"]["models"].items():
        validation = report["validation"]["models"].get(name, {}).get("precision_at_k")
        cells = [_interval(result.get(metric)) for metric, _ in METRICS]
        ratio = report["test"]["ratios"].get(name, {}).get("precision_at_k")
        ratio_validation = report["validation"]["ratios"].get(name, {}).get("precision_at_k")
        lines.append(f"| {'**' + name + '**' if name == reference else name} | " + " | ".join(cells)
                     + f" | {_interval(ratio, 2) + '×' if ratio else '–'} | {_interval(validation)}"
                     f" | {_interval(ratio_validation, 2) + '×' if ratio_validation else '–'} |")
    return "\n".join(lines)


def tables(reports: dict[str, dict[str, dict]]) -> str:
    parts = []
    for dataset, by_protocol in reports.items():
        for protocol, report in by_protocol.items():
            parts.append(f"### {dataset}, {protocol} (cutoff {report['cutoff']}, validation from {report['validation_cutoff']})\n")
            parts.append(table(report) + "\n")
            if report.get("cold_start"):
                cold = report["cold_start"]
                parts.append(f"Cold start: {cold['held_out_items']} held-out items, AUC {cold['auc']} among them, "
                             f"{cold['auc_all_items']} among all items.\n")
            for note in report.get("notes", []):
                parts.append(f"Note: {note}.\n")
    return "\n".join(parts)


def _ratio(report: dict, part: str, baseline: str) -> dict:
    return report[part]["ratios"][baseline]["precision_at_k"]


def _mean(report: dict, part: str, model: str) -> float:
    return report[part]["models"][model]["precision_at_k"]["mean"]


def bars(reports: dict[str, dict[str, dict]]) -> str:
    """Each bar of issue 11 with its figure: PASS or FAIL."""
    checks = []
    retail = reports.get("online-retail", {})
    if "discovery" in retail:
        recent, popular = _ratio(retail["discovery"], "test", "recent_popularity"), _ratio(retail["discovery"], "test", "popularity")
        checks.append(("Online Retail discovery: served >= 1.2x recent_popularity, interval above 1",
                       recent["ratio"] >= 1.2 and recent["low"] > 1.0, _interval(recent, 2)))
        checks.append(("Online Retail discovery: served >= 3x all-time popularity", popular["ratio"] >= 3.0, _interval(popular, 2)))
    for dataset, by_protocol in reports.items():
        for protocol, report in by_protocol.items():  # every protocol: the served ranking never below recent popularity
            if "recent_popularity" not in report["test"]["models"]:
                continue
            for part in ("validation", "test"):
                served, recent = _mean(report, part, "served"), _mean(report, part, "recent_popularity")
                checks.append((f"{dataset} {protocol} {part}: served >= recent_popularity", served >= recent - 1e-12,
                               f"{served:.4f} vs {recent:.4f}"))
    if "repeat" in retail:
        ratio = _ratio(retail["repeat"], "test", "times_bought_recency")
        checks.append(("Online Retail repeat: buy_again >= 1.1x times bought x recency", ratio["ratio"] >= 1.1, _interval(ratio, 2)))
    for dataset, by_protocol in reports.items():
        if "new-visitors" in by_protocol:
            ratio = _ratio(by_protocol["new-visitors"], "test", "trending")
            checks.append((f"{dataset} new visitors: served after two events >= 1.2x trending", ratio["ratio"] >= 1.2,
                           _interval(ratio, 2)))
    return "\n".join(f"{'PASS' if ok else 'FAIL'}  {label}: {figure}" for label, ok, figure in checks)

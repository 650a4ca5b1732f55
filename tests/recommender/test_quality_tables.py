"""The closing tables and the pass/fail lines of issue 11's bars, from evaluate reports (benchmarks/quality_tables.py)."""
from benchmarks.quality_tables import bars, tables


def _value(mean, low=None, high=None):
    return {"mean": mean, "low": low, "high": high}


def _ratio(ratio, low, high):
    return {"precision_at_k": {"ratio": ratio, "low": low, "high": high}}


def _report(protocol, reference, models, ratios):
    section = {"models": {name: {"precision_at_k": _value(p, p - 0.01, p + 0.01)} for name, p in models.items()},
               "ratios": ratios}
    return {"protocol": protocol, "reference": reference, "cutoff": "2011-11-02", "validation_cutoff": "2011-09-20",
            "data": {"test_users": 1420, "validation_users": 900}, "served": {"blend": {"default": {"popularity": 1.0}}},
            "validation": section, "test": section, "notes": []}


def test_each_bar_passes_or_fails_on_its_own_figure():
    discovery = _report("discovery", "served", {"served": 0.095, "recent_popularity": 0.077, "popularity": 0.030},
                        {"recent_popularity": _ratio(1.23, 1.02, 1.45), "popularity": _ratio(3.1, 2.5, 3.9)})
    repeat = _report("repeat", "buy_again", {"buy_again": 0.30, "times_bought_recency": 0.29},
                     {"times_bought_recency": _ratio(1.03, 0.98, 1.08)})
    new = _report("new-visitors", "served", {"served": 0.1, "trending": 0.05, "recent_popularity": 0.11},
                  {"trending": _ratio(2.0, 1.5, 2.5)})
    short = _report("new-visitors", "served", {"served": 0.1, "trending": 0.09}, {"trending": _ratio(1.11, 1.02, 1.2)})
    below = _report("discovery", "served", {"served": 0.09, "recent_popularity": 0.1, "popularity": 0.05},
                    {"recent_popularity": _ratio(0.9, 0.8, 1.0), "popularity": _ratio(1.8, 1.5, 2.1)})
    lines = bars({"online-retail": {"discovery": discovery, "repeat": repeat, "new-visitors": new},
                  "movielens": {"discovery": below, "new-visitors": short}}).splitlines()
    verdicts = {line.split(": ")[0].split("  ", 1)[1]: line.split("  ", 1)[0] for line in lines}
    assert verdicts == {
        "Online Retail discovery": "PASS",  # 1.2x with the interval above 1 ...
        "online-retail discovery validation": "PASS", "online-retail discovery test": "PASS",
        "movielens discovery validation": "FAIL", "movielens discovery test": "FAIL",
        "online-retail new-visitors validation": "FAIL", "online-retail new-visitors test": "FAIL",  # 0.1 < 0.11
        "Online Retail repeat": "FAIL",  # 1.03x < 1.1x
        "online-retail new visitors": "PASS", "movielens new visitors": "FAIL",  # 1.11x < 1.2x
    }
    assert "1.23 [1.02, 1.45]" in lines[0] and "3.10 [2.50, 3.90]" in lines[1]


def test_the_tables_show_every_model_with_its_interval_and_ratio():
    discovery = _report("discovery", "served", {"served": 0.095, "recent_popularity": 0.077},
                        {"recent_popularity": _ratio(1.23, 1.02, 1.45)})
    text = tables({"online-retail": {"discovery": discovery}})
    assert "### online-retail, discovery (cutoff 2011-11-02" in text
    assert "| **served** | 0.0950 [0.0850, 0.1050] |" in text
    assert "| recent_popularity | 0.0770 [0.0670, 0.0870] |" in text and "1.23 [1.02, 1.45]×" in text

"""The protocols' views of a temporal split: who is evaluated, on what history, against what."""
from app.recommender.training import views
from app.recommender.training.features import Interactions

ITEMS = {name: n for n, name in enumerate("abcdef")}


def rows(*triples):
    return Interactions.from_tuples([(user, item, 1.0, float(at)) for user, item, at in triples])


BEFORE = rows(("u1", "a", 1), ("u1", "b", 2), ("u2", "a", 3))
AFTER = rows(("u1", "b", 10), ("u1", "c", 11), ("u2", "a", 12), ("new", "d", 13), ("new", "a", 14), ("new", "e", 15),
             ("new", "d", 16), ("new", "zz", 17), ("once", "a", 18))
USERS = {"u1": 0, "u2": 1}


def relevant(view):
    return {user: sorted(k for k, v in ITEMS.items() if view.relevant[row, v]) for row, user in enumerate(view.user_ids)}


def test_discovery_counts_only_what_is_new_to_a_known_user():
    view = views.discovery(BEFORE, None, AFTER, ITEMS, USERS, None, 10.0)
    assert relevant(view) == {"u1": ["c"]}  # u2 only bought "a" again; "b" was u1's already
    assert sorted(view.histories.exclude_items.tolist()) == [0, 1]  # u1 is never shown a, b


def test_repeat_counts_everything_and_excludes_nothing():
    view = views.repeat(BEFORE, BEFORE, AFTER, ITEMS, USERS, None, 10.0)
    assert relevant(view) == {"u1": ["b", "c"], "u2": ["a"]}
    assert len(view.histories.exclude_items) == 0 and len(view.histories.purchase_rows) == 3


def test_new_visitors_fold_in_their_first_two_events_and_predict_the_rest():
    view = views.new_visitors(AFTER, AFTER, ITEMS, USERS, {"new": ["country:gb"]}, 10.0)
    assert relevant(view) == {"new": ["e"]}  # d and a were folded in; zz is not in the catalog; "once" has nothing left
    history = view.histories
    assert sorted(history.event_items.tolist()) == [0, 3] and history.user_rows.tolist() == [-1]
    assert sorted(history.session_items.tolist()) == [0, 3] and history.feature_tokens == [("country:gb",)]
    assert history.purchase_items.tolist() == [3]  # bought before the second folded event; that event's own order is not
    assert view.now == 14.0


def test_concat_keeps_both_views_rows():
    both = views.concat(views.discovery(BEFORE, None, AFTER, ITEMS, USERS, None, 10.0),
                        views.new_visitors(AFTER, None, ITEMS, USERS, None, 10.0))
    assert both.user_ids == ["u1", "new"] and relevant(both) == {"u1": ["c"], "new": ["e"]}
    assert both.histories.history_lengths().tolist() == [2, 2] and both.histories.user_rows.tolist() == [0, -1]


def test_a_limit_samples_that_many_users_and_keeps_each_ones_own_history():
    many = rows(*[(f"u{n}", "a", 1) for n in range(40)], *[(f"u{n}", "b", 2) for n in range(0, 40, 2)])
    later = rows(*[(f"u{n}", "c", 10) for n in range(40)])
    known = {f"u{n}": n for n in range(40)}
    whole = views.discovery(many, None, later, ITEMS, known, None, 10.0)
    sampled = views.discovery(many, None, later, ITEMS, known, None, 10.0, limit=7)
    assert len(whole.user_ids) == 40 and len(sampled.user_ids) == 7
    assert sampled.user_ids == [user for user in whole.user_ids if user in set(sampled.user_ids)]  # order kept
    assert sampled.user_ids == views.discovery(many, None, later, ITEMS, known, None, 10.0, limit=7).user_ids  # seeded
    for row, user in enumerate(sampled.user_ids):
        events = sorted(sampled.histories.event_items[sampled.histories.event_rows == row].tolist())
        assert events == ([0, 1] if int(user[1:]) % 2 == 0 else [0])
        assert sampled.histories.user_rows[row] == known[user]


def test_histories_of_a_mix_of_known_and_unknown_users_land_on_their_own_rows():
    before = rows(("u2", "b", 1), ("ghost", "c", 2), ("u1", "a", 3))
    histories = views.build_histories(["u2", "ghost", "u1"], before, None, ITEMS, USERS, None, exclude_history=True)
    assert histories.user_rows.tolist() == [1, -1, 0]
    assert sorted(zip(histories.event_rows.tolist(), histories.event_items.tolist())) == [(0, 1), (1, 2), (2, 0)]
    known_only = views.build_histories(["u2", "u1"], before, None, ITEMS, USERS, None, exclude_history=True)
    assert sorted(zip(known_only.event_rows.tolist(), known_only.event_items.tolist())) == [(0, 1), (1, 0)]

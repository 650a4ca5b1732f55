"""/admin/api/rules: changing a widget's placement replaces it; both at once is a 400 that changes nothing."""


def auth(secret):
    return {"Authorization": f"Bearer {secret}"}


BLOCK = {"kind": "block", "name": "Hero", "slot": "home-hero", "content": {"html": "<p>Hi</p>"}}


def test_patching_a_selector_moves_the_block_out_of_its_slot(client, make_shop):
    _, secret = make_shop()
    rule = client.post("/admin/api/rules", json=BLOCK, headers=auth(secret)).get_json()
    assert (rule["slot"], rule["selector"], rule["mode"]) == ("home-hero", None, "append")
    moved = client.patch(f"/admin/api/rules/{rule['id']}", json={"selector": "article h1"}, headers=auth(secret))
    assert moved.status_code == 200, moved.get_json()
    assert (moved.get_json()["slot"], moved.get_json()["selector"], moved.get_json()["mode"]) == (None, "article h1", "after")


def test_both_placements_in_one_body_are_refused(client, make_shop):
    _, secret = make_shop()
    rule = client.post("/admin/api/rules", json=BLOCK, headers=auth(secret)).get_json()
    refused = client.put(f"/admin/api/rules/{rule['id']}", json={**BLOCK, "selector": "h1", "mode": "after"}, headers=auth(secret))
    assert refused.status_code == 400
    assert refused.get_json()["errors"] == {"selector": ["Choose a slot or a CSS selector, not both."]}
    assert client.get(f"/admin/api/rules/{rule['id']}", headers=auth(secret)).get_json()["selector"] is None

"""`flask create-user` and `flask set-password`: settings sign-ins from the command line."""
from __future__ import annotations

from app.models import ShopUser
from tests.helpers.settings_ui import sign_in


def test_a_user_is_created_and_can_sign_in_then_gets_a_new_password(runner, client, make_shop, db_session):
    shop, _ = make_shop("CLI shop")
    created = runner.invoke(args=["create-user", "--shop", str(shop.id), "--email", "Owner@CLI.example", "--password", "first password"])
    assert created.exit_code == 0, created.output
    assert "owner@cli.example can sign in" in created.output
    assert sign_in(client, "owner@cli.example", "first password").status_code == 302

    changed = runner.invoke(args=["set-password", "--email", "owner@cli.example", "--password", "second password"])
    assert changed.exit_code == 0, changed.output
    assert sign_in(client, "owner@cli.example", "first password").status_code == 401
    assert sign_in(client, "owner@cli.example", "second password").status_code == 302


def test_bad_input_is_named_and_nothing_is_stored(runner, make_shop, db_session):
    shop, _ = make_shop("CLI shop")
    short = runner.invoke(args=["create-user", "--shop", str(shop.id), "--email", "a@b.example", "--password", "short"])
    assert short.exit_code != 0 and "at least 10 characters" in short.output
    not_email = runner.invoke(args=["create-user", "--shop", str(shop.id), "--email", "nobody", "--password", "long enough pw"])
    assert not_email.exit_code != 0 and "not an email address" in not_email.output
    unknown = runner.invoke(args=["set-password", "--email", "ghost@b.example", "--password", "long enough pw"])
    assert unknown.exit_code != 0 and "no sign-in with the email ghost@b.example" in unknown.output
    assert db_session.query(ShopUser).count() == 0

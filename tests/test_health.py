from app.factory import create_app


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_fails_when_the_database_is_unreachable(tmp_path):
    app = create_app({"DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none", "SECRET_KEY": "x"})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


def test_creating_the_app_touches_no_file(tmp_path):
    database = tmp_path / "sub" / "never.sqlite3"
    create_app({"DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "x"})
    assert not database.parent.exists()

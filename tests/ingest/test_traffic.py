from app.ingest.traffic import country_code, device_class, traffic_source


def test_utm_parameters_win_over_the_referrer():
    source = traffic_source("https://shop.example/?utm_source=newsletter&utm_medium=email&utm_campaign=nov", "https://google.com/", {})
    assert (source.source, source.medium, source.campaign) == ("newsletter", "email", "nov")


def test_a_foreign_referrer_is_a_referral_and_an_internal_one_is_direct():
    assert traffic_source("https://shop.example/a", "https://www.instagram.com/p/1", {}).source == "instagram.com"
    internal = traffic_source("https://shop.example/a", "https://shop.example/b", {})
    assert (internal.source, internal.medium) == ("direct", "none")


def test_device_from_the_script_or_the_user_agent():
    assert device_class({"device": "tablet"}, None) == "tablet"
    iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"
    assert device_class({}, iphone) == "mobile"
    assert device_class({}, "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)") == "tablet"
    assert device_class({}, "Mozilla/5.0 (X11; Linux x86_64) Chrome/120") == "desktop"


def test_country_from_the_proxy_header_else_the_event():
    assert country_code("de", {"country": "FR"}) == "DE"
    assert country_code("XX", {"country": "fr"}) == "FR"
    assert country_code(None, {"country": "France"}) is None


def test_unparseable_urls_are_direct_traffic_not_an_error():
    source = traffic_source("http://[::1/?utm_source=x", "http://[::1/", {})
    assert (source.source, source.medium) == ("direct", "none")

"""The FAS login's settings fail closed, like the others (tests/botp/test_settings.py)."""

from tests.botp.test_settings import PRODUCTION, load_settings, refused

FAS = {"FAS_ISSUER": "https://idp.iamfas.int.belgium.be/fas/oauth2",
       "FAS_CLIENT_ID": "botp", "FAS_CLIENT_SECRET": "s" * 20}
SHOW = "s.SOCIALACCOUNT_PROVIDERS['fas']['APPS'][0]['settings']"


def test_fas_is_off_unless_an_issuer_is_set():
    result = load_settings(show="s.SOCIALACCOUNT_PROVIDERS")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "{}"


def test_fas_asks_level_400_by_default():
    result = load_settings(show=SHOW, **FAS)
    assert result.returncode == 0, result.stderr
    assert "'acr_values': 'urn:be:fedict:iam:fas:citizen:Level400'" in result.stdout
    assert "'server_url': 'https://idp.iamfas.int.belgium.be/fas/oauth2'" in result.stdout


def test_a_level_below_two_factors_refuses_to_start():
    result = load_settings(show=SHOW, FAS_ACR="urn:be:fedict:iam:fas:citizen:Level200", **FAS)
    assert "FAS_ACR must be a FAS assurance level of at least Level400" in refused(result)
    result = load_settings(show=SHOW, FAS_ACR="high", **FAS)
    assert "FAS_ACR" in refused(result)


def test_an_issuer_without_its_client_refuses_to_start():
    result = load_settings(show=SHOW, FAS_ISSUER=FAS["FAS_ISSUER"])
    assert "FAS_ISSUER needs FAS_CLIENT_ID and FAS_CLIENT_SECRET" in refused(result)


def test_production_refuses_an_issuer_without_https():
    result = load_settings(show=SHOW, **{**PRODUCTION, **FAS,
                                         "FAS_ISSUER": "http://idp.example"})
    assert "FAS_ISSUER must be an https:// address in production" in refused(result)

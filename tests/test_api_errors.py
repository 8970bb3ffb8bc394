"""Hardening finding 8: every error the API answers is published in its schema, and is JSON, even an
unexpected exception or a database that is restarting (503 with Retry-After, never Django's HTML 500)."""
import logging

import psycopg
import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client

pytestmark = pytest.mark.django_db

V1 = "/api/v1"


def _schema():
    response = Client().get(f"{V1}/openapi.json")
    assert response.status_code == 200
    return response.json()


def _ref(operation, status):
    return operation["responses"][str(status)]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]


def test_the_schema_lists_every_status_an_operation_answers_with_its_body():
    schema = _schema()
    paths, components = schema["paths"], schema["components"]["schemas"]
    one = paths[f"{V1}/cases/{{ticket}}"]["get"]
    assert set(one["responses"]) >= {"200", "401", "404", "422", "429", "500", "503"}
    act = paths[f"{V1}/cases/{{ticket}}/actions/{{action}}"]["post"]
    assert set(act["responses"]) >= {"200", "401", "403", "404", "409", "413", "422", "500", "503"}
    assert set(components[_ref(act, 409)]["properties"]) >= {"detail", "state", "allowed_actions"}
    filing = paths[f"{V1}/cases"]["post"]
    assert set(filing["responses"]) >= {"201", "401", "403", "409", "413", "422", "429", "500", "503"}
    invalid = components[_ref(filing, 422)]
    assert set(invalid["required"]) == {"detail", "errors"}
    assert components[_ref(filing, 429)]["properties"].keys() >= {"detail", "retry_after"}
    stats = paths[f"{V1}/stats/{{figure}}"]["get"]
    assert set(stats["responses"]) >= {"200", "400", "401", "403", "404", "422", "500", "503"}
    search = paths[f"{V1}/public/complaints"]["get"]
    assert set(search["responses"]) >= {"200", "400", "429", "500", "503"}
    # Every operation, including those of modules not listed by name: 500 and 503, 503 with its Retry-After.
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert {"500", "503"} <= set(operation["responses"]), (method, path)
            assert "Retry-After" in operation["responses"]["503"]["headers"], (method, path)
            assert set(components[_ref(operation, 500)]["required"]) == {"detail", "reference"}


def test_the_schema_declares_who_may_call_each_operation():
    schema = _schema()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}
    assert schemes["session"]["type"] == "apiKey" and schemes["session"]["in"] == "cookie"
    paths = schema["paths"]
    # Staff only: a key or a session, not the public.
    assert paths[f"{V1}/stats/{{figure}}"]["get"]["security"] == [{"bearer": []}, {"session": []}]
    # Reference data and the public database: no credentials needed.
    assert paths[f"{V1}/regions"]["get"]["security"] == [{}]
    assert paths[f"{V1}/public/complaints"]["get"]["security"] == [{}]
    # The rest follows the API-wide rule: a key, a session, or the public (tracking, filing).
    assert "security" not in paths[f"{V1}/cases"]["get"]
    assert schema["security"] == [{"bearer": []}, {"session": []}, {}]


def _boom(**kwargs):
    raise RuntimeError("secret-detail in /srv/ombud/cases/selectors.py")


@pytest.mark.parametrize("debug", [False, True])
def test_an_unexpected_exception_in_an_api_view_is_json_500_without_the_traceback(
        integrator, monkeypatch, settings, caplog, debug):
    settings.DEBUG = debug  # ninja would answer the traceback itself in DEBUG
    monkeypatch.setattr("ombud.cases.selectors.list_cases", _boom)
    with caplog.at_level(logging.ERROR, logger="ombud.api"):
        response = integrator.get("/cases")
    assert response.status_code == 500 and response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "reference"} and len(body["reference"]) == 12
    text = response.content.decode()
    assert "Traceback" not in text and "secret-detail" not in text and "selectors.py" not in text
    logged = [r for r in caplog.records if body["reference"] in r.getMessage()]
    assert logged and logged[0].exc_info and "secret-detail" in str(logged[0].exc_info[1])  # the log has it all


@pytest.mark.parametrize("error", [
    OperationalError("server closed the connection unexpectedly"),
    InterfaceError("connection already closed"),
    psycopg.OperationalError("terminating connection due to administrator command"),
])
def test_a_database_that_is_unavailable_is_json_503_with_retry_after(integrator, monkeypatch, error):
    def down(**kwargs):
        raise error

    monkeypatch.setattr("ombud.cases.selectors.list_cases", down)
    response = integrator.get("/cases")
    assert response.status_code == 503 and response["Content-Type"].startswith("application/json")
    retry = int(response["Retry-After"])
    assert retry > 0 and response.json()["retry_after"] == retry
    assert "nothing was saved" in response.json()["detail"] and "connection" not in response.content.decode()


def test_a_database_down_before_any_view_runs_is_json_503_on_the_api_and_the_page_elsewhere(monkeypatch):
    def down(self, request):  # the session read at the start of every request fails while PostgreSQL restarts
        raise OperationalError("could not connect to server: Connection refused")

    monkeypatch.setattr("ombud.core.middleware.UserLanguageMiddleware.__call__", down)
    client = Client(raise_request_exception=False)
    response = client.get(f"{V1}/cases")
    assert response.status_code == 503 and int(response["Retry-After"]) > 0
    assert response.json()["retry_after"] == int(response["Retry-After"])
    page = client.get("/")
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")  # a page stays a page


def test_an_exception_outside_ninja_is_json_too(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret-detail")

    monkeypatch.setattr("ombud.api.OmbudAPI.get_openapi_schema", broken)  # /openapi.json is not an operation
    response = Client().get(f"{V1}/openapi.json")
    assert response.status_code == 500 and "secret-detail" not in response.content.decode()
    assert set(response.json()) == {"detail", "reference"}


def test_django_s_own_error_pages_are_json_under_api():
    response = Client().get(f"{V1}/no-such-route")
    assert response.status_code == 404 and response.json() == {"detail": "not found"}
    response = Client().delete(f"{V1}/cases")
    assert response.status_code == 405 and response.json() == {"detail": "method not allowed"}
    assert "GET" in response["Allow"]

"""The database cannot be reached: every page answers 503 with Retry-After, in the visitor's language, saying that
nothing was saved (a form's page says to go back, the typed text is still there); the API answers a JSON 503; each
failure is one log line with its count, never a traceback. The production application runs in a child process
whose database is a loopback port nobody listens on."""

from __future__ import annotations

import socket

import pytest

from tests.helpers import free_port, run_production_child

CHILD = """
import json
from tests.helpers import hidden_fields, valid_submission
from wananchi import create_app

app = create_app("production")
client = app.test_client()
client.environ_base.update({"wsgi.url_scheme": "https", "HTTP_REFERER": "https://localhost/wasilisha"})
answers = {}
form = client.get("/wasilisha")
reset_form = client.get("/nenosiri/sahau")  # a form that needs no record: its security token is the session's
post = client.post("/wasilisha", data={**hidden_fields(reset_form.data), **valid_submission()})
client.set_cookie(app.config["LANGUAGE_COOKIE"], "en")  # the visitor chose English
english = client.get("/wasilisha")
submission = {key: value for key, value in valid_submission().items() if key != "district"}
api = client.post("/api/v1/tickets", json=submission, headers={"Accept-Language": "en"})
api_sw = client.get("/api/v1/institutions")
for name, answer in {"form": form, "post": post, "english": english, "api": api, "api_sw": api_sw}.items():
    answers[name] = {
        "status": answer.status_code,
        "retry_after": answer.headers.get("Retry-After"),
        "type": answer.mimetype,
        "body": answer.get_data(as_text=True),
    }
print(json.dumps(answers))
"""


@pytest.mark.slow
def test_a_database_outage_answers_503_saying_nothing_was_saved(tmp_path):
    dead_database = f"postgresql+psycopg://wananchi@127.0.0.1:{free_port()}/wananchi"
    answers, stderr = run_production_child(
        CHILD,
        tmp_path,
        DATABASE_URL=dead_database,
        REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",
        RATELIMIT_STORAGE_URI="memory://",
    )
    for answer in answers.values():  # (the rate limits' headers may set a later time to retry)
        assert answer["status"] == 503 and int(answer["retry_after"]) >= 29
    assert answers["form"]["type"] == "text/html"
    assert "Huduma haipatikani kwa sasa" in answers["form"]["body"]
    assert "jaribu tena baada ya dakika chache" in answers["form"]["body"]
    # the form that was sent: not received, and what was typed is still in the browser
    assert "haijapokelewa" in answers["post"]["body"] and "Nyuma" in answers["post"]["body"]
    assert "The service is not available just now" in answers["english"]["body"]
    assert answers["api"]["type"] == "application/json"
    assert '"code": "unavailable"' in answers["api"]["body"] or '"code":"unavailable"' in answers["api"]["body"]
    assert "nothing was saved" in answers["api"]["body"]
    assert "hakuna kilichohifadhiwa" in answers["api_sw"]["body"]
    # one line per failure, with the count of this outage, and no traceback
    failures = [line for line in stderr.splitlines() if "database unavailable" in line]
    assert len(failures) == 5, stderr[-3000:]
    assert "failure 1 in this outage" in failures[0] and "failure 5 in this outage" in failures[-1]
    assert "Traceback" not in stderr


HUNG_CHILD = """
import json, time
from wananchi import create_app

app = create_app("production")
client = app.test_client()
client.environ_base.update({"wsgi.url_scheme": "https"})
started = time.monotonic()
answer = client.get("/wasilisha")
print(json.dumps({"status": answer.status_code, "seconds": time.monotonic() - started}))
"""


@pytest.mark.slow
def test_a_database_server_that_never_answers_fails_the_connection_after_its_timeout(tmp_path):
    with socket.socket() as hung:  # accepts connections and never answers
        hung.bind(("127.0.0.1", 0))
        hung.listen(8)
        answer, stderr = run_production_child(
            HUNG_CHILD,
            tmp_path,
            DATABASE_URL=f"postgresql+psycopg://wananchi@127.0.0.1:{hung.getsockname()[1]}/wananchi",
            DATABASE_CONNECT_TIMEOUT="2",
            REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",
            RATELIMIT_STORAGE_URI="memory://",
        )
    assert answer["status"] == 503
    assert 1.5 < answer["seconds"] < 15, answer  # the pool's check and the query: each waits 2 s at most
    assert "database unavailable (failure 1 in this outage)" in stderr

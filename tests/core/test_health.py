"""The bare route that load balancers poll and `make bench` compares pages against."""


def test_healthz_answers_ok_as_plain_text_without_signing_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.get_data(as_text=True) == "ok"


def test_healthz_touches_no_database(client, count_queries):
    with count_queries() as queries:
        assert client.get("/healthz").status_code == 200
    assert queries.count == 0


def test_healthz_only_answers_get(client):
    assert client.post("/healthz").status_code == 405

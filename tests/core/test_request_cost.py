"""What every page pays per request: the DEMO banner's flag is kept per process, not
read per page, and still shows once another process (``parkops demo``) sets it."""

from parkops.auth import services
from parkops.auth.models import Setting
from parkops.extensions import db

BANNER = 'class="demo-banner"'


def _reads_demo_flag(statements: list[str]) -> bool:
    return any('settings."key"' in s for s in statements)


def test_a_page_reads_the_demo_flag_once_per_process(client, count_queries):
    assert BANNER not in client.get("/login").get_data(as_text=True)
    with count_queries() as q:
        page = client.get("/login").get_data(as_text=True)
    assert BANNER not in page
    assert not _reads_demo_flag(q.statements)


def test_the_banner_shows_once_another_process_loads_the_demo(
    client, make_app, count_queries, monkeypatch
):
    # No wait between re-reads while the flag is unset, so the test need not sleep.
    monkeypatch.setattr(services, "DEMO_RECHECK_SECONDS", 0.0)
    assert BANNER not in client.get("/login").get_data(as_text=True)

    with make_app().app_context():  # `parkops demo` in another process
        db.session.add(Setting(key=services.DEMO_KEY, value="1"))
        db.session.commit()

    assert BANNER in client.get("/login").get_data(as_text=True)
    with count_queries() as q:  # set for good: never read again
        assert BANNER in client.get("/login").get_data(as_text=True)
    assert not _reads_demo_flag(q.statements)

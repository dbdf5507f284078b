"""Editing a route: rename, add, remove and reorder checkpoints, re-issue a label (the old
one then says it was replaced); a run already done keeps the route as it was walked."""

import re

from sqlalchemy import select

from modules.patrols import routes
from modules.patrols.models import Checkpoint, Run
from parkops.extensions import db
from tests.flashes import confirmation
from tests.modules.patrols.test_runs import _answers, _scan, _start
from tests.versions import two_pages, version_of


def _edit(client, route, name, lines, version=None):
    url = f"/patrols/routes/{route.id}/edit"
    version = version or version_of(client.get(url).get_data(as_text=True))
    data = {"name": name, "checkpoints": "\n".join(lines), "version": version}
    return client.post(url, data=data)


def _points(route) -> list[tuple[int, str, str]]:
    db.session.expire_all()
    return [(c.position, c.code, c.name) for c in route.checkpoints]


def test_a_route_is_renamed_reordered_added_to_and_cut(park, as_user, client):
    as_user(park.inspector)
    pier, intake = park.intake.checkpoints
    page = client.get(f"/patrols/routes/{park.intake.id}/edit").get_data(as_text=True)
    assert "PSY-W1 北岸码头\nPSY-W2 泵站进水口" in page
    lines = ["PSY-W3 南岸闸口", "PSY-W1 北岸新码头"]  # W2 left out, W3 new, W1 renamed
    assert confirmation(client, _edit(client, park.intake, "泵站水面", lines)) == "Route saved."
    assert park.intake.name == "泵站水面"
    assert _points(park.intake) == [(1, "PSY-W3", "南岸闸口"), (2, "PSY-W1", "北岸新码头")]
    assert park.intake.checkpoints[1].token == pier.token  # kept: its label still counts
    assert intake.removed_at is not None
    gone = client.get(f"/pc/{intake.token}")
    assert gone.status_code == 410 and "was removed from its route" in gone.get_data(as_text=True)
    assert routes.search_checkpoints("泵站进水口", park.inspector, 10) == []
    # Listed again, it comes back with its label.
    back = ["PSY-W1 北岸新码头", "PSY-W2 泵站进水口", "PSY-W3 南岸闸口"]
    assert _edit(client, park.intake, "泵站水面", back).status_code == 303
    assert [c.token for c in park.intake.checkpoints][1] == intake.token
    assert client.get(f"/pc/{intake.token}").status_code == 200


def test_a_code_of_another_route_or_twice_is_refused(park, as_user, client):
    as_user(park.inspector)
    for lines, code in (
        (["PSY-W1 码头", "PSY-S1 东门厕所后"], "PSY-S1"),  # on 卫生死角
        (["PSY-W1 码头", "PSY-W1 又一个"], "PSY-W1"),
    ):
        refused = _edit(client, park.intake, "泵站", lines)
        assert refused.status_code == 422
        assert f"The checkpoint code {code} is already used." in refused.get_data(as_text=True)
    assert _points(park.intake) == [(1, "PSY-W1", "北岸码头"), (2, "PSY-W2", "泵站进水口")]


def test_a_run_done_keeps_the_route_as_it_was(park, as_user, client):
    as_user(park.inspector)
    run = _start(client, park)
    for n, point in enumerate(park.intake.checkpoints):
        _scan(client, run, point, f"s{n}")
    data = _answers(park, submit="1", idempotency_key="done")
    assert client.post(f"/patrols/runs/{run.id}/answers", data=data).status_code == 303
    lines = ["PSY-W9 新闸口", "PSY-W1 北岸新码头"]
    assert _edit(client, park.intake, "泵站水面", lines).status_code == 303
    done = client.get(f"/patrols/runs/{run.id}").get_data(as_text=True)
    walked = re.findall(r"(PSY-W\d \S+) —", done)
    assert walked == ["PSY-W1 北岸码头", "PSY-W2 泵站进水口"]
    fresh = _start(client, park, key="after")  # a new run walks the route as it is now
    now = re.findall(
        r"(PSY-W\d \S+) —", client.get(f"/patrols/runs/{fresh.id}").get_data(as_text=True)
    )
    assert now == ["PSY-W9 新闸口", "PSY-W1 北岸新码头"]


def test_a_reissued_label_replaces_the_old_one(park, as_user, client):
    as_user(park.inspector)
    point = park.intake.checkpoints[0]
    old = point.token
    assert client.post(f"/patrols/checkpoints/{point.id}/reissue").status_code == 303
    db.session.expire_all()
    assert point.token != old and routes.TOKEN_PATTERN.fullmatch(point.token)
    replaced = client.get(f"/pc/{old}")
    assert replaced.status_code == 410
    assert "This label of PSY-W1 北岸码头 was replaced on" in replaced.get_data(as_text=True)
    run = _start(client, park)
    refused = client.post(
        f"/patrols/runs/{run.id}/scan", data={"scanned": old, "idempotency_key": "old"}
    )
    assert refused.status_code == 422 and "scan the new label" in refused.get_data(as_text=True)
    assert _scan(client, run, point, "new").status_code == 303


def test_only_managers_at_the_site_edit_routes(park, as_user, client):
    point = park.intake.checkpoints[0]
    for user, status in ((park.leader, 403), (park.crew, 403), (park.zoo_inspector, 404)):
        as_user(user)
        assert _edit(client, park.intake, "x", ["X-1 x"], "0").status_code == status
        assert client.post(f"/patrols/checkpoints/{point.id}/reissue").status_code == status
    db.session.expire_all()
    assert park.intake.name == "泵站进水口"
    assert (
        db.session.scalar(select(Checkpoint.token).where(Checkpoint.id == point.id)) == point.token
    )
    assert db.session.scalar(select(Run.id)) is None


def test_a_stale_route_editor_gets_the_conflict(park, app, login):
    url = f"/patrols/routes/{park.intake.id}/edit"
    first, second, version = two_pages(app, login, url, park.inspector)
    lines = ["PSY-W1 北岸码头", "PSY-W2 泵站进水口"]
    assert _edit(first, park.intake, "泵站水面", lines).status_code == 303
    late = _edit(second, park.intake, park.intake.name, [*lines, "PSY-W3 南岸闸口"], version)
    assert late.status_code == 409
    assert "泵站水面" in late.get_data(as_text=True)
    assert [code for _, code, _ in _points(park.intake)] == ["PSY-W1", "PSY-W2"]

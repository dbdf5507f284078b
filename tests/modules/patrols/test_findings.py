"""Findings: from failed items and free observations; conduct findings seen only by
inspectors, leaders and the person; the follow-up verified by someone else."""

from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from modules.patrols import findings, runs
from modules.patrols.findings import FindingData
from modules.patrols.models import Finding, FindingState, Severity
from parkops.extensions import db
from parkops.timeutil import business_day
from tests.flashes import confirmation
from tests.modules.patrols.conftest import photo


def _submitted_run(park, fail=("浮萍覆盖",)):
    run = runs.start_run(park.water, park.intake, park.inspector)
    for point in park.intake.checkpoints:
        runs.scan(run, point.token, park.inspector)
    items = {i.text: i for i in park.water.current_version.items}
    inputs = {
        items["浮萍覆盖"].id: runs.AnswerInput(
            "fail" if "浮萍覆盖" in fail else "pass", "北岸成片"
        ),
        items["进水口漂浮垃圾 (kg)"].id: runs.AnswerInput("3"),
        items["非法垂钓"].id: runs.AnswerInput("无"),
        items["清理后照片"].id: runs.AnswerInput(photos=[_upload()]),
    }
    return runs.save_answers(run, inputs, "", park.inspector, submit=True)


def _upload():
    stream, name = photo()
    return FileStorage(stream, filename=name, content_type="image/jpeg")


def test_a_failed_item_becomes_a_finding_at_the_checkpoint_when_the_run_is_submitted(app, park):
    with app.test_request_context():
        run = _submitted_run(park)
    (finding,) = db.session.scalars(select(Finding)).all()
    assert finding.summary == "浮萍覆盖: 北岸成片" and finding.run_id == run.id
    assert finding.subject_kind == "patrols.checkpoint"
    assert finding.subject_label == "PSY-W2 泵站进水口"  # scanned last before the answer
    assert finding.state == FindingState.OPEN


def test_a_passed_run_records_no_finding(app, park):
    with app.test_request_context():
        _submitted_run(park, fail=())
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 0


def _conduct(park, app, person, owner=None):
    with app.test_request_context():
        data = FindingData("上班时间玩手机", Severity.HIGH, person=person, owner=owner)
        return findings.record_finding(park.psy.id, data, park.inspector, None, lambda f: "")


def test_a_conduct_finding_is_seen_only_by_inspectors_leaders_and_the_person(
    app, park, make_user, as_user, client
):
    ticket_seller = make_user("seller", ["cashier"], sites=[park.psy], display_name="Wu Fang")
    colleague = make_user("colleague", ["cashier"], sites=[park.psy])
    finding = _conduct(park, app, ticket_seller, owner=ticket_seller)
    url = f"/patrols/findings/{finding.id}"
    for user, status in (
        (park.inspector2, 200),
        (park.leader, 200),
        (ticket_seller, 200),
        (colleague, 404),
        (park.zoo_inspector, 404),
        (park.crew, 404),
    ):
        as_user(user)
        assert client.get(url).status_code == status, user.username
        listed = client.get("/patrols/findings").get_data(as_text=True)
        assert ("上班时间玩手机" in listed) == (status == 200), user.username


def test_a_conduct_findings_owner_is_the_person_or_a_supervisor(app, park, make_user):
    seller = make_user("seller", ["cashier"], sites=[park.psy])
    colleague = make_user("colleague", ["cashier"], sites=[park.psy])
    try:
        _conduct(park, app, seller, owner=colleague)
    except findings.PatrolError as refused:
        assert "owned by the person or a supervisor" in str(refused)
    else:
        raise AssertionError("a colleague was made the owner of a conduct finding")
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 0


def test_the_follow_up_is_fixed_with_a_photo_and_verified_by_someone_else(
    app, park, as_user, client
):
    with app.test_request_context():
        _submitted_run(park)
    finding = db.session.scalar(select(Finding))
    as_user(park.inspector)
    deadline = (business_day() + timedelta(days=2)).isoformat()
    response = client.post(
        f"/patrols/findings/{finding.id}/assign",
        data={"owner_id": park.inspector2.id, "deadline": deadline},
    )
    assert confirmation(client, response) == "Follow-up assigned."
    as_user(park.inspector2)  # the owner
    no_photo = client.post(f"/patrols/findings/{finding.id}/fix", data={"note": "已清理"})
    assert no_photo.status_code == 422 and "Add a photo of the fix." in no_photo.get_data(
        as_text=True
    )
    fixed = client.post(
        f"/patrols/findings/{finding.id}/fix", data={"note": "已清理", "photos": photo()}
    )
    assert confirmation(client, fixed) == "Fix recorded: it waits for verification by someone else."
    own = client.post(f"/patrols/findings/{finding.id}/verify", data={"accept": "1"})
    assert own.status_code == 422  # the owner never verifies their own fix
    assert "Someone other than the owner verifies the fix." in own.get_data(as_text=True)
    db.session.expire_all()
    assert finding.state == FindingState.FIXED
    as_user(park.leader)
    sent_back = client.post(
        f"/patrols/findings/{finding.id}/verify", data={"reject": "1", "note": "仍有浮萍"}
    )
    assert confirmation(client, sent_back) == "Fix sent back."
    db.session.expire_all()
    assert finding.state == FindingState.OPEN and finding.verify_note == "仍有浮萍"
    as_user(park.inspector2)
    client.post(f"/patrols/findings/{finding.id}/fix", data={"note": "再次清理", "photos": photo()})
    as_user(park.inspector)
    verified = client.post(f"/patrols/findings/{finding.id}/verify", data={"accept": "1"})
    assert confirmation(client, verified) == "Fix verified."
    db.session.expire_all()
    assert finding.state == FindingState.VERIFIED and finding.verified_by_id == park.inspector.id


def test_only_the_owner_marks_a_finding_fixed(app, park, as_user, client):
    finding = _conduct(park, app, None, owner=park.inspector2)
    as_user(park.leader)
    response = client.post(f"/patrols/findings/{finding.id}/fix", data={"photos": photo()})
    assert response.status_code == 422
    db.session.expire_all()
    assert finding.state == FindingState.OPEN


def test_the_past_deadline_filter_lists_overdue_follow_ups(app, park, as_user, client):
    late = _conduct(park, app, None, owner=park.inspector2)
    late.deadline = business_day() - timedelta(days=1)
    on_time = _conduct(park, app, None, owner=park.inspector2)
    on_time.summary, on_time.deadline = "垃圾桶满溢", business_day()
    db.session.commit()
    as_user(park.inspector)
    page = client.get("/patrols/findings?state=overdue").get_data(as_text=True)
    assert "上班时间玩手机" in page and "垃圾桶满溢" not in page


def test_a_second_verification_is_told_who_verified_first_not_a_role_rule(
    app, park, as_user, client
):
    finding = _conduct(park, app, None, owner=park.inspector2)
    as_user(park.inspector2)
    client.post(f"/patrols/findings/{finding.id}/fix", data={"note": "已清理", "photos": photo()})
    as_user(park.inspector)
    assert (
        client.post(f"/patrols/findings/{finding.id}/verify", data={"accept": "1"}).status_code
        == 303
    )
    for who in (park.leader, park.inspector2):  # a bystander, and the owner
        as_user(who)
        again = client.post(f"/patrols/findings/{finding.id}/verify", data={"reject": "1"})
        text = again.get_data(as_text=True)
        assert again.status_code == 409  # the decided-already page (parkops.deciding)
        assert f"This finding was already verified, by {park.inspector.display_name} at" in text
        assert "Someone other than the owner" not in text
    refix = client.post(f"/patrols/findings/{finding.id}/fix", data={"photos": photo()})
    assert "This finding was already verified" in refix.get_data(as_text=True)
    db.session.expire_all()
    assert finding.state == FindingState.VERIFIED


def test_verifying_a_finding_still_waiting_for_its_fix_says_so(app, park, as_user, client):
    finding = _conduct(park, app, None, owner=park.inspector2)
    as_user(park.leader)
    response = client.post(f"/patrols/findings/{finding.id}/verify", data={"accept": "1"})
    assert response.status_code == 422
    assert "This finding is waiting for its fix, not for verification." in response.get_data(
        as_text=True
    )

"""The public notice (整改情况通报): a draft in the seed notice's structure with the
ledger's figures, edited by the office (a stale form is a conflict), published frozen."""

import io
import json

import docx
import pytest
from sqlalchemy import select

from parkops import demo
from parkops.audit import AuditEntry
from parkops.extensions import db
from parkops.rectification.models import Problem, Status
from parkops.reports import notice
from parkops.reports.models import DocumentIsFinal, NoticeState, PublicNotice
from tests.demo_copy import load_demo
from tests.flashes import confirmation


@pytest.fixture
def draft(ledger, client):
    load_demo()  # the demo makes the draft through the service
    client.post("/login", data={"username": "office", "password": demo.PASSWORD})
    return notice.current_draft()


def test_the_demo_draft_reproduces_the_seed_notices_figures(draft):
    parts = notice.parts_of(draft)
    assert parts["figures"] == {
        "measures": 57,
        "regulations": 52,
        "completed": 37,
        "total": 39,
        "percent": 95,
        "in_progress": 2,
        "in_progress_percent": 5,
        "self_found": 7,
        "self_completed": 7,
    }
    assert parts["counts"] == (
        "对于巡察组反馈的意见,濮上生态园区管理局党委诚恳接受,照单全收,立即研究制定整改方案,"
        "制定整改措施57条。整改期间,修订和新建各类制度52项。反馈意见指出的问题已整改完成37个,"
        "完成率95%;已进行整改,并积极推进的2个,占比5%;举一反三,主动自查问题7个,已全部整改到位。"
    )


def test_the_draft_follows_the_notices_structure(draft, client):
    parts = notice.parts_of(draft)
    assert [s["heading"][:3] for s in parts["outline"]] == ["(一)", "(二)", "(三)", "(四)"]
    categories = [c["heading"] for s in parts["outline"] for c in s["categories"]]
    assert len(categories) == 11 and categories[0].startswith("1.学习贯彻")
    codes = [p["code"] for s in parts["outline"] for c in s["categories"] for p in c["problems"]]
    assert sorted(codes, key=int) == [str(n) for n in range(1, 40)]
    # Each problem's 整改情况 is assembled from its measures and its regulations.
    p19 = parts["problems"]["19"]
    assert p19.startswith("一是") and "《濮上生态园区管理局重要会议决定事项工作督导制度》" in p19
    page = client.get(f"/reports/notice/{draft.id}/print").get_data(as_text=True)
    order = [
        page.index(h) for h in ("一、整改期间的主要做法", "二、整改完成情况", "三、下步工作打算")
    ]
    assert order == sorted(order) and "整改情况:" in page


def _form(draft, **changes):
    parts = notice.parts_of(draft)
    data = {k: parts[k] for k in notice.TEXT_PARTS}
    data["version"] = str(draft.version)
    data.update(changes)
    return data


def test_the_office_edits_the_draft_part_by_part(draft, client):
    response = client.post(
        f"/reports/notice/{draft.id}/edit",
        data=_form(draft, plans="一是持续抓好整改。", **{"problem-19": "修订了议事规则。"}),
    )
    assert response.status_code == 303
    db.session.expire_all()
    parts = notice.parts_of(db.session.get(PublicNotice, draft.id))
    assert parts["plans"] == "一是持续抓好整改。" and parts["problems"]["19"] == "修订了议事规则。"
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "reports.notice_edited")
    )
    assert entry.details == {"parts": ["plans"], "problems": ["19"]}


def test_two_editors_get_a_conflict_not_a_silent_overwrite(draft, client):
    stale = _form(draft, plans="甲的修改")
    assert (
        client.post(
            f"/reports/notice/{draft.id}/edit", data=_form(draft, plans="乙的修改")
        ).status_code
        == 303
    )
    response = client.post(f"/reports/notice/{draft.id}/edit", data=stale)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert 'id="conflict"' in page and "乙的修改" in page and "甲的修改" in page
    db.session.expire_all()
    assert notice.parts_of(db.session.get(PublicNotice, draft.id))["plans"] == "乙的修改"
    forged = client.post(f"/reports/notice/{draft.id}/edit", data=_form(draft, version="abc"))
    assert forged.status_code == 422


def test_publishing_freezes_the_notice(draft, client):
    version = draft.version
    response = client.post(f"/reports/notice/{draft.id}/publish", data={"version": version})
    assert response.status_code == 303
    db.session.expire_all()
    published = db.session.get(PublicNotice, draft.id)
    assert published.state == NoticeState.PUBLISHED and published.published_by.username == "office"
    assert db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "reports.notice_published")
    )
    before = published.parts
    # The ledger moves on; the published notice does not, and it can no longer be edited.
    db.session.scalar(select(Problem).where(Problem.code == "18")).status = Status.COMPLETED
    db.session.commit()
    edit = client.post(f"/reports/notice/{draft.id}/edit", data=_form(published, plans="改"))
    assert edit.status_code == 303 and edit.headers["Location"].endswith(
        f"/reports/notice/{draft.id}"
    )
    db.session.expire_all()
    assert db.session.get(PublicNotice, draft.id).parts == before
    published = db.session.get(PublicNotice, draft.id)
    published.parts = json.dumps({})
    with pytest.raises(DocumentIsFinal):
        db.session.commit()
    db.session.rollback()
    # The next draft is a new one, with the new figures.
    client.post("/language/en")  # the confirmation in a language the test reads
    made = client.post("/reports/notice/draft")
    assert "Draft made from the ledger as it stands." in confirmation(client, made)
    fresh = notice.current_draft()
    assert fresh.id != draft.id and notice.parts_of(fresh)["figures"]["completed"] == 38


def test_the_notice_docx_is_an_official_document(draft, client):
    client.post(f"/reports/notice/{draft.id}/publish", data={"version": draft.version})
    document = docx.Document(io.BytesIO(client.get(f"/reports/notice/{draft.id}.docx").data))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "中共濮上生态园区管理局党委" and texts[1] == "关于巡察整改情况的通报"
    assert "二、整改完成情况" in texts and "三、下步工作打算" in texts
    assert any(t.startswith("整改情况:") for t in texts)
    assert texts[-2] == "中共濮上生态园区管理局党委"


def test_a_draft_with_outdated_figures_says_so_and_is_not_published(draft, client):
    """Problem 17 completes after the draft was made: the edit page shows the ledger's
    figures, publishing is refused, and taking the current figures rewrites the counts."""
    client.post("/language/en")
    assert 'id="stale-figures"' not in client.get(f"/reports/notice/{draft.id}/edit").text
    p17 = db.session.scalar(select(Problem).where(Problem.code == "17"))
    p17.status = Status.COMPLETED
    db.session.commit()
    page = client.get(f"/reports/notice/{draft.id}/edit").get_data(as_text=True)
    warning = page[page.index('id="stale-figures"') :]
    assert "38 of 39 problems completed (97%)" in warning[: warning.index("</div>")]
    refused = client.post(f"/reports/notice/{draft.id}/publish", data={"version": draft.version})
    assert refused.status_code == 303
    db.session.expire_all()
    assert db.session.get(PublicNotice, draft.id).state == NoticeState.DRAFT
    assert "figures have changed" in client.get(f"/reports/notice/{draft.id}/edit").text
    taken = client.post(f"/reports/notice/{draft.id}/figures", data={"version": draft.version})
    assert taken.status_code == 303
    db.session.expire_all()
    parts = notice.parts_of(db.session.get(PublicNotice, draft.id))
    assert parts["figures"]["completed"] == 38 and "38" in parts["counts"]
    assert 'id="stale-figures"' not in client.get(f"/reports/notice/{draft.id}/edit").text
    version = db.session.get(PublicNotice, draft.id).version
    client.post(f"/reports/notice/{draft.id}/publish", data={"version": version})
    db.session.expire_all()
    assert db.session.get(PublicNotice, draft.id).state == NoticeState.PUBLISHED

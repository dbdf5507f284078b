"""Bulk data for the demo and the bench: debtors, receivables over every aging bucket
(some from 2017), partial payments and their allocations, inserted in batches
(``insert(Model)`` with lists of rows: no ORM objects, no audit entries).

Each payment pays part of one receivable, never more than a sixth of it, so no
receivable is over-paid whatever the counts. Deterministic for a given seed.
"""

import random
from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import func, insert, select, text, update

from modules.receivables import campaign_counts, ledger, sums
from modules.receivables.models import (
    Allocation,
    CampaignItem,
    Debtor,
    DebtorKind,
    FollowUp,
    FollowUpKind,
    Payment,
    PaymentMethod,
    Receivable,
    ReceivableKind,
    Verification,
    WriteOff,
    WriteOffState,
)
from parkops.extensions import db
from parkops.timeutil import utcnow

BATCH = 20_000
# Debtors named as on their business licences, so a letter's salutation reads like a
# real one (濮阳市龙源餐饮管理有限公司：), not like a numbered placeholder.
PLACES = ("濮阳市", "濮阳县", "清丰县", "南乐县", "范县", "台前县")
TRADE_NAMES = (
    "龙源", "华泰", "金水", "瑞丰", "鸿运", "绿洲", "东方", "恒信", "兴盛", "安澜",
    "嘉禾", "顺达", "福泽", "锦程", "新阳", "宏远", "天成", "佳和", "润泽", "中原",
    "聚源", "亿鑫", "德隆", "盛世", "和信", "永泰", "博远", "欣悦", "澄明", "泰和",
    "汇通", "荣昌", "宝丰", "凯旋", "清源", "长青", "晨曦", "银河", "广厦", "丰华",
)  # fmt: skip
MERCHANTS = (
    "茶业有限公司", "餐饮管理有限公司", "商贸有限公司", "游船服务有限公司",
    "烧烤餐饮店", "新能源科技有限公司", "摄影服务有限公司", "游乐设备有限公司",
)  # fmt: skip
STAFF = ("王建国", "刘秀英", "张志强", "李红梅", "陈卫东", "杨丽娟")
# Days before today a receivable falls due: every bucket; None: in 2017, the oldest
# debts the clean-up campaign is about.
AGES = (-20, 5, 25, 45, 80, 120, 170, 200, 300, 400, 600, 800, 1000, 1300, 2000, None)
OLDEST = date(2017, 6, 30)


def _batches(rows):
    for i in range(0, len(rows), BATCH):
        yield rows[i : i + BATCH]


def _insert(model, rows) -> list[int]:
    """Insert ``rows`` (dicts, given an ``id`` here) in batches; the new ids, in the
    rows' order. The ids are computed up front (after the table's largest): an INSERT
    … RETURNING in the rows' order runs one statement per row on SQLite (200,000
    receivables took over ten minutes), a plain executemany a fraction of a second per
    batch. Not for concurrent writers: only the demo and the bench call it."""
    first = (db.session.scalar(select(func.max(model.id))) or 0) + 1
    ids = list(range(first, first + len(rows)))
    for i, row in zip(ids, rows, strict=True):
        row["id"] = i
    for batch in _batches(rows):
        db.session.execute(insert(model), batch)
    if rows and db.session.get_bind().dialect.name == "postgresql":
        # The serial sequence would hand out the ids just used.
        db.session.execute(
            text("SELECT setval(pg_get_serial_sequence(:table, 'id'), :last)"),
            {"table": model.__tablename__, "last": ids[-1]},
        )
    return ids


def debtors(rng: random.Random, site_ids: list[int], count: int, staff: int = 0) -> list[int]:
    """Insert ``count`` debtors (``staff`` of them staff members); returns their ids."""
    now = utcnow()
    rows = []
    for n in range(count):
        is_staff = n < staff
        rows.append(
            {
                "site_id": site_ids[n % len(site_ids)],
                "name": STAFF[n % len(STAFF)] if is_staff else _merchant_name(n),
                "kind": (
                    DebtorKind.STAFF
                    if is_staff
                    else rng.choice(
                        [DebtorKind.MERCHANT, DebtorKind.MERCHANT, DebtorKind.ORGANISATION]
                    )
                ).value,
                "id_code": "" if is_staff else f"91410900MA{n:08d}",
                "contact": "" if is_staff else rng.choice(("张经理", "李会计", "王老板")),
                "phone": f"139{rng.randrange(10**8):08d}",
                "address": "濮阳市华龙区",
                "created_at": now,
            }
        )
    return _insert(Debtor, rows)


def _merchant_name(n: int) -> str:
    """The n-th merchant's registered name; distinct for the first 1,920."""
    k = n // len(MERCHANTS)
    place, trade = PLACES[k % len(PLACES)], TRADE_NAMES[k // len(PLACES) % len(TRADE_NAMES)]
    return f"{place}{trade}{MERCHANTS[n % len(MERCHANTS)]}"


def receivables(
    rng: random.Random,
    debtor_sites: list[tuple[int, int]],
    count: int,
    today: date,
    handler_ids: list[int | None],
) -> list[tuple[int, int, int, date]]:
    """Insert ``count`` receivables over the debtors ([(debtor id, site id)]), due
    across every bucket; returns (id, debtor id, amount fen, due) for each."""
    now = utcnow()
    kinds = [k for k in ReceivableKind if k != ReceivableKind.ADVANCE]
    rows = []
    for n in range(count):
        debtor_id, site_id = debtor_sites[n % len(debtor_sites)]
        age = AGES[n % len(AGES)]
        due = OLDEST if age is None else today - timedelta(days=age)
        due -= timedelta(days=rng.randint(0, 4))
        raised = min(due - timedelta(days=30), today)
        amount = rng.randint(5, 600) * 100_00 + rng.randint(0, 99)
        rows.append(
            {
                "debtor_id": debtor_id,
                "site_id": site_id,
                "kind": rng.choice(kinds).value,
                "origin": f"濮园租字〔{raised.year}〕{n % 90 + 1}号",
                "amount_fen": amount,
                "raised_on": raised,
                "due_on": due,
                "handler_id": handler_ids[n % len(handler_ids)],
                "note": "",
                "created_at": now,
            }
        )
    ids = _insert(Receivable, rows)
    sums.add_raised(rows)
    return [
        (i, r["debtor_id"], r["amount_fen"], r["due_on"]) for i, r in zip(ids, rows, strict=True)
    ]


def payments(rng: random.Random, owed, count: int, today: date, site_of: dict[int, int]) -> None:
    """Insert ``count`` payments, each paying at most a sixth of one receivable of
    ``owed`` (as ``receivables`` returns them), dated between due date and today."""
    now = utcnow()
    pay_rows, targets = [], []
    for n in range(count):
        rid, debtor_id, amount, due = owed[(n * 7) % len(owed)]
        fen = max(1, amount // rng.randint(6, 12))
        span = max(0, (today - due).days)
        pay_rows.append(
            {
                "debtor_id": debtor_id,
                "site_id": site_of[rid],
                "paid_on": min(today, due + timedelta(days=rng.randint(0, span))),
                "amount_fen": fen,
                "method": rng.choice(list(PaymentMethod)[:4]).value,
                "receipt_no": f"B{n:08d}-{rid}",
                "note": "",
                "recorded_at": now,
            }
        )
        targets.append((rid, fen, pay_rows[-1]["paid_on"]))
    ids = _insert(Payment, pay_rows)
    parts = [
        {"payment_id": pid, "receivable_id": rid, "amount_fen": fen, "paid_on": day}
        for pid, (rid, fen, day) in zip(ids, targets, strict=True)
    ]
    for batch in _batches(parts):
        db.session.execute(insert(Allocation), batch)
    # Settled at once, each change on its day: a settle per day cost a few statements
    # for each of the ~3,400 days back to 2017.
    added: dict[int, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    for rid, fen, day in targets:
        added[rid][day] += fen
    if added:
        ledger.settle(added, min(day for _rid, _fen, day in targets), added)


NOTES = (
    "已电话联系，对方称资金紧张",
    "上门拜访，负责人不在",
    "对方回函，对金额无异议",
    "承诺分期付款",
)


def follow_ups(rng: random.Random, owed, count: int, user_ids: list[int]) -> None:
    """Insert ``count`` follow-up entries over ``owed`` (as ``receivables`` returns
    them): calls, visits, replies; every fourth a promise to pay, long broken."""
    now = utcnow()
    rows = []
    for n in range(count):
        rid, _debtor_id, amount, due = owed[(n * 5) % len(owed)]
        promise = n % 4 == 3
        rows.append(
            {
                "receivable_id": rid,
                "kind": (FollowUpKind.PROMISE if promise else rng.choice(FOLLOW_UP_KINDS)).value,
                "note": NOTES[n % len(NOTES)],
                "promised_on": due + timedelta(days=30) if promise else None,
                "promised_fen": max(1, amount // 2) if promise else None,
                "created_at": now,
                "created_by_id": user_ids[n % len(user_ids)],
            }
        )
    for batch in _batches(rows):
        db.session.execute(insert(FollowUp), batch)


FOLLOW_UP_KINDS = (FollowUpKind.CALL, FollowUpKind.VISIT, FollowUpKind.REPLY)


def write_offs(campaign_id: int, every: int, proposer_id: int, leader_id: int, today: date) -> int:
    """Write off, approved, every ``every``-th open item of the campaign: the proposal,
    the allocation closing its balance, the item marked; returns how many."""
    balance = ledger.balance_fen()
    chosen = db.session.execute(
        select(CampaignItem.id, CampaignItem.receivable_id, balance)
        .join(Receivable, Receivable.id == CampaignItem.receivable_id)
        .where(CampaignItem.campaign_id == campaign_id, balance > 0)
        .order_by(CampaignItem.id)
    ).all()[::every]
    now = utcnow()
    rows = [
        {
            "receivable_id": rid,
            "item_id": item_id,
            "reason": "债务人已注销，经多次催收无果",
            "state": WriteOffState.APPROVED.value,
            "proposed_fen": fen,
            "amount_fen": fen,
            "written_off_on": today,
            "proposed_at": now,
            "proposed_by_id": proposer_id,
            "decided_at": now,
            "decided_by_id": leader_id,
        }
        for item_id, rid, fen in chosen
    ]
    ids = _insert(WriteOff, rows)
    parts = [
        {
            "write_off_id": wid,
            "receivable_id": r["receivable_id"],
            "amount_fen": r["amount_fen"],
            "paid_on": today,
        }
        for wid, r in zip(ids, rows, strict=True)
    ]
    for batch in _batches(parts):
        db.session.execute(insert(Allocation), batch)
    ledger.settle((r["receivable_id"] for r in rows), today)
    item_ids = [item_id for item_id, _rid, _fen in chosen]
    for batch in _batches(item_ids):
        db.session.execute(
            update(CampaignItem)
            .where(CampaignItem.id.in_(batch))
            .values(state=Verification.WRITE_OFF, note="债务人已注销", verified_by_id=proposer_id)
        )
    campaign_counts.recount(campaign_id)
    return len(rows)

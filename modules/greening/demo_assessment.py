"""Demo assessment: the regulation's scoring rules (in force for a hundred days), two
closed monthly rounds at 濮上园 (one with an appeal upheld, one with an appeal
dismissed) and this month's round, open, half of its zones scored."""

import io
from datetime import timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from modules.greening import evidence, rounds, zones
from modules.greening.band_models import Band, BandVersion
from modules.greening.models import (
    Appeal,
    AppealDecision,
    Assessment,
    Deduction,
    Round,
    RuleItem,
    RuleVersion,
    Zone,
)
from parkops.attachments import store_photo
from parkops.auth.models import Site, User
from parkops.extensions import db
from parkops.timeutil import business_day, local_midnight_utc

# The regulation's items: (name, what is checked, points, per defect, photo required)
REGULATION = (
    ("杂草", "草坪、花坛、林下无明显杂草", 20, 2, True),
    ("修剪", "草坪高度、绿篱整齐，无枯枝", 20, 5, True),
    ("垃圾与死角", "无垃圾、无卫生死角", 20, 4, True),
    ("浇水", "无缺水萎蔫，排灌及时", 15, 5, False),
    ("植物长势", "无病虫害、无死株缺株", 15, 3, True),
    ("时令花卉", "四季花海按季更换，二月兰按时播种", 10, 5, True),
)
# Defects by zone code in each round, months back: {months back: {code: [(item, n)]}}
FOUND = {
    2: {"PSY-G01": [(0, 3)], "PSY-G04": [(5, 1)], "PSY-G09": [(2, 2)], "PSY-G11": [(1, 2)]},
    1: {
        "PSY-G02": [(5, 1)],
        "PSY-G05": [(2, 1), (3, 2)],  # 86: fair
        "PSY-G06": [(3, 2)],
        "PSY-G12": [(0, 6), (2, 3), (4, 2)],  # 70: below the pass mark
    },
    0: {"PSY-G03": [(0, 2)], "PSY-G01": [(1, 1)]},
}


def _photo(text: str) -> FileStorage:
    image = Image.new("RGB", (320, 240), (120, 150, 90))
    ImageDraw.Draw(image).rectangle((100, 80, 220, 160), outline=(200, 40, 40), width=6)
    out = io.BytesIO()
    image.save(out, "JPEG")
    out.seek(0)
    return FileStorage(out, filename=f"{text}.jpg", content_type="image/jpeg")


def _month_back(today, months: int):
    month = today.replace(day=1)
    for _n in range(months):
        month = (month - timedelta(days=1)).replace(day=1)
    return month


def load() -> None:
    if db.session.scalar(select(RuleVersion.id).limit(1)) is not None:
        return
    users = {u.username: u for u in db.session.scalars(select(User))}
    assessor, office = users["assessor"], users["office"]
    today = business_day()
    version = RuleVersion(
        effective_from=today - timedelta(days=100), note="养护考评细则", created_by_id=office.id
    )
    version.items = [
        RuleItem(position=n, name=a, checks=b, points=c, deduction=d, photo_required=e)
        for n, (a, b, c, d, e) in enumerate(REGULATION, 1)
    ]
    db.session.add(version)
    psy = db.session.scalar(select(Site).where(Site.code == "PSY"))
    psy_zones = db.session.scalars(select(Zone).where(Zone.site_id == psy.id).order_by(Zone.code))
    psy_zones = list(psy_zones)
    for back in (2, 1, 0):
        month = _month_back(today, back)
        day = today if back == 0 else month + timedelta(days=19)  # assessed on the 20th
        round_ = Round(
            site_id=psy.id,
            month=month,
            rule_version_id=version.id,
            opened_by_id=assessor.id,
            opened_at=local_midnight_utc(day),
        )
        db.session.add(round_)
        db.session.flush()
        scored = psy_zones if back else psy_zones[:6]
        for zone in scored:
            _assess(round_, zone, version, day, FOUND[back].get(zone.code, []), assessor)
        if back:
            # Twelve days after, but never in the future (early in a month).
            round_.closed_at = local_midnight_utc(min(day + timedelta(days=12), today))
            round_.closed_by_id = office.id
    db.session.commit()
    _appeals(office)
    _bands_and_evidence(today, office)


# The bands a migrated database starts with (from the former settings' defaults).
DEMO_BANDS = ((95, 50000), (90, 20000), (80, 0), (0, -30000))


def _bands_and_evidence(today, office) -> None:
    """Payout bands in force for a hundred days (unless the migration made some), and the
    closed rounds as evidence for problem 4."""
    if db.session.scalar(select(BandVersion.id).limit(1)) is None:
        version = BandVersion(effective_from=today - timedelta(days=100), created_by_id=office.id)
        version.bands = [Band(lower_percent=p, amount_fen=f) for p, f in DEMO_BANDS]
        db.session.add(version)
    for round_ in db.session.scalars(select(Round).where(Round.closed_at.is_not(None))):
        scores = list(
            db.session.scalars(select(Assessment.score).where(Assessment.round_id == round_.id))
        )
        mean = sum(scores) / len(scores) if scores else None
        evidence.round_closed(round_, len(scores), mean, created_at=round_.closed_at)
    db.session.commit()


def _assess(round_, zone, version, day, found, assessor) -> None:
    entry = zones.entry_on(zone.id, day)
    assessment = Assessment(
        round_id=round_.id,
        zone_id=zone.id,
        assessed_on=day,
        responsible_id=entry.responsible_id,
        team=entry.team,
        assessor_id=assessor.id,
        score=version.total_points,
    )
    db.session.add(assessment)
    db.session.flush()
    for index, defects in found:
        item = version.items[index]
        deduction = Deduction(
            assessment_id=assessment.id,
            item_id=item.id,
            defects=defects,
            points=defects * item.deduction,
            note=f"{zone.name}：{item.checks}，发现 {defects} 处",
            recorded_by_id=assessor.id,
            recorded_at=local_midnight_utc(day) + timedelta(hours=2),
        )
        db.session.add(deduction)
        db.session.flush()
        if item.photo_required:
            photo = store_photo(
                _photo(zone.code), rounds.PHOTO_DEDUCTION, deduction.id, assessor.id
            )
            db.session.flush()
            deduction.photo_id = photo.id
    rounds.rescore(assessment, round_)


def _appeals(office) -> None:
    """Last month's PSY-G06 appeal upheld, the month before's PSY-G11 one dismissed."""
    for code, back, decision, reason, note in (
        ("PSY-G06", 1, AppealDecision.UPHELD, "交接当周缺水，已补浇并复查", "复查属实，扣分撤销"),
        ("PSY-G11", 2, AppealDecision.DISMISSED, "绿篱刚修过", "照片显示未修剪，维持扣分"),
    ):
        deduction, assessment = db.session.execute(
            select(Deduction, Assessment)
            .join(Assessment, Assessment.id == Deduction.assessment_id)
            .join(Zone, Zone.id == Assessment.zone_id)
            .join(Round, Round.id == Assessment.round_id)
            .where(Zone.code == code, Round.month == _month_back(business_day(), back))
        ).first()
        db.session.add(
            Appeal(
                deduction_id=deduction.id,
                appellant_id=assessment.responsible_id,
                reason=reason,
                filed_at=deduction.recorded_at + timedelta(days=2),
                decision=decision,
                decision_note=note,
                decided_by_id=office.id,
                decided_at=deduction.recorded_at + timedelta(days=5),
            )
        )
        db.session.flush()
        rounds.rescore(assessment, db.session.get(Round, assessment.round_id))
    db.session.commit()

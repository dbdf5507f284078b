"""Demo inspections of merchants, through the services: passed ones, a hygiene
violation corrected after a re-check and the same check failed again (a repeat, open
past its deadline), prices not corrected at the first re-check (re-check due today),
fire safety open with days left, operating outside the unit corrected. Photos are
plain coloured pictures made here."""

from datetime import timedelta
from io import BytesIO

from PIL import Image, ImageDraw
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from modules.merchants import inspections, violations
from modules.merchants.inspection_models import Check, Violation
from modules.merchants.models import Merchant
from modules.merchants.violations import RecheckData
from parkops.auth.models import User
from parkops.extensions import db
from parkops.timeutil import business_day, utcnow

COLOURS = ((180, 60, 40), (60, 140, 70), (50, 90, 170))
# (merchant index, days ago, {check: (passed, note)}); the first failed check is the one
# followed up below.
VISITS = (
    (0, 40, {Check.HYGIENE: (False, "后厨地面油污，垃圾桶未加盖"), Check.PRICES: (True, "")}),
    (0, 9, {Check.HYGIENE: (False, "餐具消毒柜未使用"), Check.FIRE: (True, "")}),
    (1, 6, {Check.PRICES: (False, "菜单未标价"), Check.HYGIENE: (True, "")}),
    (2, 2, {Check.FIRE: (False, "灭火器压力不足"), Check.OUTSIDE: (True, "")}),
    (4, 3, {c: (True, "") for c in (Check.HYGIENE, Check.FIRE, Check.OUTSIDE)}),
    (6, 20, {Check.OUTSIDE: (False, "摊位外占道摆放展架"), Check.PRICES: (True, "")}),
    (7, 12, {c: (True, "") for c in (Check.HYGIENE, Check.PRICES, Check.FIRE)}),
    (8, 1, {c: (True, "") for c in (Check.HYGIENE, Check.PRICES)}),
)


def _photo(n: int, text: str) -> FileStorage:
    image = Image.new("RGB", (640, 480), COLOURS[n % len(COLOURS)])
    ImageDraw.Draw(image).text((20, 20), text, fill=(255, 255, 255))
    out = BytesIO()
    image.save(out, "JPEG")
    out.seek(0)
    return FileStorage(out, filename=f"demo-{n}.jpg", content_type="image/jpeg")


def load(manager: User) -> None:
    """Add the demo inspections (the caller commits)."""
    merchants = list(db.session.scalars(select(Merchant).order_by(Merchant.id)))
    today = business_day()
    followed: list[Violation] = []
    for n, (index, days_ago, checks) in enumerate(VISITS):
        merchant = merchants[index]
        units = inspections.leased_units(merchant)
        if not units:
            continue
        answers = {c: inspections.Answer(ok, note) for c, (ok, note) in checks.items()}
        data = inspections.InspectionData(
            units[0].id, utcnow() - timedelta(days=days_ago, hours=2), answers, "", [_photo(n, "")]
        )
        found = inspections.add_inspection(merchant, data, manager)
        for violation in db.session.scalars(
            select(Violation).where(Violation.inspection_id == found.id).order_by(Violation.id)
        ):
            # Deadlines as the defaults would have set them on the day of the visit.
            violation.deadline = today - timedelta(days=days_ago) + timedelta(days=3)
            followed.append(violation)
    _follow_up(followed, manager, today)


def _recheck(violation: Violation, data: RecheckData, manager: User, days_ago: int) -> None:
    done = violations.add_recheck(violation, data, manager)
    done.at = utcnow() - timedelta(days=days_ago)


def _follow_up(found: list[Violation], manager: User, today) -> None:
    hygiene_old, hygiene_again, prices, fire, outside = found[:5]
    _recheck(hygiene_old, RecheckData(True, "已整改", photos=[_photo(1, "")]), manager, 36)
    hygiene_again.deadline = today - timedelta(days=2)  # open past its deadline
    prices.deadline = today - timedelta(days=2)
    _recheck(prices, RecheckData(False, "仍未标价", today, [_photo(2, "")]), manager, 2)
    fire.deadline = today + timedelta(days=5)
    _recheck(outside, RecheckData(True, "展架已收回", photos=[_photo(0, "")]), manager, 17)

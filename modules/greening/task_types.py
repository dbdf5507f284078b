"""Task types as the office edits them: the list and a change of one type.

A change applies to the tasks not yet generated: tasks already in the calendar (the
daily job fills 30 days ahead) keep their day and title, so a gardener's list never
shifts under her; the next generation uses the new season and frequency.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from modules.greening import tasks, zones
from modules.greening.models import TaskType
from modules.greening.tasks import TaskTypeData
from modules.greening.zones import GreeningError
from parkops import audit
from parkops.auth.models import User
from parkops.extensions import db


def all_types() -> list[TaskType]:
    """Every task type, by kind of zone and name (task types serve every site)."""
    return list(db.session.scalars(select(TaskType).order_by(TaskType.zone_kind, TaskType.name)))


def update_task_type(kind: TaskType, data: TaskTypeData, actor: User) -> None:
    """Change a type's name, kind of zone, season and frequency. GreeningError, nothing
    stored, for an actor without greening.manage or a value ``tasks.check_task_type``
    refuses."""
    if not actor.can(zones.MANAGE):
        raise GreeningError(_("You may not change task types."))
    tasks.check_task_type(data)
    kind.name, kind.zone_kind = data.name.strip(), data.zone_kind
    kind.start_month, kind.start_day = data.start_month, data.start_day
    kind.end_month, kind.end_day = data.end_month, data.end_day
    kind.frequency_days = data.frequency_days
    audit.record(
        "greening.task_type_changed",
        "task_type",
        kind.id,
        {"name": kind.name, "season": season(kind), "frequency_days": kind.frequency_days},
        actor=actor,
    )
    db.session.commit()


def season(kind: TaskType) -> str:
    """``MM-DD–MM-DD``, as the form takes it."""
    return f"{kind.start_month:02d}-{kind.start_day:02d}–{kind.end_month:02d}-{kind.end_day:02d}"

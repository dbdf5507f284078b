"""Import and export of zones and their roster: all or nothing, bad rows named by
line, encodings, the same file twice, who may, and round trips."""

import io
from datetime import timedelta

from openpyxl import load_workbook
from sqlalchemy import func, select

from modules.greening import zones
from modules.greening.models import RosterEntry, Zone
from parkops.audit import AuditEntry
from parkops.extensions import db
from parkops.timeutil import business_day
from tests.titled import titled_xlsx

HEADER = "site,code,name,area_m2,kind,grade,responsible,team,from,notes"


def _post(client, text: str, name="zones.csv", encoding="utf-8", raw: bytes | None = None):
    data = raw if raw is not None else text.encode(encoding)
    return client.post(
        "/greening/zones/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _errors(response) -> str:
    return response.get_data(as_text=True)


def test_office_imports_new_zones_with_their_responsible_person(client, as_user, grove):
    as_user(grove.office)
    text = "\n".join(
        [
            HEADER,
            "PSY,PSY-G01,四季花海,5200,flower_bed,first,gardener,一班,,",
            "濮上园,PSY-G02,二月兰林下,3100,Woodland,Grade 2,Li Ming,二班,,林下",
        ]
    )
    response = _post(client, text)
    assert response.status_code == 200
    assert "2 zones added" in _errors(response)
    g2 = db.session.scalar(select(Zone).where(Zone.code == "PSY-G02"))
    assert (g2.name, g2.area_m2, g2.kind.value, g2.grade.value, g2.notes) == (
        "二月兰林下",
        3100,
        "woodland",
        "second",
        "林下",
    )
    entry = zones.entry_on(g2.id, business_day())
    assert (entry.responsible_id, entry.team) == (grove.gardener2.id, "二班")
    audit = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "greening.zones_imported")
    )
    assert audit.details["created"] == 2


def test_each_bad_row_is_named_by_line_and_nothing_is_written(client, as_user, grove, make_zone):
    make_zone(code="PSY-G09")
    as_user(grove.office)
    yesterday = (business_day() - timedelta(days=1)).isoformat()
    text = "\n".join(
        [
            HEADER,
            "PSY,PSY-G01,好的一行,5200,lawn,first,gardener,一班,,",  # line 2: fine
            "XYZ,PSY-G02,未知景区,100,lawn,first,gardener,,,",  # 3: unknown site
            "PSY,PSY-G01,重复,100,lawn,first,gardener,,,",  # 4: duplicate code
            "PSY,PSY-G03,面积,-5,lawn,first,gardener,,,",  # 5: bad area
            "PSY,PSY-G04,面积,12.5,lawn,first,gardener,,,",  # 6: bad area
            "PSY,PSY-G05,谁,100,lawn,first,nobody,,,",  # 7: unknown person
            "PSY,PSY-G06,别处的人,100,lawn,first,zoogardener,,,",  # 8: another site's
            "PSY,PSY-G07,无人,100,lawn,first,,一班,,",  # 9: no responsible person
            f"PSY,PSY-G09,过去,100,lawn,first,gardener2,二班,{yesterday},",  # 10: past
            "ZYLZ,ZY-01,收银员,100,lawn,first,cashier,,,",  # 11: not greening staff
            "PSY,PSY-G08,类型,100,swamp,first,gardener,,,",  # 12: unknown kind
            "PSY,PSY-G10,无穷,inf,lawn,first,gardener,,,",  # 13: bad area
        ]
    )
    response = _post(client, text)
    assert response.status_code == 422
    page = _errors(response)
    assert "Nothing was imported: 11 rows are wrong" in page
    for line, words in [
        (3, "unknown site XYZ"),
        (4, "code PSY-G01 repeats line 2"),
        (5, "area -5 is not a whole number"),
        (6, "area 12.5 is not a whole number"),
        (7, "unknown person nobody"),
        (8, "unknown person zoogardener"),
        (9, "may not be left without a responsible person"),
        (10, "is in the past"),
        (11, "unknown person cashier"),
        (12, "unknown kind swamp"),
        (13, "area inf is not a whole number"),
    ]:
        assert f'data-line="{line}"' in page
        assert words in page, words
    assert 'data-line="2"' not in page
    assert _count(Zone) == 1 and _count(RosterEntry) == 1
    imported = select(AuditEntry).where(AuditEntry.action == "greening.zones_imported")
    assert db.session.scalar(imported) is None


def test_the_same_file_twice_changes_nothing(client, as_user, grove, make_zone):
    zone = make_zone(code="PSY-G01", name="旧名")
    as_user(grove.office)
    soon = (business_day() + timedelta(days=3)).isoformat()
    text = "\n".join(
        [
            HEADER,
            f"PSY,PSY-G01,新名,5200,lawn,first,gardener2,二班,{soon},",
            "PSY,G2,新,9,lawn,third,gardener,,,",
        ]
    )
    first = _post(client, text)
    assert "1 zones added, 1 changed, 2 roster changes" in _errors(first)
    state = (_count(Zone), _count(RosterEntry))
    assert state == (2, 3)
    db.session.refresh(zone)
    assert zone.name == "新名"
    assert zones.entry_on(zone.id, business_day()).responsible_id == grove.gardener.id
    later = zones.entry_on(zone.id, business_day() + timedelta(days=3))
    assert (later.responsible_id, later.team) == (grove.gardener2.id, "二班")
    second = _post(client, text)
    assert second.status_code == 200
    assert "0 zones added, 0 changed, 0 roster changes" in _errors(second)
    assert (_count(Zone), _count(RosterEntry)) == state


def test_utf8_with_and_without_bom_and_gb18030(client, as_user, grove):
    as_user(grove.office)
    for n, (encoding, prefix) in enumerate(
        [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gb18030", b"")], start=1
    ):
        text = "景区,编号,名称,面积,类型,养护等级,责任人,班组\n"
        text += f"濮上园,Z{n},二月兰林下,100,lawn,first,gardener,一班\n"
        response = _post(client, "", raw=prefix + text.encode(encoding))
        assert response.status_code == 200, encoding
        zone = db.session.scalar(select(Zone).where(Zone.code == f"Z{n}"))
        assert zone.name == "二月兰林下"
        assert zones.entry_on(zone.id, business_day()).team == "一班"


def test_big5_is_refused_naming_the_encodings(client, as_user, grove):
    as_user(grove.office)
    text = "site,code,name,area_m2,kind,grade,responsible\n"
    text += "PSY,Z1,濮上園綠地草坪區域,100,lawn,first,gardener\n"
    response = _post(client, "", raw=text.encode("big5"))
    assert response.status_code == 422
    assert "GB18030" in _errors(response)
    assert _count(Zone) == 0


def test_a_file_without_the_columns_is_refused(client, as_user, grove):
    as_user(grove.office)
    response = _post(client, "code,name\nG1,草坪\n")
    assert response.status_code == 422
    assert "Columns missing from the header row: site/景区" in _errors(response)


def test_too_many_rows_are_refused(client, as_user, grove):
    as_user(grove.office)
    rows = [f"PSY,Z{i},草坪,100,lawn,first,gardener" for i in range(5001)]
    response = _post(client, "site,code,name,area_m2,kind,grade,responsible\n" + "\n".join(rows))
    assert response.status_code == 422
    assert "more than 5000 rows" in _errors(response)
    assert _count(Zone) == 0


def test_export_then_import_changes_nothing(client, as_user, grove, make_zone):
    make_zone(code="PSY-G01", notes="=HYPERLINK(1)")
    make_zone(site=grove.zylz, code="ZY-01")
    as_user(grove.office)
    for fmt in ("xlsx", "csv"):
        exported = client.get(f"/greening/zones/export.{fmt}")
        assert exported.status_code == 200
        before = (_count(Zone), _count(RosterEntry))
        response = _post(client, "", name=f"zones.{fmt}", raw=exported.data)
        assert response.status_code == 200, _errors(response)
        assert "0 zones added, 0 changed, 0 roster changes" in _errors(response)
        assert (_count(Zone), _count(RosterEntry)) == before
    sheet = load_workbook(io.BytesIO(client.get("/greening/zones/export.xlsx").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("site", "code", "name")
    assert [r[1] for r in rows[1:]] == ["PSY-G01", "ZY-01"]
    assert rows[1][6] == "gardener" and rows[1][9] == "=HYPERLINK(1)"
    assert sheet.cell(2, 10).data_type == "s"  # text, never a formula


def test_only_the_office_imports_and_exports_and_only_its_sites(
    client, as_user, grove, make_zone, make_user
):
    make_zone(site=grove.zylz, code="ZY-01")
    for user in (grove.gardener, grove.assessor, grove.leader):
        as_user(user)
        assert client.get("/greening/zones/import").status_code == 403
        assert client.get("/greening/zones/export.csv").status_code == 403
    psy_office = make_user("psyoffice", ["office"], sites=[grove.psy], locale="en")
    as_user(psy_office)
    assert "ZY-01" not in client.get("/greening/zones/export.csv").get_data(as_text=True)
    response = _post(client, HEADER + "\nZYLZ,ZY-02,草坪,100,lawn,first,zoogardener,,,")
    assert response.status_code == 422
    assert "unknown site ZYLZ (or not one of yours)" in _errors(response)
    assert _count(Zone) == 1


def test_a_from_date_past_2100_names_its_line_and_nothing_is_written(client, as_user, grove):
    as_user(grove.office)
    text = "\n".join(
        [
            HEADER,
            "PSY,PSY-G01,好的一行,5200,lawn,first,gardener,一班,,",
            "PSY,PSY-G02,远方,100,lawn,first,gardener,一班,9999-12-31,",
        ]
    )
    response = _post(client, text)
    assert response.status_code == 422
    page = _errors(response)
    assert 'data-line="3"' in page and "date out of range (2000 to 2100): 9999-12-31" in page
    assert _count(Zone) == 0 and _count(RosterEntry) == 0


def test_a_title_row_above_the_header_is_skipped(client, as_user, grove):
    as_user(grove.office)
    rows = [
        HEADER.split(","),
        "PSY,PSY-G01,四季花海,5200,flower_bed,first,gardener,一班,,".split(","),
    ]
    response = _post(client, "", name="zones.xlsx", raw=titled_xlsx(rows))
    assert response.status_code == 200
    assert [z.code for z in db.session.scalars(select(Zone))] == ["PSY-G01"]

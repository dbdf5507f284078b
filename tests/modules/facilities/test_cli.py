"""``parkops facilities …``: the commands an operator runs."""

import io

import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from modules.facilities.models import Facility, FacilityType
from parkops.extensions import db
from parkops.notify import Notification


def test_types_import_export_labels_and_jobs(app, park, tmp_path):
    app.config["DEFAULT_LOCALE"] = "en"  # commands speak the default language; check the English
    runner = app.test_cli_runner()
    result = runner.invoke(args=["facilities", "types"])
    assert result.exit_code == 0 and "0 facility types added" in result.output
    source = tmp_path / "in.csv"
    source.write_bytes(
        "编号,名称,类型,景区\nPSY-0001,湖边座椅,bench,PSY\nPSY-0002,坏行,nope,PSY\n".encode(
            "gb18030"
        )
    )
    result = runner.invoke(args=["facilities", "import", str(source), "--user", "office"])
    assert result.exit_code == 0, result.output
    assert "1 added, 0 updated, 1 bad rows" in result.output
    assert "line 3: unknown facility type nope" in result.output
    result = runner.invoke(args=["facilities", "import", str(source), "--user", "ghost"])
    assert result.exit_code != 0 and "no user" in result.output

    out = tmp_path / "out.xlsx"
    assert runner.invoke(args=["facilities", "export", str(out)]).exit_code == 0
    assert out.read_bytes().startswith(b"PK")
    assert runner.invoke(args=["facilities", "export", str(tmp_path / "x.pdf")]).exit_code != 0

    folder = tmp_path / "labels"
    result = runner.invoke(args=["facilities", "labels", str(folder), "--site", "PSY"])
    assert result.exit_code == 0 and "1 labels written" in result.output
    token = db.session.scalar(select(Facility.token))
    png = (folder / "PSY-0001.png").read_bytes()
    assert zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))[0].text.endswith(token)

    assert "1 notices sent" in runner.invoke(args=["facilities", "due-notice"]).output
    assert "0 notices sent" in runner.invoke(args=["facilities", "due-notice"]).output
    assert db.session.scalar(select(func.count()).select_from(Notification)) > 0
    assert "0 orders escalated" in runner.invoke(args=["facilities", "escalate"]).output
    assert db.session.scalar(select(func.count()).select_from(FacilityType)) == 9


def test_labels_warn_while_the_base_url_is_a_loopback_address(
    app, client, as_user, park, make_facility, tmp_path
):
    """Phones in the park cannot open http://127.0.0.1:5000: say so before anyone prints."""
    app.config["DEFAULT_LOCALE"] = "en"
    make_facility()
    runner = app.test_cli_runner()
    as_user(park.office)
    for base, warned in (
        ("http://127.0.0.1:5000", True),
        ("http://localhost:5000", True),
        ("http://0.0.0.0:5000", True),
        ("http://[::1]:5000", True),
        ("http://192.168.1.20:5000", False),
        ("https://parkops.example.cn", False),
    ):
        app.config["BASE_URL"] = base
        result = runner.invoke(args=["facilities", "labels", str(tmp_path / "labels")])
        assert result.exit_code == 0
        assert ("phones in the park cannot reach" in result.output) is warned, base
        sheet = client.get("/facilities/labels")
        assert sheet.status_code == 200
        assert ("phones in the park cannot reach" in sheet.get_data(as_text=True)) is warned, base

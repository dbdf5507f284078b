"""The one Content-Disposition of every download (parkops/downloads.py)."""

from urllib.parse import unquote

from parkops.downloads import ascii_name, content_disposition, send_download


def _utf8_name(header: str) -> str:
    return unquote(header.split("filename*=UTF-8''", 1)[1])


def test_a_chinese_name_keeps_its_exact_name_and_gets_a_meaningful_ascii_fallback():
    header = content_disposition("财催〔2026〕7号.docx", fallback="reminder-letter-2026-7.docx")
    assert header.startswith('attachment; filename="reminder-letter-2026-7.docx"; ')
    assert _utf8_name(header) == "财催〔2026〕7号.docx"


def test_the_fallback_keeps_the_ascii_words_of_the_name_and_never_only_digits():
    assert ascii_name("催缴-ACME 公司.docx") == "ACME.docx"
    assert ascii_name("账龄-2026-12-01.xlsx") == "download.xlsx"
    assert ascii_name("账龄-2026-12-01.xlsx", "aging-2026-12-01.xlsx") == "aging-2026-12-01.xlsx"
    assert ascii_name('a"b\\c/d.xlsx') == "abcd.xlsx"  # nothing that ends the quoted string


def test_an_ascii_name_is_sent_as_it_is_and_an_image_inline():
    assert content_disposition("HT-001-settlement.docx") == (
        'attachment; filename="HT-001-settlement.docx"'
    )
    assert content_disposition("ZY-01.png", inline=True) == 'inline; filename="ZY-01.png"'


def test_a_generated_download_is_not_kept_by_any_cache(app):
    with app.test_request_context():
        response = send_download(b"PK", "台账.xlsx", "application/zip", fallback="ledger.xlsx")
        response.direct_passthrough = False
        assert response.get_data() == b"PK" and response.mimetype == "application/zip"
        assert response.headers["Cache-Control"] == "no-store"
        assert _utf8_name(response.headers["Content-Disposition"]) == "台账.xlsx"

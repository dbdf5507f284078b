"""The import pages' shared step (parkops/import_view.py)."""

import io

from flask_babel import force_locale
from werkzeug.datastructures import FileStorage

from parkops.import_view import run_import
from parkops.tabular import TabularError, read_table


class Refused(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _upload(data: bytes, name: str = "rows.csv") -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name)


def test_a_file_over_the_limit_is_refused_before_the_module_sees_it(app):
    limit = app.config["UPLOAD_MAX_BYTES"] = 1024 * 1024
    seen = []
    with app.test_request_context(), force_locale("en"):
        over = run_import(_upload(b"x" * (limit + 1)), seen.append, TabularError)
        assert over.result is None and seen == []
        assert over.problems == ["The file is larger than 1.0 MB: split it."]
        at_limit = run_import(_upload(b"x" * limit), lambda name, data: len(data), TabularError)
        assert at_limit.result == limit and at_limit.problems == []


def test_the_module_gets_the_name_and_bytes_and_its_refusal_becomes_problems(app):
    def read(name: str, data: bytes):
        return read_table(name, data).header

    with app.test_request_context():
        assert run_import(_upload(b"code,name\nA1,Bench\n"), read, TabularError).result == (
            "code",
            "name",
        )
        bad = run_import(_upload(b"x", "rows.pdf"), read, TabularError)
        assert bad.result is None and len(bad.problems) == 1

        def refuse(name: str, data: bytes):
            raise Refused(["line 2: no code", "line 3: no name"])

        rows = run_import(_upload(b"x"), refuse, Refused)
        assert rows.problems == ["line 2: no code", "line 3: no name"]

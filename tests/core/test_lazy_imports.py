"""Libraries only some requests need are not loaded by a fresh server process."""

import subprocess
import sys

CHECK = """
import sys
from parkops.app import create_app
create_app({"INSTANCE_PATH": sys.argv[1]})  # every module of the default set
print(",".join(name for name in sys.argv[2:] if name in sys.modules))
"""


def test_libraries_for_some_requests_load_only_when_needed(tmp_path):
    # zxcvbn (password strength) 12 MiB, openpyxl (imports, exports) 13 MiB, qrcode 5 MiB:
    # resident in every worker otherwise.
    done = subprocess.run(
        [sys.executable, "-c", CHECK, str(tmp_path), "zxcvbn", "openpyxl", "qrcode"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == ""

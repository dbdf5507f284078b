"""Libraries only some requests need are not loaded by a fresh server process."""

import subprocess
import sys

CHECK = """
import sys
from parkops.app import create_app
create_app({"INSTANCE_PATH": sys.argv[1], "MODULES": []})
print(",".join(name for name in sys.argv[2:] if name in sys.modules))
"""


def test_password_strength_word_lists_load_only_when_a_password_is_chosen(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", CHECK, str(tmp_path), "zxcvbn"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == ""  # zxcvbn: 12 MiB resident in every worker otherwise

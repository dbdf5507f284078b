"""The run page is opened on weak signal: with its stylesheets and scripts it weighs
under the issue's 60 KB (uncompressed)."""

import re

from tests.modules.patrols.test_runs import _scan, _start

LIMIT = 60 * 1024  # bytes


def test_the_run_page_with_its_assets_is_under_60_kb(park, as_user, client):
    as_user(park.inspector)
    run = _start(client, park)
    _scan(client, run, park.intake.checkpoints[0], "s-1")
    page = client.get(f"/patrols/runs/{run.id}")
    html = page.get_data()
    assets = re.findall(rb'<(?:link rel="stylesheet" href|script src)="([^"]+)"', html)
    assert any(a.endswith(b"patrols-offline.js") for a in assets)
    sizes = [len(client.get(a.decode()).get_data()) for a in assets]
    assert all(sizes)  # every asset answered
    assert len(html) + sum(sizes) < LIMIT

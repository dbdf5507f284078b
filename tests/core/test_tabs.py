"""Every page that draws a module's tab bar marks exactly one tab: its own section's;
the main menu marks the page's entry (NavEntry: its page, ``also``, or the blueprint's
``home``).

Each page states its tab (``subnav("<module>", "<tab endpoint>")``); nothing is guessed
from endpoint names, which marked "Products & offices" on a day page refused a
correction (``ticketing.correct_sale``), "Units" on a contract refused a scan
(``merchants.upload_scan``) and "Patrol" in the main menu on a facility's page. The
walk loads the demo data and opens every GET page with a tab bar (ids 1, as
``url_walk`` builds them), as the administrator (every tab shown) and as people who
see only some tabs.
"""

import re

from parkops.demo import PASSWORD
from tests.core.url_walk import rules, sample_path
from tests.demo_copy import load_demo

# Each page's section: the tab it marks (English labels). Pages not reachable with
# ids 1 in the demo data (a second weekly report to compare, a draft contract, …)
# are not walked; their templates state the same tabs as their neighbours.
EXPECTED = {
    "decisions.edit": "Meeting decisions",
    "decisions.index": "Meeting decisions",
    "decisions.new": "Meeting decisions",
    "decisions.show": "Meeting decisions",
    "facilities.edit": "Facilities",
    "facilities.import_": "Import",
    "facilities.index": "Facilities",
    "facilities.new": "Facilities",
    "facilities.squads": "Squad leads",
    "facilities.type_form": "Types",
    "facilities.types": "Types",
    "greening.appeals_page": "Appeals",
    "greening.assess_zone": "Assessment",
    "greening.bands_page": "Payout bands",
    "greening.completion": "Task completion",
    "greening.edit_zone": "Zones",
    "greening.import_zones": "Zones",
    "greening.index": "Zones",
    "greening.my_tasks": "My tasks",
    "greening.new_rules": "Scoring rules",
    "greening.new_task": "Zones",
    "greening.new_zone": "Zones",
    "greening.outline": "Site plan",
    "greening.payouts_page": "Assessment",
    "greening.plan": "Site plan",
    "greening.round": "Assessment",
    "greening.rounds_page": "Assessment",
    "greening.rules_page": "Scoring rules",
    "greening.task_evidence": "Zones",
    "greening.task_type_form": "Task types",
    "greening.task_types_page": "Task types",
    "greening.zone": "Zones",
    "greening.zone_calendar": "Zones",
    "merchants.contract": "Merchants",
    "merchants.import_": "Import",
    "merchants.index": "Merchants",
    "merchants.inspect": "Inspections",
    "merchants.inspection": "Inspections",
    "merchants.inspections_list": "Inspections",
    "merchants.merchant": "Merchants",
    "merchants.new_contract": "Merchants",
    "merchants.new_merchant": "Merchants",
    "merchants.new_unit": "Units",
    "merchants.units": "Units",
    "merchants.violation": "Violations",
    "merchants.violations_list": "Violations",
    "patrols.checklist": "Checklists",
    "patrols.checklist_form": "Checklists",
    "patrols.checklist_list": "Checklists",
    "patrols.finding": "Patrol findings",
    "patrols.finding_list": "Patrol findings",
    "patrols.index": "Runs",
    "patrols.route": "Routes",
    "patrols.route_edit": "Routes",
    "patrols.route_list": "Routes",
    "patrols.route_new": "Routes",
    "patrols.run": "Runs",
    "patrols.schedule_form": "Schedules",
    "patrols.schedule_list": "Schedules",
    "patrols.sheet": "Runs",
    "patrols.today": "Today",
    "receivables.aging": "Aging",
    "receivables.campaign": "Clean-up",
    "receivables.campaign_item": "Clean-up",
    "receivables.campaign_list": "Clean-up",
    "receivables.debtor": "Debtors",
    "receivables.debtor_letters": "Debtors",
    "receivables.debtors": "Debtors",
    "receivables.import_": "Import",
    "receivables.index": "Receivables",
    "receivables.new": "Receivables",
    "receivables.new_debtor": "Debtors",
    "receivables.new_letter": "Debtors",
    "receivables.new_payment": "Debtors",
    "receivables.payment": "Debtors",
    "receivables.propose_write_off": "Write-offs",
    "receivables.receivable": "Receivables",
    "receivables.statement": "Debtors",
    "receivables.write_off": "Write-offs",
    "receivables.write_offs": "Write-offs",
    "reports.index": "Weekly reports",
    "reports.new": "Weekly reports",
    "reports.notice.edit": "Public notice",
    "reports.notice.index": "Public notice",
    "reports.notice.show": "Public notice",
    "reports.show": "Weekly reports",
    "ticketing.approvals": "Approvals",
    "ticketing.catalog": "Products & offices",
    "ticketing.day": "Days",
    "ticketing.days": "Days",
    "ticketing.import_gate": "Gate counts",
    "ticketing.import_sales": "Import sales",
    "ticketing.import_statements": "Payment statements",
    "ticketing.index": "Ticket office",
    "ticketing.office": "Products & offices",
    "ticketing.pattern_report": "Reports",
    "ticketing.product": "Products & offices",
    "ticketing.sales_report": "Reports",
    "ticketing.seller_report": "Reports",
    "ticketing.shift": "Shifts",
    "ticketing.shift_list": "Shifts",
    "ticketing.stock_page": "Ticket stock",
}
SETTINGS = {  # /settings/<module>: the module's settings tab
    "facilities": "Repair deadlines",
    "ticketing": "Thresholds",
    "merchants": "Settings",
    "greening": "Settings",
    "reports": "Settings",
}
MAIN_MENU = {  # a page's entry of the main menu, where a module has several
    "/facilities/1": "Facilities",
    "/facilities/1/edit": "Facilities",
    "/facilities/types": "Facilities",
    "/facilities/squads": "Facilities",
    "/facilities/inspections/1": "Patrol",
    "/facilities/orders/1": "Repair orders",
    "/facilities/1/report": "Repair orders",
    "/ticketing/shifts/1": "Ticket office",
    "/ticketing/days/1": "Ticket audit",
    "/ticketing/reports/sellers": "Ticket audit",
    "/decisions/1": "Reports",
    "/decisions/new": "Reports",
}
_NAV = re.compile(r'<nav class="subnav".*?</nav>', re.S)
_MAIN = re.compile(r'<nav class="mainnav".*?</nav>', re.S)
_SKIPPED = re.compile(r"\.(png|xlsx|docx|csv|js)$|/(photos|files|file|image)\b")


def tabs(html: str) -> tuple[list[str], list[str]] | None:
    """(labels of the tabs shown, labels marked current); None without a tab bar."""
    found = _NAV.search(html)
    if found is None:
        return None
    nav = found.group(0)
    return re.findall(r">([^<]+)</a>", nav), re.findall(r'aria-current="page">([^<]+)<', nav)


def signed_in(app, login, username: str):
    client = app.test_client()
    login(username, PASSWORD, test_client=client)
    client.post("/language/en")
    return client


def test_every_page_with_tabs_marks_its_own_section(app, ledger, login):
    assert load_demo()
    admin = signed_in(app, login, "admin")
    walked: dict[str, str] = {}
    for rule in rules(app, methods={"GET"}):
        path = sample_path(rule)
        if _SKIPPED.search(path) or rule.endpoint == "settings.module":
            continue
        response = admin.get(path)
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        found = tabs(response.get_data(as_text=True))
        if found is None:
            continue
        assert found[1] == [EXPECTED.get(rule.endpoint)], f"{path} ({rule.endpoint})"
        walked[rule.endpoint] = path
    assert set(walked) == set(EXPECTED)  # no page of the table went unwalked
    for module, label in SETTINGS.items():
        found = tabs(admin.get(f"/settings/{module}").get_data(as_text=True))
        assert found is not None and found[1] == [label], module

    for path, label in MAIN_MENU.items():
        menu = _MAIN.search(admin.get(path).get_data(as_text=True)).group(0)
        assert re.findall(r'aria-current="page">([^<]+)<', menu) == [label], path

    # People who see only some tabs: the page's own tab when shown, else none.
    for username in ("cashier", "auditor", "finance", "merchants", "gardener", "inspector"):
        client = signed_in(app, login, username)
        for endpoint, path in walked.items():
            response = client.get(path)
            found = tabs(response.get_data(as_text=True)) if response.status_code == 200 else None
            if found is not None:
                shown, marked = found
                own = EXPECTED[endpoint]
                assert marked == ([own] if own in shown else []), f"{username}: {path}"

    # A refused post draws its page at the post's endpoint: still the page's own tab.
    refused = admin.post("/ticketing/days/1/corrections/sale", data={})
    assert refused.status_code == 422
    assert tabs(refused.get_data(as_text=True))[1] == ["Days"]
    refused = admin.post("/merchants/contracts/1/scan", data={})
    assert refused.status_code == 422
    assert tabs(refused.get_data(as_text=True))[1] == ["Merchants"]

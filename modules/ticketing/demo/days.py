"""The demo month's days: reconciled, found and signed off through the services, and the
corrections of signed days."""

from datetime import date, timedelta

from sqlalchemy import select

from modules.ticketing import corrections, summary
from modules.ticketing.days import findings, reconciliation, signoff
from modules.ticketing.days.record import day_record
from modules.ticketing.days.statements import ELECTRONIC
from modules.ticketing.demo.clock import at, stamp_evidence
from modules.ticketing.models import (
    Deposit,
    EntrySource,
    GateCount,
    SalesImport,
    Shift,
    StatementLine,
    Venue,
)
from modules.ticketing.shifts import total_difference
from parkops.extensions import db


class DayCloser:
    """Month's days (see month.Month for the attributes it uses)."""

    def _close_day(self, site_code: str, day: date, shifts: list[Shift]) -> None:
        site = self.sites[site_code]
        summary.refresh_day(site.id, day)
        record = day_record(site.id, day)
        sold = reconciliation.sold_per_venue(site.id, day)
        cashier2_worked = any(s.seller.username == "cashier2" for s in shifts)
        for venue_id, tickets in sold.items():
            venue = db.session.get(Venue, venue_id)
            entries = tickets
            if venue.code == "ZOO" and cashier2_worked:
                entries += max(3, round(tickets * self.random.uniform(0.03, 0.06)))
            if venue.code == "ZOO" and day == self.plant["missing"]:
                entries += 20
            db.session.add(
                GateCount(
                    site_id=site.id,
                    venue_id=venue_id,
                    business_day=day,
                    entries=max(entries, 0),
                    source=EntrySource.IMPORTED,
                    recorded_by_id=self.users["auditor"].id,
                    recorded_at=at(day, 18, 30),
                )
            )
        db.session.flush()
        self._statements(site_code, day, shifts)
        figures = reconciliation.day_figures(record)
        short = site_code == "ZYLZ" and day == self.plant["deposit"]
        deposit = figures.cash_to_deposit - (10_000 if short else 0)
        db.session.add(
            Deposit(
                day_id=record.id,
                amount_fen=deposit,
                slip_number=f"{site_code}{day:%Y%m%d}01",
                source=EntrySource.ENTERED,
                recorded_by_id=self.users["finance"].id,
                recorded_at=at(day + timedelta(days=1), 9, 40),
            )
        )
        db.session.commit()
        if site_code == "ZYLZ" and day == self.weekday_back(12):
            self._finding(record, shifts, "售票员李娜连续多日现金短款(每日¥3–¥9),需约谈。", False)
        if site_code == "ZYLZ" and day == self.weekday_back(20):
            self._finding(record, shifts, "短款已由售票员当日补齐。", True)
        if day < self.sign_before:
            figures = reconciliation.day_figures(record)
            signoff.sign_off(record, {f.key for f in figures.to_review}, self.users["auditor"])
            record.signed_at = at(day + timedelta(days=1), 11, 0)
            stamp_evidence("ticketing.day", record.id, record.signed_at)
            db.session.commit()

    def _statements(self, site_code: str, day: date, shifts: list[Shift]) -> None:
        """The providers' bills of the day, one line per window and method, as expected;
        on the planted day cashier2's WeChat takings are ¥90 more than WeChat settled
        (three sales paid to her own QR code)."""
        bills: dict = {}
        for shift in shifts:
            for tally in shift.tallies:
                if tally.method not in ELECTRONIC or not tally.expected_fen:
                    continue
                if tally.method not in bills:
                    bills[tally.method] = SalesImport(
                        kind=f"statement-{tally.method.value}",
                        file_name=f"{tally.method.value}-{site_code}-{day:%Y%m%d}.csv",
                        file_hash=f"demo-{tally.method.value}-{site_code}-{day:%Y%m%d}",
                        rows=0,
                        imported=0,
                        skipped=0,
                        imported_by_id=self.users["finance"].id,
                        imported_at=at(day + timedelta(days=1), 9, 10),
                    )
                    db.session.add(bills[tally.method])
                    db.session.flush()
                bill = bills[tally.method]
                skimmed = (
                    site_code == "ZYLZ"
                    and day == self.plant["outside"]
                    and shift.seller.username == "cashier2"
                    and tally.method.value == "wechat"
                )
                bill.rows += 1
                bill.imported += 1
                db.session.add(
                    StatementLine(
                        import_id=bill.id,
                        site_id=shift.site_id,
                        window_id=shift.window_id,
                        method=tally.method,
                        business_day=day,
                        paid_at=at(day, 17, 0),
                        reference=f"DEMO-{shift.id}-{tally.method.value}",
                        amount_fen=tally.expected_fen - (9_000 if skimmed else 0),
                        line_no=bill.rows + 1,
                    )
                )
        db.session.flush()

    def _finding(self, day, shifts, text: str, resolved: bool) -> None:
        shift = next(s for s in shifts if s.seller.username == "cashier2")
        finding = findings.add_finding(
            day, text, self.users["auditor"], amount_fen=total_difference(shift), shift=shift
        )
        finding.created_at = at(day.business_day + timedelta(days=1), 10, 30)
        stamp_evidence("ticketing.finding", finding.id, finding.created_at)
        if resolved:
            findings.resolve_finding(finding, "已补交短款,收据存档。", self.users["leader"])
            finding.resolved_at = at(day.business_day + timedelta(days=2), 15, 0)
        db.session.commit()

    def _corrections(self) -> None:
        auditor, leader = self.users["auditor"], self.users["leader"]
        zylz = self.sites["ZYLZ"].id
        day15 = day_record(zylz, self.today - timedelta(days=15))
        gate = db.session.scalar(select(Venue).where(Venue.site_id == zylz, Venue.code == "GATE"))
        latest = reconciliation.latest_gate_counts(zylz, day15.business_day)[gate.id]
        correction = corrections.request_correction(
            day15,
            corrections.GateCorrection(gate, latest.entries - 12),
            "闸机重复计数12人次(设备维修记录为证),按人工复核数更正。",
            auditor,
        )
        corrections.decide_correction(correction, True, leader)
        day9 = day_record(zylz, self.today - timedelta(days=9))
        deposit = reconciliation.latest_deposit(day9)
        corrections.request_correction(
            day9,
            corrections.DepositCorrection(deposit.amount_fen, deposit.slip_number + "-2"),
            "银行回单号录入错误,按回单原件更正。",
            auditor,
        )

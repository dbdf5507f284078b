"""The payment providers' bills, each mapped once: which header names hold the time, the
terminal, the reference and the amount, and how a row says payment, refund or neither.

Columns are found by their header name, never by position (a provider's format change
moves them). Every cell is read as the bills write it: WeChat Pay puts a backtick before
each value, Alipay a tab after it (both gone once the bill is opened and saved again in
Excel); title lines before the header are left out.

Every bill ends with its own totals (WeChat's 总交易单数 row, Alipay's #交易合计 and
#退款合计 lines, the POS 合计 row): ``stated`` reads them and ``added`` adds the same
figures up from the rows, so that a bill cut short or changed is caught. Figures are
keyed by name (``FIGURES``): counts of rows, or amounts in fen.
"""

import re
from dataclasses import dataclass

from modules.ticketing.models import Payment
from parkops.cells import parse_fen
from parkops.tabular import TabularError

# The figures a bill's totals state, in the order they are named.
FIGURES = ("rows", "payments", "amount", "refund_rows", "refunds")
MONEY = {"amount", "refunds"}  # in fen; the others count rows


@dataclass(frozen=True)
class StatementRow:
    """One bill row, in the provider's words: ``kind`` is +1 (a payment), −1 (a refund,
    the amount given back as a positive or negative number) or 0 (no money moved)."""

    when: str
    terminal: str
    merchant: str
    reference: str
    amount: str
    kind: int


@dataclass(frozen=True)
class Provider:
    code: str
    method: Payment
    columns: dict[str, str]  # field → the header name in the bill
    stop: tuple[str, ...]  # a first cell starting so ends the table (the totals)

    def header(self) -> tuple[str, ...]:
        return tuple(self.columns.values())

    totals: str  # what the bill's totals are called in it, for the error naming them

    def row(self, cells: dict[str, str]) -> StatementRow:
        """A table row (its cells by field, made plain) as a StatementRow."""
        raise NotImplementedError

    def stated(self, after: list[list[str]], index: dict[str, int]) -> dict[str, int] | None:
        """The bill's own totals from the rows after its table (plain cells, the first
        the row that ended it; ``index``: field → column), or None when it has none."""
        raise NotImplementedError

    def added(self, rows: list[dict[str, str]]) -> dict[str, int | None]:
        """The same figures added up from the table rows (plain cells by field); an
        amount that cannot be read makes its figure None (its row is refused anyway)."""
        raise NotImplementedError


def plain(value) -> str:
    """A bill cell without WeChat's leading backtick, Alipay's trailing tab or spaces."""
    return str(value).strip().lstrip("`").strip()


def _fen(value: str) -> int | None:
    try:
        return parse_fen(value) or 0
    except TabularError:
        return None


def _sum(amounts) -> int | None:
    amounts = list(amounts)
    return None if None in amounts else sum(amounts)


class WeChatPay(Provider):
    # 交易状态: SUCCESS a payment; REFUND its refund (退款金额, 微信退款单号); REVOKED a
    # payment revoked before it was settled: no money.
    def row(self, cells):
        status = cells["status"].upper()
        if status == "REFUND":
            return StatementRow(
                cells["time"],
                cells["terminal"],
                cells["merchant"],
                cells["refund_reference"],
                cells["refund_amount"],
                -1,
            )
        return StatementRow(
            cells["time"],
            cells["terminal"],
            cells["merchant"],
            cells["reference"],
            cells["amount"],
            1 if status == "SUCCESS" else 0,
        )

    # The totals: a header row (总交易单数, 应结订单总金额, 退款总金额 …) and its values.
    def stated(self, after, index):
        if len(after) < 2:
            return None
        values = dict(zip(after[0], after[1], strict=False))
        try:
            figures = {
                "rows": int(values["总交易单数"]),
                "amount": parse_fen(values["应结订单总金额"]),
                "refunds": parse_fen(values["退款总金额"]),
            }
        except (KeyError, ValueError):
            return None
        return None if None in figures.values() else figures

    def added(self, rows):
        return {
            "rows": len(rows),
            "amount": _sum(_fen(r["amount"]) for r in rows),
            "refunds": _sum(_fen(r["refund_amount"]) for r in rows),
        }


class Alipay(Provider):
    # 业务类型: 交易 a payment; 退款 a refund (negative 商家实收, its own batch number).
    def row(self, cells):
        refund = cells["type"] == "退款"
        return StatementRow(
            cells["time"],
            cells["terminal"],
            cells["merchant"],
            (cells["refund_reference"] or cells["reference"] + "-R")
            if refund
            else cells["reference"],
            cells["amount"],
            -1 if refund else (1 if cells["type"] == "交易" else 0),
        )

    # "#交易合计：40笔，商家实收共1200.00元，…" and "#退款合计：0笔，商家实收退款共0.00元，…"
    PAID = re.compile(r"交易合计[:：]\s*(\d+)\s*笔[，,]\s*商家实收共\s*(-?[\d,.]+)\s*元")
    REFUNDED = re.compile(r"退款合计[:：]\s*(\d+)\s*笔[，,]\s*商家实收退款共\s*(-?[\d,.]+)\s*元")

    def stated(self, after, index):
        text = "\n".join(",".join(cells) for cells in after)
        paid, refunded = self.PAID.search(text), self.REFUNDED.search(text)
        if paid is None or refunded is None:
            return None
        amounts = [_fen(m.group(2)) for m in (paid, refunded)]
        if None in amounts:
            return None
        return {
            "payments": int(paid.group(1)),
            "amount": amounts[0],
            "refund_rows": int(refunded.group(1)),
            "refunds": abs(amounts[1]),
        }

    def added(self, rows):
        paid = [r for r in rows if r["type"] == "交易"]
        refunded = [r for r in rows if r["type"] == "退款"]
        refunds = _sum(_fen(r["amount"]) for r in refunded)
        return {
            "payments": len(paid),
            "amount": _sum(_fen(r["amount"]) for r in paid),
            "refund_rows": len(refunded),
            "refunds": None if refunds is None else abs(refunds),
        }


class BankPos(Provider):
    # 交易类型: 消费 a card payment; 撤销 (voided the same day) and 退货 (refund) give it back.
    def row(self, cells):
        kind = {"消费": 1, "撤销": -1, "退货": -1}.get(cells["type"], 0)
        return StatementRow(
            f"{cells['date']} {cells['time']}",
            cells["terminal"],
            cells["merchant"],
            cells["reference"],
            cells["amount"],
            kind,
        )

    # The 合计 row: its 交易金额 is the column's total as written (voids included).
    def stated(self, after, index):
        if not after:
            return None
        amount = _fen(after[0][index["amount"]])
        return None if amount is None else {"amount": amount}

    def added(self, rows):
        return {"amount": _sum(_fen(r["amount"]) for r in rows)}


PROVIDERS: dict[str, Provider] = {
    "wechat": WeChatPay(
        "wechat",
        Payment.WECHAT,
        {
            "time": "交易时间",
            "merchant": "商户号",
            "terminal": "设备号",
            "reference": "微信订单号",
            "status": "交易状态",
            "amount": "应结订单金额",
            "refund_reference": "微信退款单号",
            "refund_amount": "退款金额",
        },
        ("总交易单数",),
        "总交易单数",
    ),
    "alipay": Alipay(
        "alipay",
        Payment.ALIPAY,
        {
            "reference": "支付宝交易号",
            "type": "业务类型",
            "time": "完成时间",
            "merchant": "门店编号",
            "terminal": "终端号",
            "amount": "商家实收（元）",
            "refund_reference": "退款批次号/请求号",
        },
        ("#",),
        "#交易合计 / #退款合计",
    ),
    "pos": BankPos(
        "pos",
        Payment.CARD,
        {
            "date": "交易日期",
            "time": "交易时间",
            "merchant": "商户编号",
            "terminal": "终端编号",
            "type": "交易类型",
            "amount": "交易金额",
            "reference": "检索参考号",
        },
        ("合计", "总计"),
        "合计",
    ),
}

"""The payment providers' bills, each mapped once: which header names hold the time, the
terminal, the reference and the amount, and how a row says payment, refund or neither.

Columns are found by their header name, never by position (a provider's format change
moves them). Every cell is read as the bills write it: WeChat Pay puts a backtick before
each value, Alipay a tab after it (both gone once the bill is opened and saved again in
Excel); title lines before the header and totals after the table are left out.
"""

from dataclasses import dataclass

from modules.ticketing.models import Payment


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

    def row(self, cells: dict[str, str]) -> StatementRow:
        """A table row (its cells by field, made plain) as a StatementRow."""
        raise NotImplementedError


def plain(value) -> str:
    """A bill cell without WeChat's leading backtick, Alipay's trailing tab or spaces."""
    return str(value).strip().lstrip("`").strip()


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
    ),
}

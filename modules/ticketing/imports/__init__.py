"""Importing files: sales (sales, sales_rows, sales_checks), gate counts (gate_counts) and
the payment providers' statements (statements, providers), each everything or nothing and
never twice (files: hash, result, row errors, cells).
The public functions are re-exported here: ``imports.import_sales(...)``.
"""

from modules.ticketing.imports.files import ImportResult, RowError
from modules.ticketing.imports.gate_counts import GATE_COLUMNS, import_gate_counts
from modules.ticketing.imports.providers import PROVIDERS
from modules.ticketing.imports.sales import SALES_COLUMNS, import_sales
from modules.ticketing.imports.statements import import_statement

__all__ = [
    "GATE_COLUMNS",
    "PROVIDERS",
    "SALES_COLUMNS",
    "ImportResult",
    "RowError",
    "import_gate_counts",
    "import_sales",
    "import_statement",
]

"""Reference data of the contracts (reporting currency, fx rates, product catalog) as Spark expressions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyspark.sql import Column
from pyspark.sql import functions as F


@dataclass(frozen=True)
class Product:
    id: str
    name: str
    category: str
    price: float


@dataclass(frozen=True)
class Reference:
    """What `enrich` and curated `compute` may use besides their input DataFrames."""

    reporting_currency: str
    fx_rates: dict[str, float]
    products: tuple[Product, ...]

    @staticmethod
    def from_document(doc: dict[str, Any]) -> Reference:
        return Reference(
            reporting_currency=doc["reportingCurrency"],
            fx_rates={k: float(v) for k, v in doc["fxRates"].items()},
            products=tuple(
                Product(p["id"], p["name"], p["category"], float(p["price"])) for p in doc["products"]
            ),
        )

    def fx_rate(self, currency: Column) -> Column:
        """Units of the reporting currency per unit of `currency`, decimal(18,8); null for unknown codes."""
        pairs: list[Column] = []
        for code, rate in sorted(self.fx_rates.items()):
            pairs += [F.lit(code), F.lit(f"{rate:.8f}").cast("decimal(18,8)")]
        return F.element_at(F.create_map(*pairs), currency)

    def to_reporting(self, amount: Column, currency: Column, scale: int = 2) -> Column:
        """`amount` converted to the reporting currency, rounded half-up to decimal(18,scale)."""
        return F.round(amount * self.fx_rate(currency), scale).cast(f"decimal(18,{scale})")

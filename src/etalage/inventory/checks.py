"""The books of the inventory: does every stock level agree with its movements?"""

from django.db.models import Sum

from etalage.inventory.models import Stock, StockMovement


def inventory_problems() -> list[str]:
    """Return every disagreement between stock levels and their movements."""
    problems = []
    sums = {
        row["stock_id"]: row
        for row in StockMovement.objects.values("stock_id").annotate(
            on_hand=Sum("on_hand_delta"), allocated=Sum("allocated_delta")
        )
    }
    for stock in Stock.objects.select_related("warehouse", "variant"):
        row = sums.get(stock.pk, {"on_hand": 0, "allocated": 0})
        label = f"{stock.variant.sku} at {stock.warehouse.code}"
        if stock.on_hand != (row["on_hand"] or 0):
            problems.append(
                f"{label}: on hand {stock.on_hand}, movements say {row['on_hand'] or 0}"
            )
        if stock.allocated != (row["allocated"] or 0):
            problems.append(
                f"{label}: allocated {stock.allocated}, "
                f"movements say {row['allocated'] or 0}"
            )
        if stock.allocated > stock.on_hand:
            problems.append(f"{label}: oversold ({stock.allocated} > {stock.on_hand})")
    return problems

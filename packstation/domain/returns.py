"""Returns: the marketplace's claim on returned items, and what the station judges each item to be.

A *claim* is the customer's return request as the marketplace keeps it (Trendyol's word); it holds one
*claim item* per returned unit, each with its own status. Status names are Trendyol's, exactly as its
claims API spells them (research/trendyol/FACTS.md §8a).
"""

from __future__ import annotations

from enum import StrEnum


class ClaimItemStatus(StrEnum):
    """Where one returned unit stands at the marketplace."""

    CREATED = "Created"  # the customer pressed "return"
    WAITING_IN_ACTION = "WaitingInAction"  # the parcel reached the seller: approve or reject now
    WAITING_FRAUD_CHECK = "WaitingFraudCheck"
    ACCEPTED = "Accepted"
    UNRESOLVED = "Unresolved"  # disputed after the seller raised an issue
    REJECTED = "Rejected"
    CANCELLED = "Cancelled"
    IN_ANALYSIS = "InAnalysis"

    @property
    def awaits_decision(self) -> bool:
        """The seller may approve or reject the item now (Trendyol: only in WaitingInAction)."""
        return self is ClaimItemStatus.WAITING_IN_ACTION


class ReturnCondition(StrEnum):
    """What the packer finds for one claimed unit when the return parcel is opened."""

    RESELLABLE = "resellable"
    DAMAGED = "damaged"
    WRONG_ITEM = "wrong_item"  # not what we sent
    MISSING = "missing"  # claimed, not in the box

    @property
    def back_to_stock(self) -> bool:
        """The unit can be sold again."""
        return self is ReturnCondition.RESELLABLE

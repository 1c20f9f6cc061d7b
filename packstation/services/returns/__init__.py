"""Returns at the bench: open a claim's return parcel, judge each unit, record it, answer the marketplace."""

"""Primary keys: time-ordered UUIDs (version 7).

Keys are not sequential integers so that rows can be created on many nodes (and later
on distributed SQL) without a central counter, yet they sort by creation time, which
keeps B-tree inserts local.
"""

import uuid

from uuid6 import uuid7


def new_id() -> uuid.UUID:
    """Return a new UUIDv7 as a standard ``uuid.UUID``."""
    return uuid.UUID(int=uuid7().int)


def parse_id(value: object) -> uuid.UUID | None:
    """The key a visitor sent (a form field, a cookie, a URL), or None when it is not
    even a key; lookups then find nothing instead of failing."""
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None

"""The shapes of reviews in the API, shared by the buyer's, the merchant's and
the catalogue's doors."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Schema

from etalage.reviews.rating import Rating
from etalage.reviews.selectors import ReviewView


class ReviewOut(Schema):
    id: str
    stars: int = Field(..., description="1 to 5.")
    author: str = Field(..., description="The first character of the buyer's name.")
    verified_purchase: bool = Field(
        ..., description="Always true: only buyers of a delivered line review it."
    )
    text: str = Field(..., description="As written, never translated.")
    language: str = Field(..., description="The language it was written in.")
    language_name: str = Field(..., description="That language, in the reader's.")
    written_at: datetime
    edited_at: datetime | None
    follow_up: str
    follow_up_at: datetime | None
    reply: str = Field(..., description="The shop's one public reply ('' if none).")
    replied_at: datetime | None
    photos: list[str] = Field(..., description="The photos' addresses (800 px).")
    thumbnails: list[str] = Field(..., description="The same, 320 px.")


class RatingOut(Schema):
    average: Decimal | None = Field(..., description="To one decimal; null: none.")
    count: int
    distribution: dict[str, int] = Field(
        ..., description='How many gave each number of stars: {"1": n, …, "5": n}.'
    )


def review_out(request: HttpRequest, view: ReviewView) -> ReviewOut:
    return ReviewOut(
        id=view.id,
        stars=view.stars,
        author=view.author,
        verified_purchase=view.verified_purchase,
        text=view.text,
        language=view.language,
        language_name=view.language_name,
        written_at=view.written_at,
        edited_at=view.edited_at,
        follow_up=view.follow_up,
        follow_up_at=view.follow_up_at,
        reply=view.reply,
        replied_at=view.replied_at,
        photos=[request.build_absolute_uri(p.image) for p in view.photos],
        thumbnails=[request.build_absolute_uri(p.thumbnail) for p in view.photos],
    )


def rating_out(rating: Rating) -> RatingOut:
    return RatingOut(
        average=rating.average,
        count=rating.count,
        distribution={str(n): rating.distribution[n - 1] for n in range(1, 6)},
    )

"""A return's photo, answered to whoever the room let in (the buyer who took it,
the merchant who decides): shared by the account's and the portal's returns."""

from django.http import HttpResponse

from etalage.returns.models import ReturnPhoto


def photo_response(photo: ReturnPhoto) -> HttpResponse:
    """Answer the photo's image, kept out of every shared cache."""
    with photo.image.open("rb") as file:
        response = HttpResponse(file.read(), content_type="image/webp")
    response["Cache-Control"] = "private, no-store"
    return response

from django.conf import settings

MARKET_COOKIE = "etalage_market"


class MarketMiddleware:
    """Remember which market the visitor is shopping in (a cookie, else the default)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        code = request.COOKIES.get(MARKET_COOKIE, "")
        request.market_code = (
            code.upper()
            if code.isalnum() and len(code) <= 8
            else settings.ETALAGE_DEFAULT_MARKET
        )
        return self.get_response(request)

from django.conf import settings
from django.utils import translation

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


class WorkplaceLanguageMiddleware:
    """Speak the operator's and the merchant's language in the back-office and portal.

    The storefront's unprefixed URLs are Simplified Chinese, for buyers in China. The
    back-office and the merchant portal serve people in Belgium: without a language
    prefix they follow the language cookie or the browser's Accept-Language, and
    English when neither says anything.
    """

    PATHS = ("/backoffice/", "/portal/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith(self.PATHS):
            language = self._language(request)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)

    @staticmethod
    def _language(request) -> str:
        codes = {code for code, _name in settings.LANGUAGES}
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if cookie in codes:
            return cookie
        if request.META.get("HTTP_ACCEPT_LANGUAGE"):
            return translation.get_language_from_request(request)
        return settings.ETALAGE_WORKPLACE_LANGUAGE

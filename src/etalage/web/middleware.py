from contextlib import ExitStack

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.cache import patch_cache_control

from etalage.core.routing import replica_reads

MARKET_COOKIE = "etalage_market"


# What pages may load: only Étalage's own scripts (no inline ones), styles, images
# and forms; never framed. Inline style attributes are allowed (htmx and a few
# widths use them).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    """A Content-Security-Policy on every page, and pages shown to a signed-in person
    never kept by a browser's or a proxy's cache (``no-store``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response


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
    """Speak the operator's, the merchant's and the hub's language in the back-office,
    the portal and the hub's screens.

    The storefront's unprefixed URLs are Simplified Chinese, for buyers in China. The
    back-office, the merchant portal and the Liège hub serve people in Belgium:
    without a language prefix they follow the language cookie or the browser's
    Accept-Language, and English when neither says anything.
    """

    BACKOFFICE = "/backoffice/"
    PORTAL = "/portal/"  # under the storefront's language prefixes: /fr/portal/…
    HUB = "/hub/"  # the Liège hub's screens, the same way: /fr/hub/…
    API = "/api/"  # messages in the caller's Accept-Language, else Chinese

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith(self.BACKOFFICE):
            language = self._language(request)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        elif path.startswith(self.API) and request.META.get("HTTP_ACCEPT_LANGUAGE"):
            language = translation.get_language_from_request(request)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        elif path.startswith((self.PORTAL, self.HUB)):
            language = self._language(request)
            if language != settings.LANGUAGE_CODE:
                query = request.META.get("QUERY_STRING")
                target = f"/{language}{path}" + (f"?{query}" if query else "")
                return HttpResponseRedirect(target)
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


class ReplicaReadsMiddleware:
    """The storefront's catalogue pages, read with GET, may read the catalogue from a
    replica (``core.routing``); every other page reads the primary."""

    PAGES = frozenset(
        {"home", "category", "product", "merchant", "merchants", "search",
         "search-suggest"}
    )  # fmt: skip

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with ExitStack() as reads:
            request._etalage_reads = reads
            return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        match = request.resolver_match
        if (
            request.method in ("GET", "HEAD")
            and match.namespace == "web"
            and match.url_name in self.PAGES
        ):
            request._etalage_reads.enter_context(replica_reads())

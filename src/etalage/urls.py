from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from django.views.static import serve

from etalage.api.api import api, api_not_found
from etalage.web import review_urls
from etalage.web.auth import ThrottledAdminAuthenticationForm
from etalage.web.backoffice import dashboard as backoffice_dashboard
from etalage.web.callbacks import carriers
from etalage.web.callbacks import payments as payment_notices
from etalage.web.sandbox import payments, wechat

# Lazy: the operator reads them in the language the request chose.
admin.site.site_header = _("Étalage back-office")
admin.site.site_title = _("Étalage back-office")
admin.site.index_title = _("Run the marketplace")
admin.site.login_form = ThrottledAdminAuthenticationForm

urlpatterns = [
    # Browsers ask for /favicon.ico on every page that names no icon (the admin's).
    path("favicon.ico", RedirectView.as_view(url="/static/etalage/favicon.svg")),
    path(
        "backoffice/dashboard/<slug:slug>.csv",
        backoffice_dashboard.dashboard_csv,
        name="backoffice-dashboard-csv",
    ),
    path("backoffice/reviews/", include(review_urls.backoffice_urlpatterns)),
    path("backoffice/", admin.site.urls),
    path("api/v1/", api.urls),
    # Providers' notifications and the embedded payment sandbox: no language prefix.
    path(
        "payments/notify/<str:provider>/",
        payment_notices.notify,
        name="payments-notify",
    ),
    # Carriers' tracking pushes (Standard Webhooks).
    path(
        "logistics/carriers/<str:name>/events",
        carriers.carrier_events,
        name="logistics-carrier-events",
    ),
    path("sandbox/antom/ams/<path:rest>", payments.sandbox_antom_api),
    path("sandbox/wechat/v3/<path:rest>", payments.sandbox_wechat_api),
    path(
        "sandbox/antom/cashier/<str:payment_id>/",
        payments.sandbox_cashier,
        {"provider": "alipay"},
        name="sandbox-antom-cashier",
    ),
    path(
        "sandbox/wechat/scan/<str:payment_id>/",
        payments.sandbox_cashier,
        {"provider": "wechat"},
        name="sandbox-wechat-scan",
    ),
    path("sandbox/wechat/jsapi/", payments.sandbox_wechat_jsapi),
    path("sandbox/wechat/h5/<str:payment_id>/", payments.sandbox_wechat_h5),
    # The sandbox's stand-in for WeChat's sign-in (authorization page, API).
    path(
        "sandbox/weixin/open/connect/oauth2/authorize",
        wechat.sandbox_wechat_authorize,
    ),
    path("sandbox/weixin/api/sns/<path:rest>", wechat.sandbox_wechat_api),
    path("sandbox/weixin/mini-program/login", wechat.sandbox_mini_program_login),
    path(
        "sandbox/<str:provider>/settlement/<str:day>.csv",
        payments.sandbox_settlement,
        name="sandbox-settlement",
    ),
    # Any other address under /api/ answers in the API's own JSON shape.
    re_path(r"^api/", api_not_found),
]
if settings.SERVE_MEDIA:
    urlpatterns.append(
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    )
urlpatterns += i18n_patterns(
    path("", include("etalage.web.urls")),
    prefix_default_language=False,
)

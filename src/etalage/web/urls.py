from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from etalage.web.account import (
    addresses,
    home,
    identities,
    notices,
    orders,
    returns,
    sign_in,
    sign_up,
    wechat,
)
from etalage.web.account import coupons as account_coupons
from etalage.web.account import payments as account_payments
from etalage.web.hub import bonded, consolidation, receiving
from etalage.web.hub import returns as hub_returns
from etalage.web.portal import (
    api_keys,
    company,
    dashboard,
    imports,
    onboarding,
)
from etalage.web.portal import money as portal_money
from etalage.web.portal import orders as portal_orders
from etalage.web.portal import products as portal_products
from etalage.web.portal import promotions as portal_promotions
from etalage.web.portal import returns as portal_returns
from etalage.web.portal import sale_prices as portal_sale_prices
from etalage.web.portal import sales as portal_sales
from etalage.web.portal import team as portal_team
from etalage.web.portal import webhooks as portal_webhooks
from etalage.web.review_urls import urlpatterns as review_urlpatterns
from etalage.web.storefront import cart, catalogue, checkout, search
from etalage.web.storefront import promotions as storefront_promotions

app_name = "web"

urlpatterns = [
    path("", catalogue.home, name="home"),
    path("c/<slug:slug>/", catalogue.category, name="category"),
    path("search/", search.search, name="search"),
    path("search/suggest/", search.suggest, name="search-suggest"),
    path("merchants/", catalogue.merchants, name="merchants"),
    path("m/<slug:slug>/", catalogue.merchant, name="merchant"),
    path("p/<slug:slug>/", catalogue.product, name="product"),
    path("market/", catalogue.market_switch, name="market"),
    path("cart/", cart.cart_view, name="cart"),
    path("cart/add/", cart.cart_add_view, name="cart-add"),
    path("checkout/", checkout.checkout, name="checkout"),
    path(
        "coupons/<uuid:key>/claim/",
        storefront_promotions.coupon_claim_view,
        name="coupon-claim",
    ),
    path("account/coupons/", account_coupons.coupons, name="account-coupons"),
    path(
        "portal/promotions/",
        portal_promotions.promotion_list,
        name="portal-promotions",
    ),
    path(
        "portal/promotions/<uuid:key>/end/",
        portal_promotions.promotion_end_view,
        name="portal-promotion-end",
    ),
    path(
        "portal/promotions/new/",
        portal_promotions.promotion_new,
        name="portal-promotion-new",
    ),
    path(
        "portal/promotions/<uuid:key>/",
        portal_promotions.promotion_page,
        name="portal-promotion",
    ),
    path(
        "portal/promotions/<uuid:key>/<str:action>/",
        portal_promotions.promotion_action,
        name="portal-promotion-action",
    ),
    path(
        "portal/products/<uuid:pk>/sales/",
        portal_sale_prices.sale_prices,
        name="portal-sale-prices",
    ),
    path(
        "portal/products/<uuid:pk>/sales/<uuid:key>/end/",
        portal_sale_prices.sale_price_end_view,
        name="portal-sale-price-end",
    ),
    path("orders/", orders.orders, name="orders"),
    path("orders/<str:number>/", orders.order, name="order"),
    path(
        "orders/<str:number>/return/<str:sub_number>/",
        returns.return_start,
        name="order-return",
    ),
    path(
        "orders/<str:number>/returns/<str:return_number>/label.pdf",
        returns.return_label,
        name="return-label",
    ),
    path(
        "orders/<str:number>/returns/<str:return_number>/photos/<int:pk>/",
        returns.return_photo,
        name="return-photo",
    ),
    path(
        "orders/<str:number>/pay/<str:provider>/",
        account_payments.pay,
        name="order-pay",
    ),
    path("orders/<str:number>/cancel/", orders.order_cancel_view, name="order-cancel"),
    path("account/addresses/new/", addresses.address_new, name="address-new"),
    path(
        "account/addresses/regions/",
        addresses.address_regions,
        name="address-regions",
    ),
    path("account/", home.account, name="account"),
    path("account/notices/", notices.notices_set, name="account-notices"),
    path("account/email/", notices.email_add, name="account-email"),
    path(
        "account/email/confirm/<str:token>/",
        notices.email_confirm,
        name="account-email-confirm",
    ),
    path("account/mobile/", notices.mobile_add, name="account-mobile"),
    path(
        "account/mobile/confirm/",
        notices.mobile_confirm,
        name="account-mobile-confirm",
    ),
    path("o/<str:number>", notices.order_short, name="order-short"),
    path("account/identities/<uuid:pk>/", identities.identity_edit, name="identity"),
    path(
        "account/identities/<uuid:pk>/delete/",
        identities.identity_remove,
        name="identity-delete",
    ),
    path("account/addresses/<uuid:pk>/", addresses.address_edit, name="address"),
    path(
        "account/addresses/<uuid:pk>/default/",
        addresses.address_default,
        name="address-default",
    ),
    path(
        "account/addresses/<uuid:pk>/delete/",
        addresses.address_remove,
        name="address-delete",
    ),
    path("signup/", sign_up.sign_up, name="sign-up"),
    path("signup/sent/", sign_up.sign_up_sent, name="sign-up-sent"),
    path("signup/code/", sign_up.sign_up_code_again, name="sign-up-code"),
    path(
        "signup/confirm/<uidb64>/<token>/",
        sign_up.sign_up_confirm,
        name="sign-up-confirm",
    ),
    path("password/", sign_up.password_forgotten, name="password-forgotten"),
    path("password/sent/", sign_up.password_sent, name="password-sent"),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="etalage/accounts/password_reset_confirm.html",
            success_url=reverse_lazy("web:account"),
            post_reset_login=True,
            post_reset_login_backend=sign_up.BACKEND,
        ),
        name="password-reset",
    ),
    path("login/", sign_in.SignInView.as_view(), name="login"),
    path("wechat/sign-in/", wechat.wechat_sign_in, name="wechat-sign-in"),
    path("wechat/back/", wechat.wechat_callback, name="wechat-callback"),
    path(
        "account/wechat/<uuid:pk>/unlink/", wechat.wechat_unlink, name="wechat-unlink"
    ),
    path("logout/", auth_views.LogoutView.as_view(next_page="web:home"), name="logout"),
    path("hub/", receiving.hub_scan, name="hub"),
    path(
        "hub/parcels/<str:code>/correct/",
        receiving.hub_scan_correct_page,
        name="hub-scan-correct",
    ),
    path("hub/bags/", consolidation.hub_bags, name="hub-bags"),
    path(
        "hub/bags/<str:code>/manifest.pdf",
        consolidation.hub_bag_manifest,
        name="hub-bag-manifest",
    ),
    path("hub/bonded/", bonded.bonded_packing, name="hub-bonded"),
    path(
        "hub/bonded/<str:number>/label.pdf",
        bonded.bonded_label,
        name="hub-bonded-label",
    ),
    path("hub/flights/", consolidation.hub_flights, name="hub-flights"),
    path(
        "hub/flights/<str:mawb>/manifest/",
        consolidation.hub_manifest_page,
        name="hub-manifest-page",
    ),
    path("hub/returns/", hub_returns.hub_returns, name="hub-returns"),
    path(
        "hub/returns/<str:return_number>/receive/",
        hub_returns.hub_return_receive,
        name="hub-return-receive",
    ),
    path(
        "hub/flights/<str:mawb>/manifest.<str:kind>",
        consolidation.hub_manifest,
        name="hub-manifest",
    ),
    path("portal/", dashboard.dashboard, name="portal"),
    path(
        "portal/sales/<slug:slug>.csv", portal_sales.sales_csv, name="portal-sales-csv"
    ),
    path("portal/apply/", onboarding.apply, name="merchant-apply"),
    path("portal/import/", imports.import_upload, name="portal-import"),
    path("portal/api-keys/", api_keys.api_keys, name="portal-api-keys"),
    path("portal/staff/", portal_team.staff, name="portal-staff"),
    path("invitation/<str:token>/", portal_team.invitation, name="team-invitation"),
    path("portal/company/", company.company, name="portal-company"),
    path("portal/products/", portal_products.product_list, name="portal-products"),
    path("portal/orders/", portal_orders.sub_order_list, name="portal-orders"),
    path("portal/orders/labels.pdf", portal_orders.parcel_labels, name="portal-labels"),
    path(
        "portal/orders/<str:number>/pack/",
        portal_orders.parcel_pack_view,
        name="portal-parcel-pack",
    ),
    path(
        "portal/orders/<str:number>/hand-over/",
        portal_orders.parcel_hand_over_view,
        name="portal-parcel-hand-over",
    ),
    path(
        "portal/orders/<str:number>/label.pdf",
        portal_orders.parcel_label,
        name="portal-parcel-label",
    ),
    path(
        "portal/orders/<str:number>/packing-list.pdf",
        portal_orders.parcel_packing_list,
        name="portal-parcel-packing-list",
    ),
    path("portal/money/", portal_money.money, name="portal-money"),
    path("portal/returns/", portal_returns.return_list, name="portal-returns"),
    path(
        "portal/returns/<str:number>/",
        portal_returns.return_detail,
        name="portal-return",
    ),
    path(
        "portal/returns/<str:number>/decide/",
        portal_returns.return_decide_view,
        name="portal-return-decide",
    ),
    path(
        "portal/returns/<str:number>/photos/<int:pk>/",
        portal_returns.return_photo,
        name="portal-return-photo",
    ),
    path("portal/webhooks/", portal_webhooks.webhooks, name="portal-webhooks"),
    path(
        "portal/webhooks/<uuid:pk>/",
        portal_webhooks.webhook_endpoint,
        name="portal-webhook",
    ),
    path(
        "portal/webhooks/deliveries/<uuid:pk>/send-again/",
        portal_webhooks.webhook_send_again,
        name="portal-webhook-send-again",
    ),
    path(
        "portal/money/statement.<str:kind>",
        portal_money.money_statement,
        name="portal-money-statement",
    ),
    path(
        "portal/orders/<str:number>/",
        portal_orders.sub_order_detail,
        name="portal-order",
    ),
    path(
        "portal/products/new/", portal_products.product_edit, name="portal-product-new"
    ),
    path(
        "portal/products/<uuid:pk>/",
        portal_products.product_edit,
        name="portal-product",
    ),
    path(
        "portal/import/<str:kind>.csv",
        imports.import_template,
        name="portal-import-template",
    ),
    path("portal/import/<uuid:pk>/", imports.import_run, name="portal-import-run"),
    path(
        "portal/import/<uuid:pk>/errors.csv",
        imports.import_report,
        name="portal-import-report",
    ),
    path("portal/verify/<str:token>/", onboarding.verify_email, name="merchant-verify"),
]

urlpatterns += review_urlpatterns

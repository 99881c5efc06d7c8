"""The merchant API under ``/merchant``, called with an API key
(``api.access.MerchantKey``, ``merchant_key`` for its scope).

- ``products``: the merchant's products, variants, prices and stock.
- ``orders``: the merchant's sub-orders; ``shipping``: packing, labels, handing over.
- ``summary``: what waits for the merchant; ``promotions``, ``reviews``.
"""

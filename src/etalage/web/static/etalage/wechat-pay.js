// WeChat Pay inside WeChat's browser (JSAPI): the order page names the parameters
// the merchant signed (data-wechat-pay); WeChat's own bridge, WeixinJSBridge, starts
// the payment with them. However it ends, the buyer is back on the order page,
// which follows the payment until the provider's notification says paid.
(() => {
  const launch = document.getElementById("wechat-pay-launch");
  if (!launch) {
    return;
  }
  const params = JSON.parse(launch.dataset.wechatPay);
  const back = () => window.location.replace(launch.dataset.after);
  const start = () => {
    // Étalage's payment sandbox stands in for WeChat's bridge where it is on.
    const bridge = window.EtalageSandboxWeChat || window.WeixinJSBridge;
    bridge.invoke("getBrandWCPayRequest", params, back);
  };
  if (window.EtalageSandboxWeChat || window.WeixinJSBridge) {
    start();
  } else {
    document.addEventListener("WeixinJSBridgeReady", start, { once: true });
  }
})();

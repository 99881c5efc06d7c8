// Étalage's payment sandbox only: a stand-in for WeChat's in-app bridge
// (WeixinJSBridge), whose getBrandWCPayRequest opens the sandbox's WeChat Pay
// sheet with the very parameters a WeChat client would be given (the sandbox
// checks paySign as WeChat does); the sheet sends the buyer back to the page.
window.EtalageSandboxWeChat = {
  invoke(name, params) {
    if (name !== "getBrandWCPayRequest") {
      return;
    }
    const query = new URLSearchParams(params);
    query.set("return", window.location.pathname);
    window.location.assign(`/sandbox/wechat/jsapi/?${query}`);
  },
};

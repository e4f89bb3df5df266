/*
 * Klarna Payments SDK stand-in (window.Klarna.Payments), served by the paywall sandbox at /kp/lib/v1/api.js.
 *
 * It follows the documented surface of https://x.klarnacdn.net/kp/lib/v1/api.js: init, load, authorize,
 * reauthorize, finalize, on, off, the callback shapes and the thrown errors, and klarnaAsyncCallback. The
 * widget and the authorize dialog are iframes on the sandbox origin; they answer only through postMessage,
 * and this script accepts a message only when it comes from the sandbox origin, from the very iframe it
 * created, with the request id it gave that iframe. The iframes post to this page's origin only.
 */
(function (window, document) {
  "use strict";

  // The sandbox fills in its own origin when serving the file.
  var ORIGIN = /*SANDBOX_ORIGIN*/"";
  var EVENTS = ["heightChanged", "fullscreenOverlayShown", "fullscreenOverlayHidden"];

  var errors = {};
  [
    "ApplicationNotInitializedError", "ApplicationNotLoadedError", "InvalidClientTokenError",
    "InvalidContainerSelectorError", "PaymentMethodCategoryNotProvidedError",
    "PaymentMethodCategoryNotSupportedError", "PreferredPaymentMethodNotSupportedError",
    "OperationNotSupportedError", "EventNotSupportedError"
  ].forEach(function (name) {
    var E = class extends Error {
      constructor(message) {
        super(message || name);
        this.name = name;
      }
    };
    Object.defineProperty(E, "name", { value: name });
    errors[name] = E;
  });

  var state = {
    clientToken: null,
    instances: {},     // key (instance_id or category) -> {category, iframe, rid, callback}
    dialog: null,      // the open authorize dialog
    pending: null,     // the last approved authorization, for finalize
    handlers: {}       // event name -> [handler]
  };

  function noop() {}

  // Klarna's signatures are (options, data?, callback): data may be left out.
  function args(options, data, callback) {
    if (typeof data === "function") {
      callback = data;
      data = undefined;
    }
    return { options: options || {}, data: data || {}, callback: typeof callback === "function" ? callback : noop };
  }

  function later(fn, value) {
    window.setTimeout(function () { fn(value); }, 0);
  }

  function base64urlJSON(part) {
    var s = part.replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) { s += "="; }
    return JSON.parse(window.atob(s));
  }

  function isJWT(token) {
    if (typeof token !== "string") { return false; }
    var parts = token.split(".");
    if (parts.length !== 3 || !parts[0] || !parts[1]) { return false; }
    try {
      return typeof base64urlJSON(parts[0]) === "object" && typeof base64urlJSON(parts[1]) === "object";
    } catch (e) {
      return false;
    }
  }

  // category names the one payment method category of a call: payment_method_category, or the first of
  // payment_method_categories (multi-category widgets are not emulated).
  function category(options) {
    if (typeof options.payment_method_category === "string" && options.payment_method_category) {
      return options.payment_method_category;
    }
    if (Array.isArray(options.payment_method_categories) && options.payment_method_categories.length) {
      return String(options.payment_method_categories[0]);
    }
    return "";
  }

  function instanceKey(options, cat) {
    return typeof options.instance_id === "string" && options.instance_id ? options.instance_id : cat;
  }

  function resolveContainer(container) {
    if (container && typeof container === "object" && container.nodeType === 1) { return container; }
    if (typeof container !== "string" || !container) { return null; }
    try {
      return document.querySelector(container);
    } catch (e) {
      return null; // not a valid selector
    }
  }

  function newRID() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function frameURL(path, params) {
    var q = new URLSearchParams();
    Object.keys(params).forEach(function (k) {
      if (params[k] !== undefined && params[k] !== null && params[k] !== "") { q.set(k, params[k]); }
    });
    return ORIGIN + path + "?" + q.toString();
  }

  function emit(name, value) {
    (state.handlers[name] || []).slice().forEach(function (h) {
      try { h(value); } catch (e) { later(function (err) { throw err; }, e); }
    });
  }

  // clean keeps only the documented fields of a result the dialog posted.
  function clean(result) {
    result = result || {};
    var out = { approved: result.approved === true, show_form: result.show_form === true };
    if (typeof result.authorization_token === "string" && result.authorization_token) {
      out.authorization_token = result.authorization_token;
    }
    if (result.finalize_required === true) { out.finalize_required = true; }
    if (result.error && Array.isArray(result.error.invalid_fields)) {
      out.error = { invalid_fields: result.error.invalid_fields.map(String) };
    }
    return out;
  }

  function init(options) {
    options = options || {};
    if (!isJWT(options.client_token)) {
      throw new errors.InvalidClientTokenError("client_token must be the JWT from the payment session");
    }
    state.clientToken = options.client_token;
    state.instances = {};
    state.pending = null;
  }

  function load(options, data, callback) {
    var a = args(options, data, callback);
    var fail = function (E, message) {
      a.callback({ show_form: false });
      throw new E(message);
    };
    if (!state.clientToken) { fail(errors.ApplicationNotInitializedError, "call Klarna.Payments.init first"); }
    var cat = category(a.options);
    if (!cat) { fail(errors.PaymentMethodCategoryNotProvidedError, "payment_method_category is required"); }
    var container = resolveContainer(a.options.container);
    if (!container) { fail(errors.InvalidContainerSelectorError, "container must be an element or a selector that matches one"); }

    var key = instanceKey(a.options, cat);
    var rid = newRID();
    var iframe = document.createElement("iframe");
    iframe.src = frameURL("/kp/widget", {
      client_token: state.clientToken, category: cat, origin: window.location.origin, rid: rid
    });
    iframe.title = "Klarna payment method";
    iframe.name = "klarna-payments-" + key;
    iframe.setAttribute("data-testid", "klarna-widget-frame");
    Object.assign(iframe.style, { width: "100%", height: "140px", border: "0", display: "block" });
    container.replaceChildren(iframe);
    state.instances[key] = { category: cat, iframe: iframe, rid: rid, callback: a.callback };
  }

  // start checks the common preconditions of authorize, reauthorize and finalize and returns the payment
  // method category to authorize ("" when nothing was loaded: the step-up flow authorizes right after init).
  function start(a) {
    var failed = { show_form: false, approved: false };
    if (!state.clientToken) {
      a.callback(failed);
      throw new errors.ApplicationNotInitializedError("call Klarna.Payments.init first");
    }
    var cat = category(a.options);
    var keys = Object.keys(state.instances);
    if (cat) {
      if (!state.instances[instanceKey(a.options, cat)]) {
        a.callback(failed);
        throw new errors.ApplicationNotLoadedError("call Klarna.Payments.load for " + cat + " first");
      }
      return cat;
    }
    if (keys.length === 1) { return state.instances[keys[0]].category; }
    if (keys.length > 1) {
      a.callback(failed);
      throw new errors.PaymentMethodCategoryNotProvidedError("several categories are loaded: name one");
    }
    return "";
  }

  function billingEmail(data) {
    var addr = data.billing_address || {};
    return typeof addr.email === "string" ? addr.email : "";
  }

  function openDialog(cat, data, done) {
    if (state.dialog) { closeDialog({ approved: false, show_form: true }); }
    var rid = newRID();
    var overlay = document.createElement("div");
    overlay.setAttribute("role", "dialog");
    overlay.setAttribute("aria-modal", "true");
    overlay.setAttribute("aria-label", "Klarna");
    overlay.setAttribute("data-testid", "klarna-dialog");
    Object.assign(overlay.style, {
      position: "fixed", top: "0", left: "0", right: "0", bottom: "0", zIndex: "2147483647",
      display: "flex", alignItems: "center", justifyContent: "center", background: "rgba(23, 18, 15, 0.6)"
    });
    var iframe = document.createElement("iframe");
    iframe.src = frameURL("/kp/authorize", {
      client_token: state.clientToken, category: cat, origin: window.location.origin, rid: rid,
      email: billingEmail(data)
    });
    iframe.title = "Klarna: confirm your purchase";
    iframe.setAttribute("data-testid", "klarna-dialog-frame");
    // Sized to its content: the dialog reports its height (kind "height") and the frame follows, never
    // taller than the window (the dialog scrolls inside then).
    Object.assign(iframe.style, {
      width: "min(440px, 100vw)", height: "min(320px, 100vh)", maxHeight: "100vh", border: "0",
      borderRadius: "12px", background: "#fff"
    });
    overlay.appendChild(iframe);
    document.body.appendChild(overlay);
    state.dialog = { overlay: overlay, iframe: iframe, rid: rid, done: done, focus: document.activeElement };
    iframe.focus();
    emit("fullscreenOverlayShown");
  }

  function closeDialog(result) {
    var d = state.dialog;
    if (!d) { return; }
    state.dialog = null;
    d.overlay.remove();
    if (d.focus && typeof d.focus.focus === "function") { d.focus.focus(); }
    emit("fullscreenOverlayHidden");
    d.done(clean(result));
  }

  function authorize(options, data, callback) {
    var a = args(options, data, callback);
    var cat = start(a);
    openDialog(cat, a.data, function (result) {
      state.pending = result.approved ? result : null;
      a.callback(result);
    });
  }

  function reauthorize(options, data, callback) {
    var a = args(options, data, callback);
    var cat = start(a);
    openDialog(cat, a.data, function (result) {
      state.pending = result.approved ? result : null;
      delete result.show_form; // deprecated on reauthorize
      a.callback(result);
    });
  }

  // finalize hands back the pending authorization; with none it runs the purchase flow like authorize.
  function finalize(options, data, callback) {
    var a = args(options, data, callback);
    if (state.clientToken && state.pending) {
      later(a.callback, Object.assign({}, state.pending));
      return;
    }
    authorize(a.options, a.data, a.callback);
  }

  function on(name, handler) {
    if (EVENTS.indexOf(name) < 0) { throw new errors.EventNotSupportedError("unsupported event " + name); }
    if (typeof handler === "function") { (state.handlers[name] = state.handlers[name] || []).push(handler); }
  }

  function off(name, handler) {
    if (EVENTS.indexOf(name) < 0) { throw new errors.EventNotSupportedError("unsupported event " + name); }
    state.handlers[name] = handler ? (state.handlers[name] || []).filter(function (h) { return h !== handler; }) : [];
  }

  window.addEventListener("message", function (event) {
    var m = event.data;
    if (event.origin !== ORIGIN || !m || m.source !== "klarna-sandbox") { return; }
    var d = state.dialog;
    if (d && event.source === d.iframe.contentWindow && m.rid === d.rid) {
      if (m.kind === "authorize") { closeDialog(m.result); }
      if (m.kind === "close") { closeDialog({ approved: false, show_form: true }); }
      if (m.kind === "height" && typeof m.height === "number" && m.height > 0) {
        d.iframe.style.height = m.height + "px";
      }
      return;
    }
    Object.keys(state.instances).forEach(function (key) {
      var inst = state.instances[key];
      if (event.source !== inst.iframe.contentWindow || m.rid !== inst.rid) { return; }
      if (m.kind === "load" && inst.callback) {
        var cb = inst.callback;
        inst.callback = null;
        var res = { show_form: !!(m.result && m.result.show_form === true) };
        if (m.result && m.result.error && Array.isArray(m.result.error.invalid_fields)) {
          res.error = { invalid_fields: m.result.error.invalid_fields.map(String) };
        }
        cb(res);
      }
      if (m.kind === "height" && typeof m.height === "number" && m.height > 0) {
        inst.iframe.style.height = m.height + "px";
        emit("heightChanged", m.height);
      }
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && state.dialog) { closeDialog({ approved: false, show_form: true }); }
  });

  window.Klarna = window.Klarna || {};
  window.Klarna.Payments = {
    init: init,
    load: load,
    authorize: authorize,
    reauthorize: reauthorize,
    finalize: finalize,
    loadPaymentReview: function (options, callback) {
      if (typeof callback === "function") { callback({ show_form: false }); }
      throw new errors.OperationNotSupportedError("loadPaymentReview is US only and not emulated");
    },
    on: on,
    off: off
  };

  if (typeof window.klarnaAsyncCallback === "function") {
    try {
      window.klarnaAsyncCallback();
    } catch (e) {
      later(function (err) { throw err; }, e);
    }
  }
})(window, document);

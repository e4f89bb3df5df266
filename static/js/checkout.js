/*
 * Drives Klarna's JS SDK on the checkout page and on a first one-click purchase's page: init with the
 * session's client token, load the chosen payment category into the widget, authorize on the buy button,
 * then post the authorization token (and the category it authorized) to our server. No framework; works
 * with the sandbox stand-in and with Klarna's real SDK alike. Every word it shows comes from the page, in
 * the reader's language: the data-text-* attributes of the form's #pay-texts ({error} and {fields} are
 * filled in here).
 * On a phone it also folds the order summary into its one line, so the widget and the buy button are on
 * the first screen.
 */
(function () {
  "use strict";
  var form = document.getElementById("checkout-form");
  if (!form) { return; }
  var button = document.getElementById("buy-button");
  var tokenInput = document.getElementById("authorization-token");
  var texts = document.getElementById("pay-texts");
  var message = document.getElementById("checkout-message");
  var buttonLabel = button.textContent.trim();
  var started = false;
  var loaded = null; // the category shown in the widget

  function text(name, fill) {
    var s = texts.getAttribute("data-text-" + name) || "";
    Object.keys(fill || {}).forEach(function (k) { s = s.split("{" + k + "}").join(fill[k]); });
    return s;
  }

  function say(kind, words) {
    message.textContent = words;
    message.className = "alert " + kind;
    message.hidden = !words;
  }

  function category() {
    var checked = form.querySelector("input[name=payment_method_category]:checked");
    return checked ? checked.value : "";
  }

  function busy(on, label) {
    button.disabled = on;
    button.textContent = on ? label : buttonLabel;
    button.setAttribute("aria-busy", on ? "true" : "false");
  }

  function load(cat) {
    busy(true, text("loading"));
    loaded = null;
    try {
      window.Klarna.Payments.load({ container: "#klarna-container", payment_method_category: cat }, {}, function (res) {
        if (res && res.show_form) {
          loaded = cat;
          busy(false);
          say("", "");
        } else {
          button.disabled = true;
          button.textContent = buttonLabel;
          say("error", text("unavailable"));
        }
      });
    } catch (e) {
      button.disabled = true;
      say("error", text("cannot-show", { error: e.name }));
    }
  }

  function start() {
    if (started || !window.Klarna || !window.Klarna.Payments) { return; }
    started = true;
    try {
      window.Klarna.Payments.init({ client_token: form.getAttribute("data-client-token") });
    } catch (e) {
      say("error", text("cannot-start", { error: e.name }));
      return;
    }
    load(category());
  }

  // The posted category is the one Klarna authorized, whatever the radio buttons say by now.
  function postAuthorized(token) {
    tokenInput.value = token;
    var radio = form.querySelector("input[name=payment_method_category][value=\"" + loaded + "\"]");
    if (radio) { radio.checked = true; }
    busy(true, text("placing"));
    form.submit();
  }

  function authorized(res) {
    if (res && res.approved && res.authorization_token) {
      postAuthorized(res.authorization_token);
      return;
    }
    busy(false);
    if (res && res.approved && res.finalize_required) {
      window.Klarna.Payments.finalize({ payment_method_category: loaded }, {}, authorized);
      return;
    }
    if (res && res.show_form === false) {
      say("error", text("declined"));
    } else if (res && res.error && res.error.invalid_fields && res.error.invalid_fields.length) {
      say("error", text("check-fields", { fields: res.error.invalid_fields.join(", ") }));
    } else {
      say("info", text("not-completed"));
    }
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "payment_method_category" && started) { load(category()); }
  });

  form.addEventListener("submit", function (event) {
    if (tokenInput.value) { return; } // the authorized submit itself
    event.preventDefault();
    // data-hold: another script on the page (firstpurchase.js) is saving something the payment depends on.
    if (!loaded || button.disabled || form.hasAttribute("data-hold")) { return; }
    busy(true, text("waiting"));
    say("", "");
    try {
      window.Klarna.Payments.authorize({ payment_method_category: loaded }, {}, authorized);
    } catch (e) {
      busy(false);
      say("error", text("cannot-open", { error: e.name }));
    }
  });

  // On a phone (below the stylesheet's 48rem breakpoint) the order summary shows its one line and opens on
  // demand; on wider screens it is open beside the payment. The server renders it open, for pages read
  // without this script.
  var summary = document.querySelector("details[data-phone-collapse]");
  if (summary && window.matchMedia) {
    var phone = window.matchMedia("(max-width: 47.99rem)");
    var toggle = summary.querySelector("summary");
    var fit = function () {
      summary.open = !phone.matches;
      toggle.tabIndex = phone.matches ? 0 : -1; // nothing to open or close beside the payment
    };
    fit();
    if (phone.addEventListener) { phone.addEventListener("change", fit); }
  }

  // A badge that cannot be shown (blocked, offline) gives way to Klarna's name written next to it, which
  // then names the choice for screen readers too.
  Array.prototype.forEach.call(form.querySelectorAll("img.category-badge"), function (img) {
    var giveWay = function () {
      img.hidden = true;
      var name = img.nextElementSibling;
      if (name) { name.removeAttribute("aria-hidden"); }
    };
    if (img.complete && img.naturalWidth === 0) { giveWay(); } else { img.addEventListener("error", giveWay); }
  });

  window.klarnaAsyncCallback = start;
  start(); // the SDK may already be there (cached)
})();

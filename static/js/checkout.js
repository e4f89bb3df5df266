/*
 * Drives Klarna's JS SDK on the checkout page and on a first one-click purchase's page: init with the
 * session's client token, load the chosen payment category into the widget, authorize on the buy button,
 * then post the authorization token to our server. No framework; works with the sandbox stand-in and with
 * Klarna's real SDK alike.
 */
(function () {
  "use strict";
  var form = document.getElementById("checkout-form");
  if (!form) { return; }
  var button = document.getElementById("buy-button");
  var tokenInput = document.getElementById("authorization-token");
  var message = document.getElementById("checkout-message");
  var buttonLabel = button.textContent.trim();
  var started = false;
  var loaded = null; // the category shown in the widget

  function say(kind, text) {
    message.textContent = text;
    message.className = "alert " + kind;
    message.hidden = !text;
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
    busy(true, "Loading Klarna…");
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
          say("error", "This payment method is not available for you. Please choose another one.");
        }
      });
    } catch (e) {
      button.disabled = true;
      say("error", "Klarna could not show this payment method (" + e.name + "). Please choose another one or reload the page.");
    }
  }

  function start() {
    if (started || !window.Klarna || !window.Klarna.Payments) { return; }
    started = true;
    try {
      window.Klarna.Payments.init({ client_token: form.getAttribute("data-client-token") });
    } catch (e) {
      say("error", "Klarna could not start (" + e.name + "). Please reload the page.");
      return;
    }
    load(category());
  }

  function authorized(res) {
    if (res && res.approved && res.authorization_token) {
      tokenInput.value = res.authorization_token;
      busy(true, "Placing your order…");
      form.submit();
      return;
    }
    busy(false);
    if (res && res.approved && res.finalize_required) {
      window.Klarna.Payments.finalize({ payment_method_category: loaded }, {}, authorized);
      return;
    }
    if (res && res.show_form === false) {
      say("error", "Klarna could not approve this payment. You can try again with other details, or choose another payment method.");
    } else if (res && res.error && res.error.invalid_fields && res.error.invalid_fields.length) {
      say("error", "Please check these details in the Klarna window and try again: " + res.error.invalid_fields.join(", ") + ".");
    } else {
      say("info", "The payment was not completed. Press the button to try again.");
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
    busy(true, "Waiting for Klarna…");
    say("", "");
    try {
      window.Klarna.Payments.authorize({ payment_method_category: loaded }, {}, authorized);
    } catch (e) {
      busy(false);
      say("error", "Klarna could not open (" + e.name + "). Please reload the page.");
    }
  });

  window.klarnaAsyncCallback = start;
  start(); // the SDK may already be there (cached)
})();

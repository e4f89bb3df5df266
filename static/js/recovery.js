/*
 * Drives Klarna's JS SDK on the step-up recovery page: init with the step-up session's client token, and
 * on the customer's click authorize at once (Klarna's recovery flow opens its purchase flow without load),
 * then post the authorization token, with the form's CSRF token, to our server, which creates the order.
 * Klarna's hosted page is the other choice on the page and needs none of this.
 */
(function () {
  "use strict";
  var form = document.getElementById("recovery-form");
  if (!form) { return; }
  var button = document.getElementById("recovery-sdk-button");
  var tokenInput = document.getElementById("authorization-token");
  var message = document.getElementById("recovery-message");
  var buttonLabel = button.textContent.trim();
  var ready = false;

  function say(kind, text) {
    message.textContent = text;
    message.className = "alert " + kind;
    message.hidden = !text;
  }

  function busy(on, label) {
    button.disabled = on;
    button.textContent = on ? label : buttonLabel;
    button.setAttribute("aria-busy", on ? "true" : "false");
  }

  function start() {
    if (ready || !window.Klarna || !window.Klarna.Payments) { return; }
    try {
      window.Klarna.Payments.init({ client_token: form.getAttribute("data-client-token") });
    } catch (e) {
      say("error", "Klarna could not start (" + e.name + "). Reload the page, or pay on Klarna's page instead.");
      return;
    }
    ready = true;
    busy(false);
  }

  function authorized(res) {
    if (res && res.approved && res.authorization_token) {
      tokenInput.value = res.authorization_token;
      busy(true, "Completing your purchase…");
      form.submit();
      return;
    }
    busy(false);
    if (res && res.show_form === false) {
      // Hard rejection: these details will not pass, but other details or another method may.
      say("error", "Klarna could not approve this payment, and nothing was charged. You can try again with other details, or pay on Klarna's page instead.");
    } else if (res && res.error && res.error.invalid_fields && res.error.invalid_fields.length) {
      // Fixable rejection: Klarna names what to correct.
      say("error", "Please check these details in the Klarna window and try again: " + res.error.invalid_fields.join(", ") + ".");
    } else {
      say("info", "The payment was not completed, and nothing was charged. Press Continue with Klarna to try again.");
    }
  }

  form.addEventListener("submit", function (event) {
    if (tokenInput.value) { return; } // the authorized submit itself
    event.preventDefault();
    if (!ready || button.disabled) { return; }
    busy(true, "Waiting for Klarna…");
    say("", "");
    try {
      window.Klarna.Payments.authorize({}, {}, authorized);
    } catch (e) {
      busy(false);
      say("error", "Klarna could not open (" + e.name + "). Reload the page, or pay on Klarna's page instead.");
    }
  });

  // The SDK's own script failing to load (blocked, offline) would leave the button disabled in silence.
  document.addEventListener("error", function (event) {
    if (!ready && event.target && event.target.tagName === "SCRIPT") {
      say("error", "Klarna could not be loaded. Reload the page, or pay on Klarna's page instead.");
    }
  }, true);

  window.klarnaAsyncCallback = start;
  start(); // the SDK may already be there (cached)
})();

/*
 * Drives Klarna's JS SDK on the step-up recovery page: init with the step-up session's client token, and
 * on the customer's click authorize at once (Klarna's recovery flow opens its purchase flow without load),
 * then post the authorization token, with the form's CSRF token, to our server, which creates the order.
 * Klarna's hosted page is the other choice on the page and needs none of this. Every word it shows comes
 * from the form's data-text-* attributes, in the reader's language ({error} and {fields} are filled in here).
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

  function text(name, fill) {
    var s = form.getAttribute("data-text-" + name) || "";
    Object.keys(fill || {}).forEach(function (k) { s = s.split("{" + k + "}").join(fill[k]); });
    return s;
  }

  function say(kind, words) {
    message.textContent = words;
    message.className = "alert " + kind;
    message.hidden = !words;
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
      say("error", text("cannot-start", { error: e.name }));
      return;
    }
    ready = true;
    busy(false);
  }

  function authorized(res) {
    if (res && res.approved && res.authorization_token) {
      tokenInput.value = res.authorization_token;
      busy(true, text("completing"));
      form.submit();
      return;
    }
    busy(false);
    if (res && res.show_form === false) {
      // Hard rejection: these details will not pass, but other details or another method may.
      say("error", text("declined"));
    } else if (res && res.error && res.error.invalid_fields && res.error.invalid_fields.length) {
      // Fixable rejection: Klarna names what to correct.
      say("error", text("check-fields", { fields: res.error.invalid_fields.join(", ") }));
    } else {
      say("info", text("not-completed"));
    }
  }

  form.addEventListener("submit", function (event) {
    if (tokenInput.value) { return; } // the authorized submit itself
    event.preventDefault();
    if (!ready || button.disabled) { return; }
    busy(true, text("waiting"));
    say("", "");
    try {
      window.Klarna.Payments.authorize({}, {}, authorized);
    } catch (e) {
      busy(false);
      say("error", text("cannot-open", { error: e.name }));
    }
  });

  // The SDK's own script failing to load (blocked, offline) would leave the button disabled in silence.
  document.addEventListener("error", function (event) {
    if (!ready && event.target && event.target.tagName === "SCRIPT") {
      say("error", text("not-loaded"));
    }
  }, true);

  window.klarnaAsyncCallback = start;
  start(); // the SDK may already be there (cached)
})();

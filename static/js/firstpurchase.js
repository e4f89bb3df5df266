/*
 * The consent on a first one-click purchase's page: "Save Klarna for one-click purchases". Each change is
 * posted (with the form's CSRF token) before the reader can pay, because the server switches the Klarna
 * payment session's intent to match (buy_and_tokenize when ticked, buy when not); meanwhile checkout.js,
 * which runs the widget, holds the buy button (data-hold). A change that could not be saved is undone on
 * the page, so what the page shows is what the server will do. Its words come from the consent form's
 * data-text-* attributes, in the reader's language.
 */
(function () {
  "use strict";
  var consent = document.getElementById("consent-form");
  var box = document.getElementById("save-klarna");
  var pay = document.getElementById("checkout-form");
  var message = document.getElementById("consent-message");
  if (!consent || !box || !pay) { return; }

  function say(words) {
    message.textContent = words;
    message.hidden = !words;
  }

  function text(name) { return consent.getAttribute("data-text-" + name) || ""; }

  box.addEventListener("change", function () {
    var save = box.checked;
    var body = new URLSearchParams();
    body.set("csrf", consent.querySelector("input[name=csrf]").value);
    body.set("save", save ? "1" : "0");
    pay.setAttribute("data-hold", "consent");
    box.disabled = true;
    say(text("saving"));
    fetch(consent.action, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (res) {
        if (!res.ok) { throw new Error("status " + res.status); }
        say(text(save ? "will-save" : "no-save"));
      })
      .catch(function () {
        box.checked = !save;
        say(text("not-saved"));
      })
      .then(function () {
        box.disabled = false;
        pay.removeAttribute("data-hold");
      });
  });
})();

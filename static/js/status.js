/*
 * Keeps a "we are placing / charging / checking" page current without a meta refresh (which reloads
 * under the reader's feet and fails WCAG 2.2.1): every two seconds it fetches the same page and, only
 * when the purchase shown there has moved on (another data-poll-state, or a redirect to its outcome),
 * loads the new page. Without JavaScript the page's "Check again" link does the same by hand.
 */
(function () {
  "use strict";
  var el = document.querySelector("[data-poll-state]");
  if (!el || !window.fetch || !window.DOMParser) { return; }
  var shown = el.getAttribute("data-poll-state");
  var every = 2000;

  function later() { window.setTimeout(check, every); }

  function check() {
    window.fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (res) {
        if (res.redirected) { window.location.assign(res.url); return null; }
        return res.text();
      })
      .then(function (html) {
        if (html === null) { return; }
        var now = new DOMParser().parseFromString(html, "text/html").querySelector("[data-poll-state]");
        if (!now || now.getAttribute("data-poll-state") !== shown) {
          window.location.reload();
          return;
        }
        later();
      })
      .catch(later); // offline for a moment: try again
  }
  later();
}());

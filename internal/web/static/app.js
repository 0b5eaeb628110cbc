// campusguard: the little the pages need beyond htmx. No inline script is
// allowed (CSP script-src 'self'), so behaviour hangs off data attributes.
(function () {
  "use strict";
  // A roster upload can take a while on a school's line: say so, and keep
  // an impatient second tap from sending the file twice.
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-busy-text")) {
      return;
    }
    if (form.getAttribute("aria-busy") === "true") {
      ev.preventDefault();
      return;
    }
    form.setAttribute("aria-busy", "true");
    var button = form.querySelector("button[type=submit]");
    if (button) {
      button.textContent = form.getAttribute("data-busy-text");
      button.classList.add("busy-button");
    }
  });
  // A live search changes the address without a new page: the language
  // switch must come back to where the user is now, not where they came in.
  document.addEventListener("click", function (ev) {
    var a = ev.target instanceof Element ? ev.target.closest("a[data-lang-switch]") : null;
    if (!a) {
      return;
    }
    var url = new URL(a.href, window.location.href);
    url.searchParams.set("back", window.location.pathname + window.location.search);
    a.href = url.pathname + url.search;
  });
  // htmx requests that change something carry the session's CSRF token in
  // a header; the page holds it in a meta tag.
  document.addEventListener("htmx:configRequest", function (ev) {
    var meta = document.querySelector("meta[name=csrf-token]");
    if (meta && ev.detail && ev.detail.headers) {
      ev.detail.headers["X-CSRF-Token"] = meta.getAttribute("content");
    }
  });
  // A print button prints the page (the binding code slips).
  document.addEventListener("click", function (ev) {
    var b = ev.target instanceof Element ? ev.target.closest("[data-print]") : null;
    if (b) {
      ev.preventDefault();
      window.print();
    }
  });
  // The gate page serves a queue: after each reading, and after the live
  // results arrive, the search box takes the focus again; a tap on a
  // result moves on to the temperature.
  function refocus() {
    var box = document.querySelector("[data-refocus]");
    if (box && document.activeElement !== box && !box.value) {
      box.focus();
    }
  }
  document.addEventListener("DOMContentLoaded", refocus);
  document.addEventListener("change", function (ev) {
    var pick = ev.target instanceof Element ? ev.target.closest("[data-testid=gate-pick]") : null;
    var temp = pick && pick.form ? pick.form.querySelector("input[name=temperature]") : null;
    if (temp) {
      temp.focus();
    }
  });
  // Coming back to the page through the browser's cache re-enables the form.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[aria-busy=true]").forEach(function (form) {
      form.removeAttribute("aria-busy");
    });
  });
})();

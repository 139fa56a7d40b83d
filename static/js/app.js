// Small enhancements only: every page works without script.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // A new captcha without reloading the form (and losing what was typed).
  var refresh = document.getElementById("captcha-refresh");
  if (refresh) {
    refresh.addEventListener("click", function () {
      fetch(refresh.dataset.url, { headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (c) {
          document.getElementById("captcha-image").src = c.image;
          document.getElementById("captcha_id").value = c.captcha_id;
          var a = document.getElementById("captcha_answer");
          a.value = ""; a.focus();
        })
        .catch(function () { window.location.reload(); });
    });
  }
  // Ask before a form that changes something is sent, where the form says so.
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) { if (!window.confirm(f.dataset.confirm)) e.preventDefault(); });
  });
  // One click, one submission: disable the buttons of a form once it is sent. Not at once: a
  // disabled button leaves the form data, and the clicked one may carry the choice (满意, 同意).
  document.querySelectorAll("form").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (e.defaultPrevented) return;
      setTimeout(function () {
        f.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  });
});

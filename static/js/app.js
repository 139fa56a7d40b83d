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
  // 提交成功: copy the number and code in one go, and print just the receipt (or save it as PDF).
  var copy = document.getElementById("copy-codes");
  if (copy) {
    var said = document.getElementById("copy-status");
    var copied = function () { said.textContent = "已复制，可粘贴到备忘录或聊天中保存"; };
    var byHand = function () {
      // Without the clipboard API (a page served over plain http): select and copy the old way.
      var t = document.createElement("textarea");
      t.value = copy.dataset.copy; t.setAttribute("readonly", ""); t.style.position = "fixed"; t.style.opacity = "0";
      document.body.appendChild(t); t.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(t);
      if (ok) copied(); else said.textContent = "复制未成功，请手动记下编号和查询码";
    };
    copy.hidden = false;
    copy.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(copy.dataset.copy).then(copied, byHand);
      else byHand();
    });
  }
  var print = document.getElementById("print-receipt");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
  // The receipt's link to the query form carries the number and code in the fragment, which no
  // server sees: fill the form with them, then drop them from the address and the history.
  var no = document.getElementById("ticket_no"), code = document.getElementById("code");
  if (no && code && window.location.hash.indexOf("code=") >= 0) {
    var given = new URLSearchParams(window.location.hash.slice(1));
    no.value = given.get("ticket_no") || no.value;
    code.value = given.get("code") || code.value;
    history.replaceState(null, "", window.location.pathname + window.location.search);
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

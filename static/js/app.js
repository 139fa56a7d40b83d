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
  // A file field in Chinese whatever the browser's language (an English one says "Choose File /
  // No file chosen"): the input stays in the form and in the tab order, where Space or Enter opens
  // the chooser, drawn as a label that reads 选择图片 or 选择文件 and the name of what was chosen.
  document.querySelectorAll("input[type=file]").forEach(function (input, i) {
    if (!input.id) input.id = "file-" + i;
    var images = input.accept.split(",").every(function (a) { return a.trim().indexOf("image/") === 0; });
    var pick = document.createElement("span");
    pick.className = "file-pick";
    input.parentNode.insertBefore(pick, input);
    var button = document.createElement("label");
    button.htmlFor = input.id;
    button.className = "file-button";
    button.textContent = images ? "选择图片" : "选择文件";
    var name = document.createElement("span");
    name.className = "file-name";
    name.setAttribute("aria-live", "polite");
    var show = function () {
      var n = input.files ? input.files.length : 0;
      name.textContent = n === 0 ? "未选择文件" : n === 1 ? input.files[0].name : "已选择 " + n + " 个文件";
    };
    show();
    input.addEventListener("change", show);
    pick.append(input, button, name);
  });
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

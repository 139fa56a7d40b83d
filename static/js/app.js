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
  // The report form: as the page's address or the category changes, say whether the page is on a
  // government site, and list the open reports of the same problem the citizen may follow. The
  // server decides both (GET /api/v1/report-check); the page rendered without script says the same.
  var pageURL = document.getElementById("page_url"), category = document.getElementById("category");
  var followable = document.getElementById("followable");
  if (pageURL && category && followable) {
    var notGov = document.getElementById("not-gov"), list = followable.querySelector(".followable-list");
    var ownHint = document.getElementById("description-follow"), required = document.getElementById("description-req");
    var following = function () {
      var r = followable.querySelector("input[name=follow]:checked");
      ownHint.hidden = !(r && r.value);
      required.hidden = !ownHint.hidden;
    };
    // The list is replaced only when what it says changed: a tap on a report lands on the same
    // element it began on even when a check of the same address answers between the finger's down
    // and up (leaving the address field asks again, as its change event).
    var said = function (li) { return li.textContent.replace(/\s+/g, " ").trim(); };
    var shown = function (c) {
      notGov.hidden = !(c.checked && !c.government);
      var chosen = followable.querySelector("input[name=follow]:checked");
      chosen = chosen ? chosen.value : "";
      var items = c.reports.map(function (r) {
        var li = document.createElement("li"), label = document.createElement("label"), radio = document.createElement("input");
        radio.type = "radio"; radio.name = "follow"; radio.value = r.ticket_no; radio.checked = r.ticket_no === chosen;
        var no = document.createElement("span"); no.className = "mono"; no.textContent = r.ticket_no;
        var about = document.createElement("small"); about.className = "muted";
        about.textContent = [r.category, r.status_label, r.received + " 提交", r.unit].join(" · ");
        label.append(radio, " 关注留言 ", no, document.createElement("br"), about);
        li.appendChild(label);
        return li;
      });
      if (items.map(said).join("\n") !== Array.prototype.map.call(list.children, said).join("\n")) list.replaceChildren.apply(list, items);
      if (!followable.querySelector("input[name=follow]:checked")) followable.querySelector("input[name=follow][value='']").checked = true;
      followable.hidden = c.reports.length === 0;
      following();
    };
    var asked = 0, timer;
    var check = function () {
      var n = ++asked;
      var q = new URLSearchParams({ page_url: pageURL.value, category: category.value });
      followable.setAttribute("aria-busy", "true");
      fetch("/api/v1/report-check?" + q.toString(), { headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (c) { if (n === asked) shown(c); })
        .catch(function () {}) // the server checks again when the form is sent
        .then(function () { if (n === asked) followable.removeAttribute("aria-busy"); });
    };
    pageURL.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(check, 600); });
    pageURL.addEventListener("change", function () { clearTimeout(timer); check(); });
    category.addEventListener("change", check);
    followable.addEventListener("change", following);
    following();
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

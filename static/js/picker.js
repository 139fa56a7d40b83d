// The typeahead picker (unit, site, user) that stands for a long <select>. The page has a plain
// text input inside an element with data-picker="/staff/picks/unit": without this script the
// exact name typed is looked up by the server. With it, typing asks the server for at most 20
// matches in the person's scope and shows them as a listbox; choosing one fills in its name.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-picker]").forEach(function (box) {
    var input = box.querySelector("input:not([type=hidden])");
    if (!input) return;
    var url = box.dataset.picker, timer = null, seq = 0, active = -1;
    var list = document.createElement("ul");
    list.className = "picker-list";
    list.id = input.id + "-listbox";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    box.appendChild(list);
    input.removeAttribute("list");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");

    function close() { list.hidden = true; active = -1; input.setAttribute("aria-expanded", "false"); }
    function choose(li) { input.value = li.dataset.value; close(); input.dispatchEvent(new Event("change", { bubbles: true })); }
    function mark(i) {
      var items = list.querySelectorAll("[role=option]");
      if (!items.length) return;
      active = (i + items.length) % items.length;
      items.forEach(function (li, j) { li.setAttribute("aria-selected", j === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", items[active].id);
    }
    function show(items) {
      list.textContent = "";
      items.forEach(function (p, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.dataset.value = p.label;
        li.dataset.id = p.id;
        li.textContent = p.label;
        if (p.hint) {
          var hint = document.createElement("small");
          hint.textContent = " " + p.hint;
          li.appendChild(hint);
        }
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(li); });
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
      active = -1;
    }
    // The list is aria-busy from a keystroke until the matches of what was typed last are shown:
    // a screen reader waits for them, and so can a test, rather than act on a list about to go.
    function ask() {
      var mine = ++seq;
      list.setAttribute("aria-busy", "true");
      fetch(url + "?q=" + encodeURIComponent(input.value.trim()), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (body) { if (mine === seq) { show(body.items || []); list.removeAttribute("aria-busy"); } })
        .catch(function () { if (mine === seq) { close(); list.removeAttribute("aria-busy"); } });
    }
    input.addEventListener("input", function () { list.setAttribute("aria-busy", "true"); clearTimeout(timer); timer = setTimeout(ask, 150); });
    input.addEventListener("focus", function () { if (!input.value) ask(); });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      if (e.key === "ArrowDown") { e.preventDefault(); mark(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); mark(active - 1); }
      else if (e.key === "Escape") { close(); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(list.querySelectorAll("[role=option]")[active]); }
    });
  });
});

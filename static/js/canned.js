// 常用语: a click on one puts its text into the reply where the cursor is (or at the end), and
// leaves the cursor after it, so that the clerk edits the reply around it.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("reply-text");
  if (!box) return;
  document.querySelectorAll(".canned-insert").forEach(function (button) {
    button.addEventListener("click", function () {
      var text = button.dataset.text || "";
      var start = box.selectionStart, end = box.selectionEnd;
      if (typeof start !== "number" || document.activeElement !== box && start === 0 && end === 0) {
        start = end = box.value.length;
      }
      box.setRangeText(text, start, end, "end");
      box.dispatchEvent(new Event("input", { bubbles: true }));
      box.focus();
    });
  });
});

// wagtail-localize's translation editor: the text boxes take the direction and language of the locale
// being translated into (Arabic and Urdu type right-to-left). Wagtail loads this before the page's content,
// and the editor (a React app) adds a text box whenever a segment is opened: so this waits for the page,
// then watches it for new boxes.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var placeholder = document.querySelector(".js-translation-editor[data-props]");
  if (!placeholder) {
    return;
  }
  var locale = JSON.parse(placeholder.getAttribute("data-props")).locale || {};
  var code = (locale.code || "").toLowerCase();
  var dir = ["ar", "ur", "fa", "he", "ps"].indexOf(code.split("-")[0]) !== -1 ? "rtl" : "ltr";
  function mark() {
    placeholder.querySelectorAll("textarea:not([dir])").forEach(function (box) {
      box.setAttribute("lang", code);
      box.setAttribute("dir", dir);
    });
  }
  mark();
  new MutationObserver(mark).observe(placeholder, { childList: true, subtree: true });
});

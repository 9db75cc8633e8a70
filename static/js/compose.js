// The compose form's helpers (templates/arguments/compose.html), on every page: the form
// opens in place on the map and on the thread view, as well as on its own page.
(function () {

  // The similar-claim hint needs the first words only: a long draft in Cyrillic would make
  // the GET request line longer than servers accept.
  var SIMILAR_SEND = 300;
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt || !elt.matches || !elt.matches("[data-similar]")) return;
    var text = String(event.detail.parameters.text || "");
    if (text.length > SIMILAR_SEND) event.detail.parameters.text = text.slice(0, SIMILAR_SEND);
  });

  // Enter in the evidence search searches; it does not post the claim.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches && event.target.matches("[data-cite-search]")) {
      event.preventDefault();
      if (window.htmx) window.htmx.trigger(event.target, "search");
    }
  });

  // Without JavaScript the form lists the quotes to tick; with it, a search box filters them.
  function reveal(root) {
    var boxes = (root || document).querySelectorAll("[data-cite-search-box][hidden]");
    Array.prototype.forEach.call(boxes, function (box) { box.hidden = false; });
  }
  if (window.htmx) window.htmx.onLoad(reveal);
  document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  reveal(document);
})();

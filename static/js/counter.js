// A live character counter under every textarea with `data-limit` (debate/inputs.py renders
// it instead of `maxlength`, which would cut a paste at the limit mid-word without a word):
// "812 / 1,000"; a warning from 90 %; an error above the limit, saying how many characters
// to remove. Nothing is cut: the server refuses an over-long text and puts the draft back.
// Announced politely (aria-live) only when the state changes, not on every keystroke.
(function () {
  var WARN = 0.9;
  // Numbers as the page's language writes them ("1,000" in English, "1 000" in Ukrainian).
  var format = window.Intl && Intl.NumberFormat
    ? new Intl.NumberFormat(document.documentElement.lang || "en") : null;

  function n(value) { return format ? format.format(value) : String(value); }

  // Characters as the server counts them (Python's len: code points, not UTF-16 units).
  function length(text) {
    var count = 0;
    for (var i = 0; i < text.length; i++) {
      var code = text.charCodeAt(i);
      if (code < 0xd800 || code > 0xdbff || i + 1 >= text.length) count++;
      else { count++; i++; }
    }
    return count;
  }

  function attach(box) {
    if (box.dataset.counter) return;
    var limit = parseInt(box.getAttribute("data-limit"), 10);
    if (!(limit > 0)) return;
    box.dataset.counter = "on";
    var counter = document.createElement("p");
    counter.className = "char-counter";
    counter.id = (box.id || "text-" + Math.random().toString(36).slice(2)) + "-counter";
    // What the box is described by (the count, read when the box is focused) and, apart
    // from it, what is announced when the count crosses 90 % or the limit.
    var shown = counter;
    var said = document.createElement("span");
    said.className = "visually-hidden char-counter-live";
    said.setAttribute("aria-live", "polite");
    box.insertAdjacentElement("afterend", counter);
    counter.insertAdjacentElement("afterend", said);
    var described = box.getAttribute("aria-describedby");
    box.setAttribute("aria-describedby", (described ? described + " " : "") + counter.id);
    var state = null;

    function update() {
      var used = length(box.value);
      var next = used > limit ? "over" : used >= WARN * limit ? "near" : "ok";
      var text = n(used) + " / " + n(limit);
      if (next === "over") {
        var over = used - limit;
        text += " · " + interpolate(ngettext("%(count)s too many: remove %(count)s character",
          "%(count)s too many: remove %(count)s characters", over), { count: n(over) }, true);
      } else if (next === "near") {
        text += " · " + interpolate(ngettext("%(count)s left", "%(count)s left", limit - used),
          { count: n(limit - used) }, true);
      }
      shown.textContent = text;
      counter.className = "char-counter char-counter--" + next;
      if (next === "over") box.setAttribute("aria-invalid", "true");
      else if (state === "over") box.removeAttribute("aria-invalid");
      if (next !== state && (state !== null || next !== "ok")) {
        said.textContent = next === "ok"
          ? interpolate(ngettext("Within the limit of %(limit)s characters.",
            "Within the limit of %(limit)s characters.", limit), { limit: n(limit) }, true)
          : next === "near"
            ? interpolate(ngettext("%(count)s characters left of %(limit)s.",
              "%(count)s characters left of %(limit)s.", limit - used),
              { count: n(limit - used), limit: n(limit) }, true)
            : interpolate(ngettext("Over the limit by %(count)s characters: remove them to post.",
              "Over the limit by %(count)s characters: remove them to post.", used - limit),
              { count: n(used - limit) }, true);
      }
      state = next;
    }
    box.addEventListener("input", update);
    update();
  }

  function scan(root) {
    var boxes = (root || document).querySelectorAll("textarea[data-limit]");
    for (var i = 0; i < boxes.length; i++) attach(boxes[i]);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { scan(); });
  else scan();
  // Forms that htmx brings in (compose, edit) get theirs when they arrive.
  document.addEventListener("htmx:load", function (event) { scan(event.target); });
})();

// Live map updates arrive as htmx out-of-band fragments (see debate/debates/live.py).
// An inserted claim that the page shows already, for instance a reply that came inside its
// parent's fragment, is skipped rather than shown twice.
document.addEventListener("htmx:oobBeforeSwap", function (event) {
  var fragment = event.detail.fragment;
  if (!fragment || !fragment.children) return;
  var children = Array.prototype.slice.call(fragment.children);
  children.forEach(function (child) {
    if (child.matches("li.claim[id]") && document.getElementById(child.id)) child.remove();
  });
  if (fragment.childElementCount === 0) event.detail.shouldSwap = false;
});

// An inline form opened into a slot takes the focus; closing it gives the focus back to the
// control that opened it.
var openers = new WeakMap();
document.addEventListener("htmx:afterSwap", function (event) {
  var slot = event.detail.target;
  if (!slot || !slot.classList || !slot.classList.contains("slot")) return;
  if (event.detail.requestConfig && event.detail.requestConfig.verb === "get") {
    openers.set(slot, event.detail.requestConfig.elt);
  }
  var field = slot.querySelector("textarea, input:not([type=hidden]), select, button");
  if (field) field.focus();
});

// Closing an inline form: a button with data-close-slot empties the slot it sits in.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-close-slot]");
  if (!button) return;
  var slot = button.closest(".slot");
  if (slot) {
    event.preventDefault();
    var opener = openers.get(slot);
    slot.innerHTML = "";
    if (opener && document.body.contains(opener)) opener.focus();
  }
});

// A live update replaces cards; if it replaced the control that had the focus, the same
// control in the new card (same id) takes the focus back, so keyboard users keep their place.
var focusedId = null;
document.addEventListener("htmx:beforeSwap", function () {
  var active = document.activeElement;
  focusedId = active && active !== document.body && active.id ? active.id : null;
});
document.addEventListener("htmx:afterSettle", function () {
  if (!focusedId) return;
  var active = document.activeElement;
  if (!active || active === document.body) {
    var again = document.getElementById(focusedId);
    if (again) again.focus();
  }
  focusedId = null;
});

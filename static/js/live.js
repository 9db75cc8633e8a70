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
  // The text to write comes first (the stance is preset by Support or Attack).
  var field = slot.querySelector("textarea") ||
    slot.querySelector("input:not([type=hidden]), select, button");
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

// A thread view splits the claim's replies into two columns: a new attack arrives in the
// supports list (the poll appends every reply to #children-<id>) and moves to its own column.
function splitThreadColumns() {
  document.querySelectorAll("ol[data-attacks]").forEach(function (supports) {
    var attacks = document.getElementById(supports.getAttribute("data-attacks"));
    if (!attacks) return;
    Array.prototype.slice.call(supports.children).forEach(function (item) {
      if (item.matches("li.claim--con")) attacks.appendChild(item);
    });
  });
}

// After posting through the compose form, the server names the new claim (HX-Trigger
// "claim-added"); the live poll that the same answer sets off draws it, and then the focus
// moves to its card, scrolled into view, instead of dropping to <body>.
var claimToFocus = null;
var claimToFocusUntil = 0;
var FOCUS_WAIT_MS = 15000; // past this the poll has long drawn it, or never will

function focusAddedClaim() {
  if (!claimToFocus) return;
  if (Date.now() > claimToFocusUntil) {
    claimToFocus = null;
    return;
  }
  var card = document.getElementById("claim-card-" + claimToFocus);
  if (!card) return;
  claimToFocus = null;
  for (var node = card.parentElement; node; node = node.parentElement) {
    if (node.tagName === "DETAILS") node.open = true;
  }
  card.focus({ preventScroll: true });
  card.scrollIntoView({ block: "center" });
}

document.addEventListener("claim-added", function (event) {
  var id = event.detail && event.detail.id;
  if (!/^\d+$/.test(String(id))) return;
  claimToFocus = String(id);
  claimToFocusUntil = Date.now() + FOCUS_WAIT_MS;
  focusAddedClaim();
});
// Not on each out-of-band swap: the poll that inserts the claim also redraws its card, and
// the focus would go with the card it replaces. Once everything has settled, it stays.
document.addEventListener("htmx:oobAfterSwap", splitThreadColumns);
document.addEventListener("htmx:afterSettle", function () {
  splitThreadColumns();
  focusAddedClaim();
});

// A page draws only part of the map (a thread view one level of replies, a large map a
// budget), but the live poll sends every changed card below its root: out-of-band parts
// whose target this page does not draw are dropped before htmx swaps, instead of each
// logging "oobErrorNoTarget".
function oobTarget(element) {
  var how = element.getAttribute("hx-swap-oob");
  if (how === "true" || how === "delete" || how === "outerHTML") return element.id ? "#" + element.id : null;
  var colon = how.indexOf(":");
  return colon >= 0 ? how.slice(colon + 1) : (element.id ? "#" + element.id : null);
}
document.addEventListener("htmx:beforeSwap", function (event) {
  var elt = event.detail.elt;
  if (!elt || elt.id !== "live" || typeof event.detail.serverResponse !== "string") return;
  var template = document.createElement("template");
  template.innerHTML = event.detail.serverResponse;
  var dropped = false;
  Array.prototype.slice.call(template.content.children).forEach(function (part) {
    if (!part.hasAttribute("hx-swap-oob")) return;
    var selector = oobTarget(part);
    var present = false;
    try {
      present = !selector || document.querySelector(selector) !== null;
    } catch (error) {
      present = true; // not a selector of ours: leave it to htmx
    }
    if (!present) {
      part.remove();
      dropped = true;
    }
  });
  if (dropped) event.detail.serverResponse = template.innerHTML;
});

// Keyboard navigation of the argument map, on the debate page and the thread view.
//
// The claim cards are one tab stop (a roving tabindex: the card last visited has tabindex 0,
// every other card -1), and these keys move between them (the "Keys" help on the page and the
// README list them):
//   j / ↓  next claim at the same level       k / ↑  previous claim at the same level
//          (top-level claims run on from one position into the next)
//   d / →  first reply (opens collapsed ones)  u / ←  parent claim (a thread view's parent)
//   Enter  open the claim's thread             0–4    vote on the claim's impact
//   r      reply in support                    a      attack it
//   ?      show or hide the keys' help         Ctrl+Enter in a claim form: post it
// Keys are left alone while typing in a field, and with Ctrl, Alt or Meta held.
// The DOM is the map: li.claim > article.claim-card, replies in details.replies > ol > li;
// a thread view's two columns are ol[data-siblings=<claim id>], one list of siblings.
(function () {
  "use strict";

  var current = null; // the card that holds the map's tab stop
  var currentId = null; // its id, to find it again after a live update replaced it
  var pendingRepliesOf = null; // a list whose replies "d" asked htmx to load

  function main() {
    return document.getElementById("main") || document.body;
  }

  function allCards() {
    return Array.prototype.slice.call(main().querySelectorAll(".claim-card"));
  }

  function itemOf(card) {
    return card.closest("li.claim");
  }

  function cardOf(item) {
    return item ? item.querySelector(":scope > .claim-card") : null;
  }

  function claimIdOf(card) {
    return card.id.replace("claim-card-", "");
  }

  function openAncestors(element) {
    for (var node = element.parentElement; node; node = node.parentElement) {
      if (node.tagName === "DETAILS" && !node.open) node.open = true;
    }
  }

  function shown(element) {
    return element.getClientRects().length > 0;
  }

  function setCurrent(card) {
    if (!card) return;
    allCards().forEach(function (other) {
      if (other !== card && other.tabIndex !== -1) other.tabIndex = -1;
    });
    card.tabIndex = 0;
    current = card;
    currentId = card.id;
  }

  function focusCard(card, block) {
    if (!card) return false;
    openAncestors(card);
    setCurrent(card);
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: block || "nearest" });
    return true;
  }

  // One tab stop: the card visited last, else the thread's own claim, else the first card.
  function ensureTabStop() {
    if (current && !document.body.contains(current)) current = null;
    if (!current && currentId) current = document.getElementById(currentId);
    if (!current || !shown(current)) {
      var first = document.querySelector("[data-thread-focus] > .claim-card");
      current = first || allCards().filter(shown)[0] || null;
    }
    if (current) setCurrent(current);
  }

  // --- where each key goes ------------------------------------------------------------------

  function siblingsOf(item) {
    var list = item.parentElement;
    var group = list && list.getAttribute("data-siblings");
    var selector = group ? 'ol[data-siblings="' + group + '"] > li.claim' : null;
    // The debate page's top-level claims run on from one position into the next.
    if (!group && /^children-p-/.test(list.id)) selector = 'ol[id^="children-p-"] > li.claim';
    var items = selector
      ? main().querySelectorAll(selector)
      : list.querySelectorAll(":scope > li.claim");
    return Array.prototype.slice.call(items);
  }

  function parentOf(item) {
    var list = item.parentElement;
    var group = list && list.getAttribute("data-siblings");
    if (group) return document.getElementById("claim-" + group);
    return list ? list.closest("li.claim") : null;
  }

  function repliesListOf(item) {
    if (item.hasAttribute("data-thread-focus")) return null;
    var details = item.querySelector(":scope > details.replies");
    return details ? details.querySelector(":scope > ol") : null;
  }

  function firstReplyOf(item) {
    if (item.hasAttribute("data-thread-focus")) {
      var id = item.id.replace("claim-", "");
      return main().querySelector('ol[data-siblings="' + id + '"] > li.claim');
    }
    var list = repliesListOf(item);
    return list ? list.querySelector(":scope > li.claim") : null;
  }

  function goSibling(item, step) {
    // Only claims the page shows: on a phone, the other position may sit in a hidden tab.
    var siblings = siblingsOf(item).filter(function (other) {
      return other === item || shown(cardOf(other));
    });
    var at = siblings.indexOf(item);
    var next = siblings[at + step];
    return next ? focusCard(cardOf(next)) : false;
  }

  function goParent(item) {
    var parent = parentOf(item);
    if (parent) return focusCard(cardOf(parent));
    // The thread view's own claim: up to its parent's thread (or the position).
    var up = item.hasAttribute("data-thread-focus") && document.querySelector("a[data-up]");
    if (up) {
      window.location.assign(up.href);
      return true;
    }
    return false;
  }

  function goFirstReply(item) {
    var first = firstReplyOf(item);
    if (first) return focusCard(cardOf(first));
    // Replies not drawn yet: load them in place, then move to the first.
    var list = repliesListOf(item);
    var more = list && list.querySelector(":scope > li.more-replies > a[hx-get]");
    if (more) {
      openAncestors(more);
      list.closest("details").open = true;
      pendingRepliesOf = list;
      more.click();
      return true;
    }
    return false;
  }

  function press(card, selector) {
    var control = card.querySelector(selector);
    if (!control) return false;
    control.click();
    return true;
  }

  function toggleHelp() {
    var help = document.getElementById("keys-help");
    if (!help) return false;
    help.open = !help.open;
    if (help.open) help.querySelector("summary").focus();
    return true;
  }

  function typing(target) {
    if (!target || !target.closest) return false;
    return !!target.closest("input, textarea, select, [contenteditable=''], [contenteditable=true]");
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented) return;
    var target = event.target;
    // Ctrl+Enter (Cmd+Enter) posts the claim being written.
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && target.matches &&
        target.matches(".claim-form textarea")) {
      event.preventDefault();
      target.form.requestSubmit();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typing(target)) return;
    if (event.key === "?") {
      if (toggleHelp()) event.preventDefault();
      return;
    }
    if (event.shiftKey) return;
    var card = target.closest ? target.closest(".claim-card") : null;
    if (!card || !main().contains(card)) {
      // Outside the map, j and k step into it; the arrows keep scrolling the page.
      if (event.key === "j" || event.key === "k") {
        ensureTabStop();
        if (current && focusCard(current)) event.preventDefault();
      }
      return;
    }
    var item = itemOf(card);
    var id = claimIdOf(card);
    var done = false;
    switch (event.key) {
      case "j": case "ArrowDown": done = goSibling(item, 1); break;
      case "k": case "ArrowUp": done = goSibling(item, -1); break;
      case "d": case "ArrowRight": done = goFirstReply(item); break;
      case "u": case "ArrowLeft": done = goParent(item); break;
      case "Enter":
        // Only on the card itself: a link or button inside it does its own thing.
        if (target === card) {
          var link = card.querySelector("a.permalink");
          if (link) { window.location.assign(link.href); done = true; }
        }
        break;
      case "0": case "1": case "2": case "3": case "4":
        done = press(card, "#vote-" + id + "-" + event.key);
        break;
      case "r": done = press(card, "#support-" + id); break;
      case "a": done = press(card, "#attack-" + id); break;
      default: return;
    }
    // A key with nothing to do at the edge of the map still does not scroll the page.
    if (done || /^Arrow/.test(event.key)) event.preventDefault();
  });

  // Any card that gets the focus (a click, a key, a live update) takes the tab stop.
  document.addEventListener("focusin", function (event) {
    var card = event.target.closest && event.target.closest(".claim-card");
    if (card && card !== current) setCurrent(card);
  });

  // --- collapse and expand all; the controls that need this script -------------------------

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-tree]");
    if (!button) return;
    var open = button.getAttribute("data-tree") === "expand";
    main().querySelectorAll("details.replies").forEach(function (details) {
      details.open = open;
    });
    // The tab stop moves up to a card still shown.
    if (current && !shown(current)) {
      var item = itemOf(current);
      while (item && !shown(cardOf(item))) item = parentOf(item);
      current = item ? cardOf(item) : null;
      currentId = current ? current.id : null;
    }
    ensureTabStop();
  });

  // A link to #claim-N (a jump, "go to the first new claim") opens the branch it sits in.
  function showTarget() {
    var match = /^#claim-(\d+)$/.exec(window.location.hash);
    if (!match) return false;
    var card = document.getElementById("claim-card-" + match[1]);
    return focusCard(card, "center");
  }

  function start() {
    document.querySelectorAll("[data-js-only]").forEach(function (element) {
      element.hidden = false;
    });
    if (!showTarget()) {
      ensureTabStop();
      // A thread view is about one claim: it starts with the focus on it.
      var focused = document.querySelector("[data-thread-focus] > .claim-card");
      if (focused && (!document.activeElement || document.activeElement === document.body)) {
        focusCard(focused);
        window.scrollTo(0, 0);
      }
    }
  }

  window.addEventListener("hashchange", showTarget);
  document.addEventListener("htmx:afterSettle", function () {
    if (pendingRepliesOf) {
      var first = pendingRepliesOf.querySelector(":scope > li.claim");
      if (first) {
        pendingRepliesOf = null;
        focusCard(cardOf(first));
      }
    }
    ensureTabStop();
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

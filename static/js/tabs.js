// One position at a time on a narrow screen: the tab list above `.positions` (rendered
// `hidden`, so without this script both positions stay stacked) becomes an ARIA tab list
// below 700 px; from 700 px the columns stand side by side and the tabs go away.
// Keys: Left/Right move between tabs (and show that position), Home/End to the first/last.
(function () {
  var NARROW = window.matchMedia("(max-width: 699.98px)");

  function setUp(list) {
    var tabs = Array.prototype.slice.call(list.querySelectorAll('[role="tab"]'));
    var panels = tabs.map(function (tab) {
      return document.getElementById(tab.getAttribute("aria-controls"));
    });
    if (!tabs.length || panels.indexOf(null) !== -1) return;
    var current = 0;

    function show(index, scroll) {
      current = index;
      var narrow = NARROW.matches;
      tabs.forEach(function (tab, i) {
        var on = i === index;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        tab.tabIndex = on ? 0 : -1;
        panels[i].hidden = narrow && !on;
      });
      if (scroll) {
        // The chosen position starts just below the (sticky) tabs.
        var top = list.getBoundingClientRect().top + window.scrollY;
        window.scrollTo({ top: Math.max(0, top - 4) });
      }
    }

    function mode() {
      var narrow = NARROW.matches;
      list.hidden = !narrow;
      panels.forEach(function (panel, i) {
        if (narrow) {
          panel.setAttribute("role", "tabpanel");
          panel.setAttribute("aria-labelledby", tabs[i].id);
        } else {
          panel.removeAttribute("role");
          panel.setAttribute("aria-labelledby", panel.dataset.title || tabs[i].id);
        }
      });
      show(current, false);
    }

    // The panel that holds the URL's target (#claim-12, #position-after) is the one shown.
    function followHash() {
      var id;
      try {
        id = decodeURIComponent(window.location.hash.slice(1));
      } catch (error) {
        return; // not valid percent-encoding (a link cut mid-character): no target
      }
      var target = id && document.getElementById(id);
      if (!target) return;
      for (var i = 0; i < panels.length; i++) {
        if (panels[i].contains(target)) {
          if (i !== current) { show(i, false); target.scrollIntoView(); }
          return;
        }
      }
    }

    panels.forEach(function (panel) {
      panel.dataset.title = panel.getAttribute("aria-labelledby") || "";
    });
    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function () { show(i, true); });
    });
    list.addEventListener("keydown", function (event) {
      var next = { ArrowRight: current + 1, ArrowLeft: current - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      next = (next + tabs.length) % tabs.length;
      show(next, false);
      tabs[next].focus();
    });
    // Focus moved into a hidden panel (a keyboard shortcut, "jump to #N"): show that panel.
    document.addEventListener("focusin", function (event) {
      for (var i = 0; i < panels.length; i++) {
        if (i !== current && panels[i].contains(event.target)) { show(i, false); return; }
      }
    });
    window.addEventListener("hashchange", followHash);
    if (NARROW.addEventListener) NARROW.addEventListener("change", mode);
    else NARROW.addListener(mode);
    mode();
    followHash();
  }

  function init() {
    var lists = document.querySelectorAll(".position-tabs[role=tablist]");
    for (var i = 0; i < lists.length; i++) setUp(lists[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();

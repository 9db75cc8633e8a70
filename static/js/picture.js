// The map as a picture, left to right: the motion, its positions, then replies under their
// parents, one column per depth. Boxes link to claims; colour is stance, border weight is
// strength (the figure printed is the server's `strength_label`, never rounded here).
//
// Layout (no recursion; d3-hierarchy's iterative walks): each box's text is wrapped to the
// box's width by measuring it (getComputedTextLength; a word longer than a line is broken),
// so boxes have their own heights. Each subtree gets a band as tall as the larger of its own
// box and its children's bands; a parent sits in the middle of its children's band. Edges are
// elbows that leave the parent's right side, turn in the gap between two columns and enter the
// child's left side: they run only through gaps, so no edge crosses a box.
//
// It opens fitted: the whole map if that is readable (text at least 11 px on screen), else
// as large as keeps the motion and every position in view, never smaller than the whole map;
// the reader zooms and pans from there.
(function () {
  var svg = d3.select("#picture");
  var dataNode = document.getElementById("picture-data");
  if (svg.empty() || !dataNode) return;
  var data = JSON.parse(dataNode.textContent);

  var LABEL_SIZE = 12, TEXT_SIZE = 12.5, LINE_H = 16, MAX_LINES = 5, PAD = 9, GAP_Y = 14;
  var READABLE = 11 / Math.min(LABEL_SIZE, TEXT_SIZE); // the scale at which text is 11 px
  var MARGIN = 12;
  var colours = { pro: "#1b6e3c", con: "#a12a2a", position: "#2a4fb5", root: "#1d2330" };
  var fills = { pro: "#e6f4ea", con: "#fbe9e9", position: "#e8ecf7", root: "#ffffff" };

  var figure = svg.node().parentNode;
  var width = figure.clientWidth || 1200;
  var height = Math.max(420, Math.min(900, window.innerHeight - 220));
  svg.attr("width", width).attr("height", height).attr("viewBox", [0, 0, width, height]);
  // Boxes as wide as 250, narrower on a small screen so that the motion and the positions
  // (two columns) fit side by side at a readable scale.
  var GAP_X = width < 700 ? 36 : 56;
  var BOX_W = Math.max(150, Math.min(250, ((width - 2 * MARGIN) / READABLE - GAP_X) / 2));
  var layer = svg.append("g").attr("class", "picture-layer");
  var zoom = d3.zoom().scaleExtent([0.05, 3]).on("zoom", function (event) {
    layer.attr("transform", event.transform);
  });
  svg.call(zoom);

  // --- measuring and wrapping text ----------------------------------------------------------
  var ruler = svg.append("text").attr("class", "picture-ruler").attr("x", -10000).attr("y", -10000)
    .attr("visibility", "hidden").attr("aria-hidden", "true");
  var widths = {};
  function measure(text, size, weight) {
    var key = size + "/" + (weight || 400) + "/" + text;
    if (!(key in widths)) {
      ruler.attr("font-size", size).attr("font-weight", weight || 400).text(text);
      widths[key] = ruler.node().getComputedTextLength();
    }
    return widths[key];
  }

  // A word too long for a line is cut into pieces that each fit (by code points).
  function pieces(word, room, size) {
    var chars = Array.from(word), out = [], piece = "";
    chars.forEach(function (ch) {
      if (piece && measure(piece + ch, size) > room) { out.push(piece); piece = ch; } else { piece += ch; }
    });
    if (piece) out.push(piece);
    return out;
  }

  function wrap(text, room, size, maxLines) {
    var words = [];
    String(text).split(/\s+/).filter(Boolean).forEach(function (word) {
      if (measure(word, size) > room) words = words.concat(pieces(word, room, size));
      else words.push(word);
    });
    var lines = [], line = "";
    words.forEach(function (word) {
      var next = line ? line + " " + word : word;
      if (line && measure(next, size) > room) { lines.push(line); line = word; } else { line = next; }
    });
    if (line) lines.push(line);
    if (lines.length > maxLines) {
      lines = lines.slice(0, maxLines);
      var last = lines[maxLines - 1];
      while (last && measure(last + "…", size) > room) last = Array.from(last).slice(0, -1).join("");
      lines[maxLines - 1] = last.replace(/\s+$/, "") + "…";
    }
    return lines;
  }

  // The widest of "supports #12 · strength 0.53", "supports #12 · 0.53", "#12 · 0.53" that fits
  // the box (colour and border still say the stance), else the shortest.
  function labelOf(d) {
    var strong = Boolean(d.strength_label);
    var formats;
    if (d.stance === "pro") {
      formats = strong
        ? [gettext("supports %(label)s · strength %(strength)s"), gettext("supports %(label)s · %(strength)s")]
        : [gettext("supports %(label)s")];
    } else if (d.stance === "con") {
      formats = strong
        ? [gettext("attacks %(label)s · strength %(strength)s"), gettext("attacks %(label)s · %(strength)s")]
        : [gettext("attacks %(label)s")];
    } else {
      formats = strong ? [gettext("%(label)s · strength %(strength)s")] : [];
    }
    formats.push(strong ? "%(label)s · %(strength)s" : "%(label)s");
    var values = { label: d.label, strength: d.strength_label };
    var choices = formats.map(function (f) { return interpolate(f, values, true); });
    for (var i = 0; i < choices.length; i++) {
      if (measure(choices[i], LABEL_SIZE, 700) <= BOX_W - 2 * PAD) return choices[i];
    }
    return choices[choices.length - 1];
  }

  // --- layout ---------------------------------------------------------------------------------
  function layout(root) {
    root.each(function (node) {
      node.label = labelOf(node.data);
      node.lines = wrap(node.data.text, BOX_W - 2 * PAD, TEXT_SIZE, MAX_LINES);
      node.w = BOX_W;
      node.h = PAD + LINE_H + node.lines.length * LINE_H + PAD;
      node.x = node.depth * (BOX_W + GAP_X);
    });
    // Band heights, children first.
    root.eachAfter(function (node) {
      var kids = node.children || [];
      var span = 0;
      kids.forEach(function (kid, i) { span += kid.band + (i ? GAP_Y : 0); });
      node.span = span;
      node.band = Math.max(node.h, span);
    });
    // Positions, parents first: children share the middle of their parent's band.
    root.top = 0;
    root.eachBefore(function (node) {
      if (node.y === undefined) node.y = node.top + (node.band - node.h) / 2;
      var kids = node.children || [];
      var cursor = node.top + (node.band - node.span) / 2;
      kids.forEach(function (kid) {
        kid.top = cursor;
        cursor += kid.band + GAP_Y;
      });
      if (node.depth !== 0 || !kids.length) return;
      // The positions stand together beside the motion (each still inside its own band, so
      // nothing else is in its way), not each in the middle of its far-apart subtree.
      var stack = -GAP_Y;
      kids.forEach(function (kid) { stack += kid.h + GAP_Y; });
      var at = node.y + node.h / 2 - stack / 2;
      kids.forEach(function (kid) {
        kid.y = Math.min(Math.max(at, kid.top), kid.top + kid.band - kid.h);
        at = kid.y + kid.h + GAP_Y;
      });
    });
  }

  function elbow(link) {
    var s = link.source, t = link.target;
    var x0 = s.x + s.w, y0 = s.y + s.h / 2, x1 = t.x, y1 = t.y + t.h / 2;
    var turn = x0 + GAP_X / 2;
    return "M" + x0 + "," + y0 + "H" + turn + "V" + y1 + "H" + x1;
  }

  function draw(maxDepth) {
    layer.selectAll("*").remove();
    var root = d3.hierarchy(data, function (d) { return d.children; });
    root.each(function (node) {
      if (node.depth >= maxDepth && node.children) { node.children = null; }
    });
    layout(root);

    layer.append("g").attr("class", "picture-links").attr("fill", "none").attr("stroke-width", 1.5)
      .selectAll("path").data(root.links()).join("path")
      .attr("d", elbow)
      .attr("data-source", function (d) { return d.source.data.id; })
      .attr("data-target", function (d) { return d.target.data.id; })
      .attr("stroke", function (d) { return colours[d.target.data.stance] || "#9aa3b2"; })
      .attr("marker-end", "url(#arrow)");

    var nodes = layer.append("g").attr("class", "picture-boxes").selectAll("a")
      .data(root.descendants()).join("a")
      .attr("href", function (d) { return d.data.url; })
      .attr("data-id", function (d) { return d.data.id; })
      .attr("data-depth", function (d) { return d.depth; })
      .attr("transform", function (d) { return "translate(" + d.x + "," + d.y + ")"; });
    nodes.append("title").text(function (d) { return d.data.text; });
    nodes.append("rect").attr("width", function (d) { return d.w; })
      .attr("height", function (d) { return d.h; }).attr("rx", 6)
      .attr("fill", function (d) { return fills[d.data.stance] || "#fff"; })
      .attr("stroke", function (d) { return colours[d.data.stance] || "#1d2330"; })
      .attr("stroke-width", function (d) { return d.data.strength == null ? 1.5 : 1 + 4 * d.data.strength; })
      .attr("stroke-dasharray", function (d) { return d.data.hidden ? "4 3" : null; });
    nodes.append("text").attr("class", "picture-label").attr("x", PAD).attr("y", PAD + 12)
      .attr("font-size", LABEL_SIZE).attr("font-weight", 700)
      .attr("fill", function (d) { return colours[d.data.stance] || "#1d2330"; })
      .text(function (d) { return d.label; });
    nodes.each(function (d) {
      var group = d3.select(this);
      d.lines.forEach(function (line, i) {
        group.append("text").attr("x", PAD).attr("y", PAD + 12 + (i + 1) * LINE_H)
          .attr("font-size", TEXT_SIZE).attr("fill", "#1d2330").text(line);
      });
    });
    fit(false);
  }

  // --- fitting --------------------------------------------------------------------------------
  function boundsOf(selection) {
    var x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    selection.each(function (d) {
      x0 = Math.min(x0, d.x); y0 = Math.min(y0, d.y);
      x1 = Math.max(x1, d.x + d.w); y1 = Math.max(y1, d.y + d.h);
    });
    return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
  }

  function scaleFor(box, margin) {
    return Math.min((width - 2 * margin) / box.width, (height - 2 * margin) / box.height);
  }

  // `whole`: the whole map, however small (the "Fit to screen" button). Otherwise readable
  // if it can be, with the motion and every position in view.
  function fit(whole) {
    var boxes = layer.selectAll(".picture-boxes a");
    if (boxes.empty()) return;
    var all = boundsOf(boxes);
    var margin = MARGIN;
    var fitAll = Math.min(2, scaleFor(all, margin));
    var scale = fitAll, focus = all;
    if (!whole && fitAll < READABLE) {
      var heads = boundsOf(boxes.filter(function (d) { return d.depth <= 1; }));
      scale = Math.max(fitAll, Math.min(READABLE, scaleFor(heads, margin)));
      focus = heads;
    }
    var cx = focus.x + focus.width / 2, cy = focus.y + focus.height / 2;
    var tx = width / 2 - cx * scale, ty = height / 2 - cy * scale;
    if (focus !== all) tx = margin - focus.x * scale; // the motion at the left edge
    svg.call(zoom.transform, d3.zoomIdentity.translate(tx, ty).scale(scale));
  }

  svg.append("defs").append("marker").attr("id", "arrow").attr("viewBox", "0 0 10 10")
    .attr("refX", 10).attr("refY", 5).attr("markerWidth", 6).attr("markerHeight", 6)
    .attr("orient", "auto-start-reverse").append("path").attr("d", "M 0 0 L 10 5 L 0 10 z")
    .attr("fill", "#9aa3b2");

  // A box reached with Tab that is out of view is brought into the middle of it.
  svg.on("focusin", function (event) {
    var link = event.target.closest && event.target.closest("a");
    if (!link || !link.__data__) return;
    var box = link.getBoundingClientRect(), frame = svg.node().getBoundingClientRect();
    if (box.left >= frame.left && box.right <= frame.right && box.top >= frame.top && box.bottom <= frame.bottom) return;
    var d = link.__data__;
    svg.call(zoom.translateTo, d.x + d.w / 2, d.y + d.h / 2);
  });

  var depth = document.getElementById("picture-depth");
  depth.addEventListener("change", function () { draw(Number(depth.value)); });
  document.getElementById("picture-fit").addEventListener("click", function () { fit(true); });
  document.getElementById("picture-download").addEventListener("click", function () {
    var clone = svg.node().cloneNode(true);
    var box = layer.node().getBBox();
    clone.setAttribute("viewBox", [box.x - 10, box.y - 10, box.width + 20, box.height + 20].join(" "));
    clone.setAttribute("width", box.width + 20);
    clone.setAttribute("height", box.height + 20);
    clone.querySelector(".picture-layer").removeAttribute("transform");
    var cloneRuler = clone.querySelector(".picture-ruler");
    if (cloneRuler) cloneRuler.remove();
    clone.setAttribute("font-family", "system-ui, sans-serif");
    var blob = new Blob([new XMLSerializer().serializeToString(clone)], { type: "image/svg+xml" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = "argument-map.svg";
    document.body.appendChild(link);
    link.click();
    link.remove();
  });
  draw(Number(depth.value));
})();

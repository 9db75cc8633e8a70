// The map as a picture: d3-hierarchy lays the tree out (positions under the motion, replies
// under their parents); boxes link to claims; colour is stance, border weight is strength.
(function () {
  var svg = d3.select("#picture");
  var dataNode = document.getElementById("picture-data");
  if (svg.empty() || !dataNode) return;
  var data = JSON.parse(dataNode.textContent);
  var BOX_W = 220, BOX_H = 74, GAP_X = 60, GAP_Y = 16;
  var colours = { pro: "#1b6e3c", con: "#a12a2a", position: "#2a4fb5", root: "#1d2330" };
  var fills = { pro: "#e6f4ea", con: "#fbe9e9", position: "#e8ecf7", root: "#ffffff" };

  var width = svg.node().parentNode.clientWidth || 1200;
  var height = Math.max(560, window.innerHeight - 260);
  svg.attr("width", width).attr("height", height).attr("viewBox", [0, 0, width, height]);
  var layer = svg.append("g");
  var zoom = d3.zoom().scaleExtent([0.05, 3]).on("zoom", function (event) {
    layer.attr("transform", event.transform);
  });
  svg.call(zoom);

  function wrap(text, width) {
    var words = text.split(/\s+/), lines = [], line = "";
    words.forEach(function (word) {
      var next = line ? line + " " + word : word;
      if (next.length * 6.2 > width && line) { lines.push(line); line = word; } else { line = next; }
    });
    if (line) lines.push(line);
    if (lines.length > 3) { lines = lines.slice(0, 3); lines[2] = lines[2].replace(/.{0,2}$/, "…"); }
    return lines;
  }

  function draw(maxDepth) {
    layer.selectAll("*").remove();
    var root = d3.hierarchy(data, function (d) {
      return d.children;
    });
    root.each(function (node) {
      if (node.depth >= maxDepth && node.children) { node.children = null; }
    });
    d3.tree().nodeSize([BOX_H + GAP_Y, BOX_W + GAP_X])(root);

    layer.append("g").attr("fill", "none").attr("stroke", "#9aa3b2").attr("stroke-width", 1.5)
      .selectAll("path").data(root.links()).join("path")
      .attr("d", d3.linkHorizontal().x(function (d) { return d.y; }).y(function (d) { return d.x; }))
      .attr("stroke", function (d) { return colours[d.target.data.stance] || "#9aa3b2"; })
      .attr("marker-end", "url(#arrow)");

    var nodes = layer.append("g").selectAll("a").data(root.descendants()).join("a")
      .attr("href", function (d) { return d.data.url; })
      .attr("transform", function (d) { return "translate(" + d.y + "," + (d.x - BOX_H / 2) + ")"; });
    nodes.append("rect").attr("width", BOX_W).attr("height", BOX_H).attr("rx", 6)
      .attr("fill", function (d) { return fills[d.data.stance] || "#fff"; })
      .attr("stroke", function (d) { return colours[d.data.stance] || "#1d2330"; })
      .attr("stroke-width", function (d) { return d.data.strength == null ? 1.5 : 1 + 5 * d.data.strength; })
      .attr("stroke-dasharray", function (d) { return d.data.hidden ? "4 3" : null; });
    nodes.append("text").attr("x", 8).attr("y", 16).attr("font-size", 11).attr("font-weight", 700)
      .attr("fill", function (d) { return colours[d.data.stance] || "#1d2330"; })
      .text(function (d) {
        var s = d.data.strength == null ? "" : "  strength " + d.data.strength.toFixed(2);
        var stance = d.data.stance === "pro" ? "supports " : d.data.stance === "con" ? "attacks " : "";
        return stance + d.data.label + s;
      });
    nodes.append("title").text(function (d) { return d.data.text; });
    nodes.each(function (d) {
      var group = d3.select(this);
      wrap(d.data.text, BOX_W - 16).forEach(function (line, i) {
        group.append("text").attr("x", 8).attr("y", 33 + i * 14).attr("font-size", 11)
          .attr("fill", "#1d2330").text(line);
      });
    });
    fit();
  }

  // Scale and centre whatever is drawn so that all of it shows.
  function fit(whole) {
    var box = layer.node().getBBox();
    if (!box.width) return;
    // Fit the whole map, but never so small that the text cannot be read: a large map starts
    // at a readable size, centred on the motion, and the reader pans or zooms out.
    var scale = Math.min(2, 0.95 * Math.min(width / box.width, height / box.height));
    var readable = whole ? scale : Math.max(scale, 0.7);
    var transform = readable === scale
      ? d3.zoomIdentity.translate(
          (width - box.width * scale) / 2 - box.x * scale,
          (height - box.height * scale) / 2 - box.y * scale
        ).scale(scale)
      : d3.zoomIdentity.translate(20 - box.x * readable, height / 2).scale(readable);
    svg.call(zoom.transform, transform);
  }

  svg.append("defs").append("marker").attr("id", "arrow").attr("viewBox", "0 0 10 10")
    .attr("refX", 10).attr("refY", 5).attr("markerWidth", 6).attr("markerHeight", 6)
    .attr("orient", "auto-start-reverse").append("path").attr("d", "M 0 0 L 10 5 L 0 10 z")
    .attr("fill", "#9aa3b2");

  var depth = document.getElementById("picture-depth");
  depth.addEventListener("change", function () { draw(Number(depth.value)); });
  document.getElementById("picture-fit").addEventListener("click", function () { fit(true); });
  document.getElementById("picture-download").addEventListener("click", function () {
    var clone = svg.node().cloneNode(true);
    var box = layer.node().getBBox();
    clone.setAttribute("viewBox", [box.x - 10, box.y - 10, box.width + 20, box.height + 20].join(" "));
    clone.setAttribute("width", box.width + 20);
    clone.setAttribute("height", box.height + 20);
    clone.querySelector("g").removeAttribute("transform");
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

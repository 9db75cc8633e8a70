// The source reader: selecting a passage fills the "propose evidence" form with the quote and
// its character offsets in the stored text. The server verifies both (debate/sources/text.py).
(function () {
  var article = document.querySelector(".source-text");
  var form = document.getElementById("propose-form");
  if (!article || !form) return;

  function offsetIn(node, offset) {
    var element = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    var paragraph = element && element.closest("p[data-start]");
    if (!paragraph || !article.contains(paragraph)) return null;
    var walker = document.createTreeWalker(paragraph, NodeFilter.SHOW_TEXT);
    var count = 0;
    var current;
    while ((current = walker.nextNode())) {
      if (current === node) return Number(paragraph.dataset.start) + count + offset;
      count += current.nodeValue.length;
    }
    // The selection ends on an element boundary rather than inside a text node.
    return Number(paragraph.dataset.start) + (offset === 0 ? 0 : count);
  }

  function onSelect() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return;
    var range = selection.getRangeAt(0);
    var start = offsetIn(range.startContainer, range.startOffset);
    var end = offsetIn(range.endContainer, range.endOffset);
    var quote = selection.toString().trim();
    if (start === null || end === null || !quote) return;
    form.elements.quote.value = quote;
    form.elements.start.value = Math.min(start, end);
    form.elements.end.value = Math.max(start, end);
    form.classList.add("propose--ready");
  }

  article.addEventListener("mouseup", onSelect);
  article.addEventListener("keyup", function (event) {
    if (event.shiftKey) onSelect();
  });
})();

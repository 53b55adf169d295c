"""Select text with the mouse in a notebook: a widget showing a text whose selection's
character offsets come back to Python (``start``, ``end``; -1 while nothing is selected).

The offsets count Python characters (code points), as every offset of the package does; the
browser counts UTF-16 units, so the script converts (an emoji is one character, not two).
Built on anywidget, which the ``notebook`` extra installs.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

SELECTION_ESM = """
function codePoints(text) {
  return Array.from(text).length;
}

function render({ model, el }) {
  const box = document.createElement("div");
  box.className = "ombudsman-selection";
  const show = () => {
    box.textContent = model.get("text");
  };
  show();
  model.on("change:text", show);
  // The UTF-16 offset, from the start of the box, of a boundary point inside it.
  const offset = (node, at) => {
    const range = document.createRange();
    range.setStart(box, 0);
    range.setEnd(node, at);
    return range.toString().length;
  };
  box.addEventListener("mouseup", () => {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
      return;
    }
    const range = selection.getRangeAt(0);
    if (!box.contains(range.startContainer) || !box.contains(range.endContainer)) {
      return;
    }
    const text = model.get("text");
    const start = offset(range.startContainer, range.startOffset);
    const end = offset(range.endContainer, range.endOffset);
    model.set("start", codePoints(text.slice(0, start)));
    model.set("end", codePoints(text.slice(0, end)));
    model.save_changes();
  });
  el.appendChild(box);
}

export default { render };
"""

SELECTION_CSS = """
.ombudsman-selection {
  white-space: pre-wrap;
  max-height: 24em;
  overflow-y: auto;
  padding: 0.5em;
  border: 1px solid #ccc;
  line-height: 1.5;
  cursor: text;
}
"""


@lru_cache(maxsize=1)
def _widget_class() -> type:
    try:
        import anywidget
        import traitlets
    except ImportError as err:
        raise ImportError(
            "selecting text with the mouse needs anywidget: pip install 'ombudsman_nlp[notebook]'"
        ) from err

    class TextSelection(anywidget.AnyWidget):
        """A text to select with the mouse; ``start``/``end``: the selection's offsets."""

        _esm = SELECTION_ESM
        _css = SELECTION_CSS
        text = traitlets.Unicode("").tag(sync=True)
        start = traitlets.Int(-1).tag(sync=True)
        end = traitlets.Int(-1).tag(sync=True)

    return TextSelection


def text_selection(text: str = "") -> Any:
    """A :class:`TextSelection` widget showing ``text``."""
    return _widget_class()(text=text)

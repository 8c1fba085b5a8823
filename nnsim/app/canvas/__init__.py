"""The drawing canvas: scene, items, editing tools, inspector, colour legend, layout."""

"""Front-end plumbing shared by every nbkeras widget.

- :mod:`.runtime`: the one widget per kernel that carries plotly.js to the browser.
- :mod:`.base`: :class:`NbKerasWidget`, the base class (bundle loading, error banner,
  request/reply protocol, deterministic repr).
- :mod:`.mathml`: LaTeX -> a JSON tree of MathML elements the browser builds safely.
"""

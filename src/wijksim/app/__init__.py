"""The wijksim app: a Solara page for policymakers and teachers (``wijksim app``).

Modules: :mod:`~wijksim.app.page` (the Solara ``Page``), :mod:`~wijksim.app.session` (levers,
input checks, building and stepping models; no UI), :mod:`~wijksim.app.charts` and
:mod:`~wijksim.app.network_view` (matplotlib figures), :mod:`~wijksim.app.i18n` (Dutch and
English labels), :mod:`~wijksim.app.teaching` (teacher notes per preset) and
:mod:`~wijksim.app.launch` (checks and start-up for the ``wijksim app`` command).

Importing this package does not import Solara; only :mod:`~wijksim.app.page` does.
"""

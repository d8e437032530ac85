"""Tools around the model: runs and comparisons, sweeps, sensitivity, calibration, validation.

Nothing here changes the model; each tool runs :class:`wijksim.model.WijkModel` and reads the
KPIs that :mod:`wijksim.submodels.observation` reports.
"""

"""The weekly submodels (ODD 7), one module each, in the order :meth:`WijkModel.step` runs them.

1 ``life_events``, 2 ``informal_support``, 3 ``escalation``, 4 ``signals``, 5 ``intake``,
6 ``casework``, 7 ``workforce``, 8 ``costs`` and ``observation``.
"""

"""The sample athlete's log (``demo_athlete.csv``), installed as ``analytics.sample_data``.

Read through :mod:`importlib.resources` (see :mod:`analytics.sample`), so it is found in a
wheel install as well as in a source checkout. ``generate.py`` rewrites the file.
"""

"""Backline analytics: import workout-log exports into DuckDB and compute progress metrics.

Nothing in this package imports streamlit: the dashboard pages and the CLI are thin
layers over these functions.
"""

__version__ = "0.1.0"

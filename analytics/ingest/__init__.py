"""CSV import: detect the export format, parse, validate, normalise, store."""

from .errors import IngestError
from .formats import FORMATS, FormatPlan, detect
from .pipeline import ImportResult, import_file

__all__ = ["FORMATS", "FormatPlan", "ImportResult", "IngestError", "detect", "import_file"]

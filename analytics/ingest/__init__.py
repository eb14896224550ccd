"""CSV import: detect the export format, parse, validate, normalise, store."""

from .errors import IngestError
from .formats import FORMATS, FormatPlan, detect
from .pipeline import ImportResult, import_file
from .preview import Preview, preview

__all__ = ["FORMATS", "FormatPlan", "ImportResult", "IngestError", "Preview", "detect",
           "import_file", "preview"]

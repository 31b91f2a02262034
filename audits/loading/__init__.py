"""Turn an uploaded export (CSV or Excel bytes) into a ``Table`` of canonical fields, or refuse.

The contract is ``docs/exports.md``. Everything a practice's systems produce is normal input
(BOMs, UTF-16 "Unicode text", semicolons, title lines, blank rows, ``[Table] Field`` and ``*Field``
headers); anything we cannot read faithfully becomes a ``LoadError`` with a stable ``code``, a
message in the user's words that names the file, and ``details`` for the wizard. Nothing is ever
half-loaded: either a whole ``LoadResult`` comes back or an error does.

Row numbers are the ones a person sees in Excel: title lines and blank rows count, the header row is
wherever it was found (row 1 when there are no title lines).

The modules, each depending only on those above it:

- ``errors``: ``LoadError`` and the shared refusals; ``limits``: ``LoadLimits`` and size checks
- ``results``: what comes back (``HeaderPreview``, ``DetectResult``, ``LoadResult``, ...)
- ``grid``: a sheet before field matching; ``headers``: header comparison and checks
- ``columns``: headers to canonical fields; ``detect``: the header row and the export kind
- ``sniff``: format, encoding, delimiter; ``csv_grid`` and ``excel``: bytes to a grid
- ``values``: dates and numbers; ``templates``: the downloadable CSV templates
- ``load``: the entry points ``read_header``, ``load_bytes`` and ``load_path``
"""

from audits.loading.columns import match_columns
from audits.loading.detect import detect_kind
from audits.loading.errors import LoadError, human_size
from audits.loading.headers import column_letter, header_signature, normalise_header
from audits.loading.limits import LoadLimits
from audits.loading.load import load_bytes, load_path, read_header
from audits.loading.results import DetectResult, HeaderPreview
from audits.loading.sniff import sniff_format
from audits.loading.templates import template_csv

__all__ = [
    "DetectResult",
    "HeaderPreview",
    "LoadError",
    "LoadLimits",
    "column_letter",
    "detect_kind",
    "header_signature",
    "human_size",
    "load_bytes",
    "load_path",
    "match_columns",
    "normalise_header",
    "read_header",
    "sniff_format",
    "template_csv",
]

"""Chinese search: bigram tokens, an index built at build time, queried in the browser and the terminal.

Plain Python, no MkDocs import: ``tokens`` (the shared token scheme), ``extract`` (text of a
rendered page), ``index`` (building the compact index), ``codec`` (its file format), ``query``
(ranking, the same rules as ``studyportal/assets/search/search.js``).
"""

from studyportal.search.index import INDEX_DIR, IndexBuilder, SearchDoc
from studyportal.search.query import SiteIndex, search

__all__ = ["INDEX_DIR", "IndexBuilder", "SearchDoc", "SiteIndex", "search"]

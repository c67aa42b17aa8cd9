"""Chinese search: bigram tokens, an index built at build time, queried in the browser and the terminal.

Plain Python, no MkDocs import: ``tokens`` (the token rule and the highlighter), ``extract`` (text
of a rendered page), ``terms`` (a page's terms counted with numpy, compact enough to pass between
processes and keep in the build cache), ``index`` (building the compact index, with the settings the
browser reads from it), ``codec`` (its file format), ``query`` (ranking, the same rules as the browser's
``studyportal/assets/search/engine.js``; ``search.js`` is the search box around it).
"""

from studyportal.search.index import INDEX_DIR, IndexBuilder, SearchDoc
from studyportal.search.query import SiteIndex, search

__all__ = ["INDEX_DIR", "IndexBuilder", "SearchDoc", "SiteIndex", "search"]

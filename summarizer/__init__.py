"""summarizer: news articles in, grounded briefs out.

    from summarizer import summarize
    brief = summarize(open("article.txt").read())
"""

from .batch import asummarize_many, summarize_many
from .errors import SummarizerError
from .pipeline import Summarizer, asummarize, summarize
from .schemas import Brief
from .sources import Article

__all__ = [
    "Article",
    "Brief",
    "Summarizer",
    "SummarizerError",
    "asummarize",
    "asummarize_many",
    "summarize",
    "summarize_many",
]
__version__ = "0.1.0"

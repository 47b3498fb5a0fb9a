"""digest: turn a pile of news articles into one cited briefing per story, offline."""

__version__ = "0.1.0"

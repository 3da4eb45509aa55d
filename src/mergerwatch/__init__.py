"""mergerwatch: where does this deal stand with the competition authorities?"""

__version__ = "0.1.0"

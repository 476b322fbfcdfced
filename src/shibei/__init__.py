"""shibei: the 市北区 civic data platform.

Importing this package has no side effects: no settings read, no connection opened.
"""

__version__ = "0.1.0"

"""kinerja-rules: declarative performance indicators for Indonesian government reports (LKjIP)."""

__version__ = "0.1.0"

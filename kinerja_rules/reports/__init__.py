"""The documents a unit hands in: Bab III of the LKjIP, built once as a :class:`Document` and
written as Word, HTML or Markdown by one renderer each."""

"""Upward reporting (上报): a pilot's enterprise archive, projects, acceptance results and funds as one
document for the national platform (DOMAIN.md 8.18: city → province or 计划单列市 → national platform).

- ``export.report_of(pilot)`` builds the document; ``export.canonical(document)`` writes it as JSON, keys
  sorted, so the same content is the same bytes; ``workbook.report_workbook(document)`` writes it to Excel.
- ``schema.json`` (copied to docs/upward-report.schema.json) is its JSON Schema; ``receive.report_receive``
  validates a document against it and against its own arithmetic, and stores it on the receiving instance,
  from which ``export`` gives back the same document (the round trip: tests/test_upward.py).
"""

"""The programme administration's API: programmes, batches, applications with their pools, reviews and the
eligibility codes."""

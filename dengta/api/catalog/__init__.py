"""The catalogue over the API (docs/catalogue.md): the pages' permission rules and services, as JSON."""

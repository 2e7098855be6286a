"""The REST API v1 (DESIGN.md "Interfaces"): what every app's endpoints
share — token authentication, problem-details errors — and the schema and
its documentation."""

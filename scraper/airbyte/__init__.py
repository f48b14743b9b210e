"""Airbyte provisioning through the public API: S3 source -> Postgres destination -> connection."""

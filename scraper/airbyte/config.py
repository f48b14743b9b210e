"""The wanted Airbyte configuration, built in one place: the provisioning code sends exactly this, and
the contract test feeds exactly this to Airbyte's own `source-s3` connector."""

from __future__ import annotations

import json
from dataclasses import dataclass

from scraper.models import record_columns

S3_SOURCE_DEFINITION_ID = "69589781-7828-43c5-9f63-8925b1c1ccc2"
POSTGRES_DESTINATION_DEFINITION_ID = "25c5221d-dce2-4163-ade9-739ef790f503"
STREAM = "profiles"
GLOB = "linkedin/profiles/**/*.jsonl"
PRIMARY_KEY = ("profile_id", "scraped_at")


@dataclass(frozen=True)
class S3SourceSettings:
    bucket: str
    region: str = "us-east-1"
    endpoint: str | None = None  # SeaweedFS on kind; None for AWS S3
    access_key_id: str | None = None  # None on staging: the connector uses its role
    secret_access_key: str | None = None
    role_arn: str | None = None
    glob: str = GLOB

    def __repr__(self) -> str:
        return f"S3SourceSettings(bucket={self.bucket!r}, endpoint={self.endpoint!r}, keys={'set' if self.access_key_id else None})"


def s3_source_configuration(s: S3SourceSettings) -> dict:
    """`configuration` of the S3 source (source-s3 v4 spec): one JSONL stream `profiles`.

    With a custom endpoint the connector switches to path-style addressing by itself.
    """
    config: dict = {
        "sourceType": "s3",
        "bucket": s.bucket,
        "region_name": s.region,
        "endpoint": s.endpoint or "",
        "streams": [
            {
                "name": STREAM,
                "globs": [s.glob],
                "format": {"filetype": "jsonl"},
                "validation_policy": "Emit Record",
                "days_to_sync_if_history_is_full": 3,
                "schemaless": False,
                # Declared, not inferred (inference types an all-null column "null", then drops it),
                # and derived from the record's one declaration.
                "input_schema": json.dumps(record_columns()),
            }
        ],
    }
    if s.access_key_id:
        config["aws_access_key_id"] = s.access_key_id
        config["aws_secret_access_key"] = s.secret_access_key
    if s.role_arn:
        config["role_arn"] = s.role_arn
    return config

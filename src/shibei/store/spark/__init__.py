"""The Spark engine: the same foundation pipeline (ingest → standardize → resolve →
foundation) on Apache Spark, over the same lake layout as the DuckDB engine (docs/scale.md).

pyspark is an optional extra (`pip install 'shibei[spark]'`): nothing here imports it at
module import time, so the core installs and imports without it. Every stage runs the
project's own Python functions (`process_chunk`, `resolve`, the foundation SQL of
`shibei.foundation.build_sql`), so both engines give the same answer by construction.
"""

from __future__ import annotations

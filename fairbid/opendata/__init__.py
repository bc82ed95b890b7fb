"""Open data (公开数据): OCDS 1.1 release packages and records, the national data specification's fields, and the
GB/T 2260 region list and a simulated trading year the self-check and the export use.

Sits beside ``analytics`` and ``documents``: it reads the neutral trading records of ``fairbid.domain.quality``
(filled by the services from the store) and writes documents; it never touches the store itself.
"""

__all__: list[str] = []

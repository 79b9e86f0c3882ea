"""Data protection of the counselling app: erasure (on request and by the retention task), the
data-subject requests (finding the client, what is held, export, erasure) and their screens, and the
counselling models' lines of the record of processing activities.

- `erasure`: what erasure keeps (`ERASURE_KEEPS`), `anonymise_client`, the retention tasks, and the
  registry through which the apps above erase their rows about a client (`register_linked_rows`).
- `subjects`: whose requests a user handles, `get_holdings`, `erase_client`.
- `export`: everything held about a client, as JSON or PDF.
- `declarations`: the record of processing for the counselling models (registered in CounsellingConfig.ready).
- `views`, `urls`: the screens under /staff/data-protection/.
"""

from counselling.dataprotection.erasure import (
    CASE_EVENT_PARAMS_KEPT,
    ERASURE_DELETES,
    ERASURE_KEEPS,
    REDACTED,
    ErasureReason,
    LinkedRows,
    anonymise_client,
    anonymise_expired_cases,
    erased_fields,
    redact_stale_appointment_requests,
    register_linked_rows,
)
from counselling.dataprotection.export import export_client_data, export_client_pdf, withheld_notes_notice
from counselling.dataprotection.subjects import (
    Holdings,
    erase_client,
    find_client_for_audit,
    get_data_subject,
    get_holdings,
    list_data_subjects,
    require_data_subject_right,
)

__all__ = [
    "CASE_EVENT_PARAMS_KEPT",
    "ERASURE_DELETES",
    "ERASURE_KEEPS",
    "REDACTED",
    "ErasureReason",
    "Holdings",
    "LinkedRows",
    "anonymise_client",
    "anonymise_expired_cases",
    "erase_client",
    "erased_fields",
    "export_client_data",
    "export_client_pdf",
    "find_client_for_audit",
    "get_data_subject",
    "get_holdings",
    "list_data_subjects",
    "redact_stale_appointment_requests",
    "register_linked_rows",
    "require_data_subject_right",
    "withheld_notes_notice",
]

"""Data protection, the foundation: the record of processing activities (GDPR art. 30) that every app
fills with its models' declarations (`processing`), and its screens (`views`).

The apps' own parts live with their data: counselling/dataprotection/ (a client's erasure, export and the
data-subject request screens), cms/returnees/dataprotection.py (the returnee's own download and deletion).
"""

from portal.dataprotection.processing import (
    BY_COUNTRY,
    CLIENTS,
    CONSENT,
    CONTRACT,
    DECLARATIONS,
    EMPLOYERS_WITH_CONSENT,
    LEGAL_OBLIGATION,
    LEGITIMATE,
    NO_RECIPIENT,
    PARTNER_STAFF,
    PARTNERS_WITH_CONSENT,
    RETURNEES,
    STAFF,
    VITAL_OR_PUBLIC,
    Activity,
    DataCategory,
    Processing,
    csv_rows,
    declaration_for,
    declare_processing,
    personal_data_models,
    record_of_processing,
    undeclared_models,
)

__all__ = [
    "BY_COUNTRY",
    "CLIENTS",
    "CONSENT",
    "CONTRACT",
    "DECLARATIONS",
    "EMPLOYERS_WITH_CONSENT",
    "LEGAL_OBLIGATION",
    "LEGITIMATE",
    "NO_RECIPIENT",
    "PARTNERS_WITH_CONSENT",
    "PARTNER_STAFF",
    "RETURNEES",
    "STAFF",
    "VITAL_OR_PUBLIC",
    "Activity",
    "DataCategory",
    "Processing",
    "csv_rows",
    "declaration_for",
    "declare_processing",
    "personal_data_models",
    "record_of_processing",
    "undeclared_models",
]

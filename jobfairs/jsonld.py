"""schema.org `JobPosting` data for a vacancy page (what search engines require, plus what we know)."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import _json_script_escapes, strip_tags
from django.utils.safestring import SafeString, mark_safe

from jobfairs.models import Vacancy


def job_posting(vacancy: Vacancy, *, url: str) -> dict[str, Any]:
    """The JobPosting as a dict; the template emits it with `json_script`-safe escaping."""
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": vacancy.title,
        "description": strip_tags(vacancy.description),
        "datePosted": vacancy.date_posted.isoformat(),
        "validThrough": f"{vacancy.valid_through.isoformat()}T23:59:59",
        "employmentType": vacancy.employment_type,
        "url": url,
        "hiringOrganization": {"@type": "Organization", "name": vacancy.employer.name},
        "identifier": {"@type": "PropertyValue", "name": vacancy.employer.name, "value": str(vacancy.public_id)},
    }
    if vacancy.employer.website:
        data["hiringOrganization"]["sameAs"] = vacancy.employer.website
    if vacancy.remote:
        data["jobLocationType"] = "TELECOMMUTE"
        data["applicantLocationRequirements"] = {"@type": "Country", "name": vacancy.country_id}
    if vacancy.locality or not vacancy.remote:
        data["jobLocation"] = {
            "@type": "Place",
            "address": {
                "@type": "PostalAddress",
                "addressLocality": vacancy.locality,
                "addressCountry": vacancy.country_id,
            },
        }
    if vacancy.isco_code:
        data["occupationalCategory"] = f"ISCO-08 {vacancy.isco_code}"
    if vacancy.skills:
        data["skills"] = vacancy.skills
    if vacancy.salary_min is not None or vacancy.salary_max is not None:
        value: dict[str, Any] = {"@type": "QuantitativeValue", "unitText": vacancy.salary_unit}
        if vacancy.salary_min is not None and vacancy.salary_max is not None:
            value |= {"minValue": float(vacancy.salary_min), "maxValue": float(vacancy.salary_max)}
        else:
            value["value"] = float(vacancy.salary_min if vacancy.salary_min is not None else vacancy.salary_max)
        data["baseSalary"] = {"@type": "MonetaryAmount", "currency": vacancy.salary_currency, "value": value}
    return data


def job_posting_script_body(data: dict[str, Any]) -> SafeString:
    """The JSON text with `<`, `>` and `&` escaped as `json_script` does, safe inside a script element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_json_script_escapes)
    return mark_safe(text)  # noqa: S308 - escaped just above, exactly like django.utils.html.json_script

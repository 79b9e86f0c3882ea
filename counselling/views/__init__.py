"""Views of the counsellor's daily tool, one module per part of the work. Thin: parse, call a selector or a
service, render. `counselling/urls.py` names every view; `common` holds what they share."""

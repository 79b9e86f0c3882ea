"""Wagtail page models of the information site (built in the CMS issue)."""

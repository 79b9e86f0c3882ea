"""Attacks replayed through HTTP (issue #15): each test fails on the code before its fix."""

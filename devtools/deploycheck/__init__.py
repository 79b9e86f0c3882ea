"""`make deploy-check`: DEPLOYMENT.md performed on this machine in a scratch folder, the site checked through nginx.

The guide's fenced blocks marked `step=NAME` (shell) or `file=/path` (a file to write) are what the check runs
(`guide.py`), so the guide and the check cannot say different things. See `check.py`; `stand_ins.py` replaces
systemd, certbot and the second account on a test machine. Imports nothing at package level.
"""

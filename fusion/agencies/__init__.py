"""Agencies sharing the picture: their jurisdictions, maritime belts, alert routing and sharing.

See docs/agencies.md: ``config.py`` reads and checks the agencies file, ``belts.py`` the
maritime belts, ``routing.py`` names each alert's responsible and informed agencies, and
``sharing.py`` cuts an alert down to what one recipient may see.
"""

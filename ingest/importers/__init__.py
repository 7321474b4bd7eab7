"""Turn recordings made by other systems into scenario folders (``seawatch import``, issue 10).

Analysts bring what their agencies recorded: NMEA 0183 logs of AIS receivers and shore
networks, CSV exports of national AIS archives, ARPA target logs of a ship's radar, ASTERIX
captures of a coastal radar. Each importer here reads one kind with the existing parsers
(:mod:`ingest.nmea`, :mod:`ingest.ais`, :mod:`ingest.radar_nmea`, :mod:`ingest.radar_asterix`)
and hands back timed AIS messages and radar plots; :mod:`ingest.importers.build` merges them
and writes the folder that ``seawatch replay`` and the dashboard read (docs/formats.md), with
the provenance of every source in ``import.json``. :mod:`ingest.importers.info` summarises a
folder (``seawatch info``). Nothing accepted is dropped: every line or row that is not carried
into the folder is counted by reason and, when it was bad, kept in ``rejects.jsonl``.
"""

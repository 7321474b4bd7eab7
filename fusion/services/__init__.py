"""Long-running services of a Kafka deployment: fuse, publish a recording, record raw topics.

Each is a loop over a bus (``fusion.bus_factory.open_bus``) around the same stage code the
embedded replay uses; ``fusion.cli`` gives them their commands (``seawatch fuse``,
``seawatch replay --bus kafka://...``, ``seawatch record``).
"""

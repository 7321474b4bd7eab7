"""Alert rules over fused tracks: geofence, dark vessel, AIS gap, rendezvous."""

from fusion.rules.config import RulesConfig
from fusion.rules.engine import RuleEngine
from fusion.rules.zones import Zones, ZonesFileError, load_zones

__all__ = ["RuleEngine", "RulesConfig", "Zones", "ZonesFileError", "load_zones"]

"""Validate a CISE message against the CISE XML Schemas, offline, the way JRC's validator does.

The schemas are not part of seawatch: point ``CiseValidator`` at a folder laid out like
``../shared/data/cise`` (its MANIFEST.md says where each file comes from). Two schemas, not
one: ``message.xsd`` admits only namespaced payload children (``##other``) while CISE
entities are unqualified, so every payload entity is validated on its own against
``EntitySchema.xsd``, removed, and the rest validated against ``message.xsd``.
``LocationSchemaLoader`` follows every ``schemaLocation`` of a namespace (Xerces'
honour-all-schemaLocations, which the data model needs). Nothing is fetched.
"""

from __future__ import annotations

from pathlib import Path

import xmlschema
from lxml import etree

_JARS = Path("enextus-cise-sim/cise-local-repo/snapshots/eu/europa/ec/jrc/marex")
MESSAGE_XSD = (
    _JARS
    / "eucise-service-model/1.0.9-jdk11-SNAPSHOT/eucise-service-model-1.0.9-jdk11-20210521.152649-1.jar"
    / "xsd/message.xsd"
)
ENTITY_XSD = (
    _JARS
    / "cise-data-model/1.5.3.14-jdk11-SNAPSHOT/cise-data-model-1.5.3.14-jdk11-20210521.152648-1.jar"
    / "xsd/EntitySchema.xsd"
)


class CiseSchemaError(ValueError):
    """The CISE schema folder is missing or incomplete; the message names the file expected."""


class CiseValidator:
    """The CISE 1.5.3 data model and service model schemas, built once (about a second).

    Parameters
    ----------
    reference_dir : Path
        Folder with the CISE XSDs in the layout of ``../shared/data/cise``.
    """

    def __init__(self, reference_dir: Path) -> None:
        paths = {
            name: reference_dir / relative
            for name, relative in (("message", MESSAGE_XSD), ("entity", ENTITY_XSD))
        }
        for name, path in paths.items():
            if not path.is_file():
                raise CiseSchemaError(
                    f"CISE {name} schema not found: {path} (give the folder that holds the CISE XSDs, "
                    "laid out as ../shared/data/cise)"
                )
        loader = xmlschema.LocationSchemaLoader
        self.message_schema = xmlschema.XMLSchema10(str(paths["message"]), loader_class=loader)
        self.entity_schema = xmlschema.XMLSchema10(str(paths["entity"]), loader_class=loader)

    @property
    def entity_names(self) -> frozenset[str]:
        """Names of the payload entities (``Vessel``, ``Anomaly``, ``Risk``, ... 39 in all)."""
        return frozenset(self.entity_schema.elements)

    def errors(self, xml: bytes) -> list[str]:
        """Every schema error of one message (empty when valid), each naming its element path."""
        try:
            root = etree.fromstring(xml)
        except etree.XMLSyntaxError as error:
            return [f"not well-formed XML: {error}"]
        found: list[str] = []
        payload = root.find("Payload")
        if payload is not None:
            for child in list(payload):
                if isinstance(child.tag, str) and child.tag in self.entity_schema.elements:
                    name = child.tag  # unqualified, as CISE entities are
                    found.extend(
                        f"{name}: {e.reason} at {e.path}" for e in self.entity_schema.iter_errors(child)
                    )
                    payload.remove(child)
        found.extend(f"envelope: {e.reason} at {e.path}" for e in self.message_schema.iter_errors(root))
        return found

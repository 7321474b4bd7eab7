"""seawatch's picture, alerts and risk assessments in the EU CISE data model 1.5.3.

``vocabulary`` maps seawatch terms to CISE code lists, ``entities`` builds the ``Vessel``,
``Anomaly`` and ``Risk`` elements, ``messages`` wraps them in Push messages, ``validate``
checks a message against the CISE XML Schemas, ``policy`` says what a partner may see and
``delivery`` hands messages to a directory or an HTTP endpoint. docs/cise.md has the
field-by-field mapping.
"""

"""The CISE schemas fixture of the unit tests, shared with the integration tests."""

from tests.unit.cise.conftest import cise_validator  # noqa: F401 (a fixture)

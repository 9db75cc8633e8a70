from tests.api.helpers import anon, api_world, empty_cache  # noqa: F401 - fixtures
